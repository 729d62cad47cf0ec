"""What the programme keeps about a member: the exercise log CSV, the programme's sections of the
account export, and their removal when the account goes (programs/lifecycle.py registers them
with backcore.accounts.lifecycle).

Reads run a fixed number of queries whatever the history's length.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Prefetch

from backcore.accounts.lifecycle import export_row as _row
from programs.models import (
    CalendarFeed,
    EmergencyLift,
    Enrolment,
    Intake,
    MemberDose,
    PainEscalation,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
    ReminderSent,
    ReminderSettings,
    SafetyScreen,
)

CSV_COLUMNS = [
    "date",
    "session_status",
    "logged_late",
    "exercise",
    "role",
    "planned_hold_seconds",
    "planned_reps",
    "planned_sets",
    "per_side",
    "actual_seconds",
    "actual_reps",
    "actual_sets",
    "sides_done",
    "target_met",
    "completed_at",
    "pain_during",
    "sharp_pain",
    "effort",
    "morning_pain",
]


def logged_items(*, member):
    return (
        PlannedItem.objects.filter(session__member=member, completed_at__isnull=False)
        .select_related("session", "exercise")
        .order_by("session__date", "order")
    )


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_row(item: PlannedItem) -> list:
    s = item.session
    return [
        s.date.isoformat(),
        s.status,
        s.logged_late,
        item.exercise.name,
        item.role,
        item.hold_seconds,
        item.reps,
        item.sets,
        item.per_side,
        item.actual_seconds,
        item.actual_reps,
        item.actual_sets,
        item.sides_done,
        item.target_met,
        item.completed_at.isoformat(),
        s.pain_during,
        s.sharp_pain,
        s.effort,
        s.morning_pain,
    ]


EXPORT_CHUNK = 2_000


def export_csv_lines(*, member) -> Iterator[str]:
    """The exercise log as CSV lines, read in chunks from a server-side cursor: memory stays
    flat however many sessions the member has logged (one query)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for item in logged_items(member=member).iterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow(_csv_row(item))


def member_data_export(*, member) -> dict:
    """The programme's sections of the account export: intake, screens, plans, logs, reminders."""
    intake = Intake.objects.filter(member=member).first()
    enrolment = Enrolment.objects.filter(member=member).select_related("phase").first()
    reminder = ReminderSettings.objects.filter(member=member).first()
    sessions = (
        PlannedSession.objects.filter(member=member)
        .select_related("phase")
        .prefetch_related(
            Prefetch(
                "items", queryset=PlannedItem.objects.select_related("exercise").order_by("order")
            )
        )
        .order_by("date")
    )
    return {
        "intake": _row(intake) if intake else None,
        "safety_screens": [_row(s) for s in SafetyScreen.objects.filter(member=member)],
        "emergency_lifts": [
            _row(lift) for lift in EmergencyLift.objects.filter(member=member).order_by("id")
        ],
        "enrolment": (_row(enrolment) | {"phase": enrolment.phase.name}) if enrolment else None,
        "doses": [_row(d) for d in MemberDose.objects.filter(member=member).order_by("id")],
        "pain_escalations": [
            _row(e) for e in PainEscalation.objects.filter(member=member).order_by("day", "id")
        ],
        "sessions": [
            _row(s)
            | {
                "phase": s.phase.name,
                "items": [_row(i) | {"exercise": i.exercise.name} for i in s.items.all()],
            }
            for s in sessions
        ],
        "decisions": [
            _row(d)
            for d in ProgressionDecision.objects.filter(member=member).order_by("week_start", "id")
        ],
        "reminder_settings": _row(reminder) if reminder else None,
        "reminders_sent": [
            _row(r) for r in ReminderSent.objects.filter(member=member).order_by("local_date")
        ],
        "calendar_feeds": [
            _row(f) for f in CalendarFeed.objects.filter(member=member).order_by("created_at")
        ],
    }


@transaction.atomic
def member_data_delete(*, member) -> None:
    """Remove the programme's records of a member whose account is being deleted (logs first)."""
    PlannedItem.objects.filter(session__member=member).delete()
    for model in (
        PlannedSession,
        ProgressionDecision,
        MemberDose,
        PainEscalation,
        ReminderSent,
        ReminderSettings,
        CalendarFeed,
        Enrolment,
        EmergencyLift,
        SafetyScreen,
        Intake,
    ):
        model.objects.filter(member=member).delete()
