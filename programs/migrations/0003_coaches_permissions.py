from django.contrib.auth.management import create_permissions
from django.db import migrations

COACH_PERMISSIONS = [
    "view_phase",
    "change_phase",
    "view_poolentry",
    "add_poolentry",
    "change_poolentry",
    "delete_poolentry",
    "view_intake",
    "view_safetyscreen",
    "view_enrolment",
    "change_enrolment",
    "view_progressiondecision",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("programs")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Coaches")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programs", codename__in=COACH_PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Coaches"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="programs", codename__in=COACH_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_seed_phases"),
        ("accounts", "0002_coaches_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
