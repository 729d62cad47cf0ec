from django.contrib.auth.management import create_permissions
from django.db import migrations

COACHES_GROUP = "Coaches"
SUGGESTED_MAJOR = (0, 5, 15, 30)  # stored in minor units: 0, 500, 1500, 3000
CODENAMES = ("view_suggestedamount", "change_suggestedamount", "view_contribution")


def seed(apps, schema_editor):
    SuggestedAmount = apps.get_model("payments", "SuggestedAmount")
    for position, major in enumerate(SUGGESTED_MAJOR):
        SuggestedAmount.objects.get_or_create(
            amount_minor=major * 100, defaults={"position": position}
        )

    app_config = apps.get_app_config("payments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COACHES_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=CODENAMES)
    )


def unseed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COACHES_GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="payments", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("accounts", "0002_coaches_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
