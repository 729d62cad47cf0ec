"""What the programme keeps about a member: the exercise log CSV, the programme's sections of the
account export, and their removal when the account goes (programs/lifecycle.py registers them
with backcore.accounts.lifecycle).

Reads run a fixed number of queries whatever the history's length.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Q

from backcore.accounts.lifecycle import StreamedRows
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


SESSION_CHUNK = 500


def _session_rows(*, member) -> Iterator[dict]:
    """A member's sessions with their items, SESSION_CHUNK sessions at a time (keyset pages of
    sessions, then their items in one query), so years of history never sit in memory at once.
    (A prefetching .iterator() kept every chunk's rows alive; explicit pages do not.)"""
    sessions = PlannedSession.objects.filter(member=member).select_related("phase")
    after = Q()
    while True:
        page = list(sessions.filter(after).order_by("date", "id")[:SESSION_CHUNK])
        if not page:
            return
        items: dict[int, list[dict]] = {s.pk: [] for s in page}
        for item in (
            PlannedItem.objects.filter(session__in=page)
            .select_related("exercise")
            .order_by("session_id", "order")
        ):
            items[item.session_id].append(_row(item) | {"exercise": item.exercise.name})
        for s in page:
            yield _row(s) | {"phase": s.phase.name, "items": items[s.pk]}
        last = page[-1]
        after = Q(date__gt=last.date) | Q(date=last.date, id__gt=last.pk)


def member_data_export(*, member) -> dict:
    """The programme's sections of the account export: intake, screens, plans, logs, reminders."""
    intake = Intake.objects.filter(member=member).first()
    enrolment = Enrolment.objects.filter(member=member).select_related("phase").first()
    reminder = ReminderSettings.objects.filter(member=member).first()
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
        "sessions": StreamedRows(lambda: _session_rows(member=member)),
        "decisions": StreamedRows(
            lambda: (
                _row(d)
                for d in ProgressionDecision.objects.filter(member=member)
                .order_by("week_start", "id")
                .iterator(chunk_size=EXPORT_CHUNK)
            )
        ),
        "reminder_settings": _row(reminder) if reminder else None,
        "reminders_sent": StreamedRows(
            lambda: (
                _row(r)
                for r in ReminderSent.objects.filter(member=member)
                .order_by("local_date")
                .iterator(chunk_size=EXPORT_CHUNK)
            )
        ),
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
