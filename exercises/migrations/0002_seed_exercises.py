from django.db import migrations

SEED_FILE = "exercises_v1.json"


def seed(apps, schema_editor):
    from exercises import content

    content.fill_blanks(items=content.load_seed(SEED_FILE), **content.historical_models(apps))


def unseed(apps, schema_editor):
    from exercises import content

    content.remove_seeded(
        slugs=content.seed_slugs(SEED_FILE),
        exercise_model=apps.get_model("exercises", "Exercise"),
    )


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
