from django.db import migrations

SEED_FILE = "exercises_v2.json"
POSES_FILE = "poses_v2.json"


def seed(apps, schema_editor):
    # A nerve glide that needs no chair, so every sciatica member can have one.
    from exercises import content

    content.fill_blanks(
        items=content.load_seed(SEED_FILE, demonstrations=POSES_FILE),
        **content.historical_models(apps),
    )


def unseed(apps, schema_editor):
    from exercises import content

    content.remove_seeded(
        slugs=content.seed_slugs(SEED_FILE),
        exercise_model=apps.get_model("exercises", "Exercise"),
    )


class Migration(migrations.Migration):
    dependencies = [("exercises", "0004_exercise_demonstration")]

    operations = [migrations.RunPython(seed, unseed)]
