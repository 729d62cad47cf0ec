from django.db import migrations


def seed(apps, schema_editor):
    from programs.seeding import seed_phases

    seed_phases(
        Phase=apps.get_model("programs", "Phase"),
        PoolEntry=apps.get_model("programs", "PoolEntry"),
        Exercise=apps.get_model("exercises", "Exercise"),
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("exercises", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
