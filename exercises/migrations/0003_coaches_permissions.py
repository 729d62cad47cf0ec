from django.contrib.auth.management import create_permissions
from django.db import migrations

COACHES_GROUP = "Coaches"
MODELS = ("exercise", "exercisestep", "exercisetag", "exerciseimage")
ACTIONS = ("view", "add", "change", "delete")


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    app_config = apps.get_app_config("exercises")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COACHES_GROUP)
    codenames = [f"{action}_{model}" for model in MODELS for action in ACTIONS]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="exercises", codename__in=codenames)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COACHES_GROUP).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="exercises"))


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0002_seed_exercises"),
        ("accounts", "0002_coaches_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
