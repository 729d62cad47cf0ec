from django.db import migrations

from backcore.accounts.coach_permissions import coach_permissions

COACH_PERMISSIONS = [
    "view_phase",
    "change_phase",
    "view_poolentry",
    "add_poolentry",
    "change_poolentry",
    "delete_poolentry",
    "view_intake",
    "view_safetyscreen",
    "view_enrolment",
    "change_enrolment",
    "view_progressiondecision",
]


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_seed_phases"),
        ("accounts", "0002_coaches_group"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [coach_permissions("programs", COACH_PERMISSIONS)]
