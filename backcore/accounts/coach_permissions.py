"""The data migrations that give the Coaches group permissions on an app's models.

Used only by migrations, with the historical `apps` they are handed, so it reads no model of
today's code: a migration written with it keeps doing what it did."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def coach_permissions(app_label: str, codenames: list[str]) -> migrations.RunPython:
    """A RunPython that adds `codenames` of `app_label` to the Coaches group (creating the
    permissions first: they are otherwise made only after every migration), and removes them
    when reversed."""

    def permissions(apps):
        Permission = apps.get_model("auth", "Permission")
        return Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)

    def grant(apps, schema_editor):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
        group, _ = apps.get_model("auth", "Group").objects.get_or_create(name="Coaches")
        group.permissions.add(*permissions(apps))

    def revoke(apps, schema_editor):
        for group in apps.get_model("auth", "Group").objects.filter(name="Coaches"):
            group.permissions.remove(*permissions(apps))

    return migrations.RunPython(grant, revoke)
