from django.db import migrations


def create_coaches(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Coaches")


def remove_coaches(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Coaches").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_coaches, remove_coaches)]
