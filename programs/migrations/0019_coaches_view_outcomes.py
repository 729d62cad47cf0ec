from django.db import migrations

from backcore.accounts.coach_permissions import coach_permissions

# Coaches read the re-checks in the admin (read-only there: answers are never overwritten).
COACH_PERMISSIONS = ["view_outcomecheck"]


class Migration(migrations.Migration):
    dependencies = [("programs", "0018_progression_runs")]

    operations = [coach_permissions("programs", COACH_PERMISSIONS)]
