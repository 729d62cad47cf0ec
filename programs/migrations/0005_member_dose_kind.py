from django.db import migrations, models


def fill_pools(apps, schema_editor):
    """The library is seeded now: add the pool entries 0002 had to skip (fills only what's missing)."""
    from programs.seeding import seed_phases

    seed_phases(
        Phase=apps.get_model("programs", "Phase"),
        PoolEntry=apps.get_model("programs", "PoolEntry"),
        Exercise=apps.get_model("exercises", "Exercise"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_reminders_calendar"),
        ("exercises", "0002_seed_exercises"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberdose",
            name="kind",
            field=models.CharField(
                choices=[
                    ("start", "Start"),
                    ("progress", "Progress"),
                    ("hold", "Hold"),
                    ("back_off", "Back off"),
                    ("advance_phase", "Advance phase"),
                    ("step_back", "Step back"),
                ],
                default="start",
                max_length=20,
            ),
        ),
        migrations.RunPython(fill_pools, migrations.RunPython.noop),
    ]
