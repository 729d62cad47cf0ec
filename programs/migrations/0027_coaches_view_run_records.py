from django.db import migrations

from backcore.accounts.coach_permissions import coach_permissions

# Coaches see (never add, change or delete) the replanning after a programme edit and the
# weekly runs with their chunks: that their edit reached plans, and whether a run finished.
COACH_PERMISSIONS = ["view_programmeedit", "view_progressionrun", "view_progressionrunchunk"]


class Migration(migrations.Migration):
    dependencies = [("programs", "0026_weekly_run_write_cost")]

    operations = [coach_permissions("programs", COACH_PERMISSIONS)]
