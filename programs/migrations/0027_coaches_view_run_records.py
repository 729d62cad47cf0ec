from django.contrib.auth.management import create_permissions
from django.db import migrations

# Coaches see (never add, change or delete) the replanning after a programme edit and the
# weekly runs with their chunks: that their edit reached plans, and whether a run finished.
COACH_PERMISSIONS = ["view_programmeedit", "view_progressionrun", "view_progressionrunchunk"]


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
    dependencies = [("programs", "0026_weekly_run_write_cost")]

    operations = [migrations.RunPython(grant, revoke)]
