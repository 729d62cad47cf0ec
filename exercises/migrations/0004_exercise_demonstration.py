from django.db import migrations, models

SEED_FILE = "exercises_v1.json"
POSES_FILE = "poses_v1.json"


def fill_demonstrations(apps, schema_editor):
    from exercises import content

    content.fill_blanks(
        items=content.load_seed(SEED_FILE, demonstrations=POSES_FILE),
        create_missing=False,
        **content.historical_models(apps),
    )


class Migration(migrations.Migration):
    dependencies = [("exercises", "0003_coaches_permissions")]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="demonstration",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Keyframes (start, optional middle, end) and props the animated figure is drawn from.",
            ),
        ),
        migrations.RunPython(fill_demonstrations, migrations.RunPython.noop),
    ]
