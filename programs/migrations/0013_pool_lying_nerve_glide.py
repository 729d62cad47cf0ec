from django.db import migrations

NEW_EXERCISES = {"lying-nerve-glide"}


def seed(apps, schema_editor):
    # Only the new exercise's pool entries: entries a coach removed stay removed.
    from programs.seeding import seed_phases

    seed_phases(
        Phase=apps.get_model("programs", "Phase"),
        PoolEntry=apps.get_model("programs", "PoolEntry"),
        Exercise=apps.get_model("exercises", "Exercise"),
        only_exercises=NEW_EXERCISES,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0012_pain_reports_escalations"),
        ("exercises", "0005_seed_lying_nerve_glide"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
