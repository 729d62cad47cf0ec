"""The local date of each member's next reminder, beside its instant, so the scan picks the due
reminders in SQL. Existing rows get the date their stored instant falls on in the member's zone:
the scan must not have to work out every member again before it can send anyone's reminder."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import migrations, models

BATCH = 2000


def date_of_stored_instants(apps, schema_editor):
    ReminderSettings = apps.get_model("programs", "ReminderSettings")
    rows = ReminderSettings.objects.filter(next_due_at__isnull=False).only(
        "next_due_at", "timezone"
    )
    batch = []
    for reminder in rows.iterator(chunk_size=BATCH):
        try:
            zone = ZoneInfo(reminder.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            continue  # left blank: the scan works it out again
        reminder.next_due_local_date = reminder.next_due_at.astimezone(zone).date()
        batch.append(reminder)
        if len(batch) >= BATCH:
            ReminderSettings.objects.bulk_update(batch, ["next_due_local_date"])
            batch = []
    ReminderSettings.objects.bulk_update(batch, ["next_due_local_date"])


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0023_progress_totals"),
    ]

    operations = [
        migrations.AddField(
            model_name="remindersettings",
            name="next_due_local_date",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(date_of_stored_instants, migrations.RunPython.noop),
    ]
