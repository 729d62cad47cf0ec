from django.contrib.auth.management import create_permissions
from django.db import migrations

CATEGORIES = [
    # name, slug, description, who may start threads, new members' posts need approval
    (
        "Announcements",
        "announcements",
        "News and changes from the coaching team. Members reply; coaches start threads.",
        "coaches",
        False,
    ),
    (
        "Introductions",
        "introductions",
        "Say hello, share where you are starting from and what you hope to do again.",
        "members",
        True,
    ),
    (
        "Progress & wins",
        "progress-and-wins",
        "Small steps count. Share a streak, a better morning, a walk that felt easier.",
        "members",
        False,
    ),
    (
        "Questions for coaches",
        "questions-for-coaches",
        "Ask about exercises, dosing, flare-ups or the plan; a coach will answer.",
        "members",
        False,
    ),
    (
        "Sciatica",
        "sciatica",
        "For members whose pain travels into the leg: what helps, what to watch for.",
        "members",
        False,
    ),
    (
        "Active ageing",
        "active-ageing",
        "Staying strong and steady at any age, and keeping it going for years.",
        "members",
        False,
    ),
    (
        "Form check",
        "form-check",
        "Describe how an exercise feels and get pointers on setup and form.",
        "members",
        True,
    ),
]

COACH_PERMISSIONS = [
    ("community", "category", ["add", "change", "view"]),
    ("community", "thread", ["change", "view", "moderate_community"]),
    ("community", "post", ["change", "view"]),
    ("community", "report", ["change", "view"]),
    ("community", "postrevision", ["view"]),
]


def seed(apps, schema_editor):
    Category = apps.get_model("community", "Category")
    for order, (name, slug, description, starters, approval) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "order": order * 10,
                "who_can_start": starters,
                "new_member_posts_need_approval": approval,
            },
        )

    # Permissions are normally created after migrations; make sure they exist now.
    app_config = apps.get_app_config("community")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coaches")
    for app_label, model, actions in COACH_PERMISSIONS:
        for action in actions:
            codename = action if "_" in action else f"{action}_{model}"
            perm = Permission.objects.filter(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            ).first()
            if perm:
                group.permissions.add(perm)


def unseed(apps, schema_editor):
    apps.get_model("community", "Category").objects.filter(
        slug__in=[c[1] for c in CATEGORIES], threads__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0001_initial"),
        ("accounts", "0002_coaches_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
