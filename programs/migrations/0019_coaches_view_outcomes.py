from django.contrib.auth.management import create_permissions
from django.db import migrations

# Coaches read the re-checks in the admin (read-only there: answers are never overwritten).
COACH_PERMISSIONS = ["view_outcomecheck"]


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
    dependencies = [("programs", "0018_progression_runs")]

    operations = [migrations.RunPython(grant, revoke)]
