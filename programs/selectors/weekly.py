"""Set-based reads for the weekly run: one query per table for a whole chunk of members, as
plain rows (no model instances for the thousands of sessions and items a chunk reads)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import F, Sum
from django.utils import timezone

from backcore.bulk import InArray, rows_fetch
from programs import engine
from programs.choices import SessionStatus
from programs.models import Intake, MemberDose, PlannedItem, PlannedSession, ProgressionRunChunk
from programs.selectors.member import history_from, record_from
from programs.selectors.programme import dose_of
from programs.selectors.sessions import zone_named


class DoseRow(NamedTuple):
    """A stored dose as member_state() reads it (the attributes of MemberDose it uses)."""

    member_id: int
    exercise_id: int
    hold_seconds: int | None
    reps: int | None
    sets: int
    carried: float | None
    variation_id: int | None
    reason: str
    weeks_at_dose: int


class IntakeRow(NamedTuple):
    """The intake answers member_state() reads (the attributes of Intake it uses), read beside
    each enrolment in a chunk's first query."""

    member_id: int
    equipment: list[str] | None
    minutes_per_day: int
    training_days: str
    pain_now: int

    @property
    def training_weekdays(self) -> frozenset[int]:
        return Intake.weekdays_of(self.training_days)


class EnrolmentRow(NamedTuple):
    """A chunk's enrolment as the review reads it (the attributes of Enrolment that
    member_state() and the writes use), with the member's timezone, whether a first green week
    is already theirs, and its phase (set from the programme once the row is read)."""

    pk: int
    member_id: int
    phase_id: int
    phase_started_on: date
    status: str
    track: str
    weeks_in_phase: int
    weeks_away: int
    red_weeks: int
    red_weeks_at_floor: int
    weeks_trained: int
    last_reviewed_week: date | None
    contact_coach_suggested_on: date | None
    zone: str | None
    had_green_week: bool
    phase: object = None  # programs.models.Phase


def dose_rows_for_members(*, member_ids: Iterable[int]) -> dict[int, list[DoseRow]]:
    grouped: dict[int, list[DoseRow]] = defaultdict(list)
    rows = MemberDose.objects.filter(InArray(F("member_id"), list(member_ids))).values_list(
        *DoseRow._fields
    )
    for row in rows_fetch(rows.order_by()):
        grouped[row[0]].append(DoseRow._make(row))
    return grouped


_SESSION_FIELDS = (
    "id",
    "member_id",
    "date",
    "is_rest_day",
    "status",
    "pain_during",
    "effort",
    "sharp_pain",
    "morning_pain",
    "pain_before",
    "pain_spread",
)


class MemberHistory(NamedTuple):
    records: dict[date, engine.SessionRecord]  # planned days with a session, by day
    rest_days: set[date]


def histories_for_members(
    *, member_ids: Iterable[int], start: date, end: date, slugs_by_id: dict[int, str]
) -> dict[int, MemberHistory]:
    """Each member's sessions from `start` to `end` (exclusive) as engine records: two queries
    whatever the chunk's size (sessions, then, when any was completed, the exercises logged in
    the completed ones, found by their ids so that the items table is walked through its
    session index at any size, never joined to the sessions and scanned)."""
    sessions = rows_fetch(
        PlannedSession.objects.filter(
            InArray(F("member_id"), list(member_ids)), date__gte=start, date__lt=end
        )
        .order_by()
        .values_list(*_SESSION_FIELDS)
    )
    completed = [row[0] for row in sessions if row[4] == SessionStatus.COMPLETED and not row[3]]
    done: dict[int, list[engine.ExerciseDone]] = defaultdict(list)
    items = (
        rows_fetch(
            PlannedItem.objects.filter(
                InArray(F("session_id"), completed),
                completed_at__isnull=False,  # planned but never logged: not done
            )
            .order_by("session_id", "order")
            .values_list("session_id", "exercise_id", "hold_seconds", "reps", "sets", "target_met")
        )
        if completed
        else ()
    )
    # A chunk logs a few thousand items with a few dozen distinct doses: build each once (the
    # engine's values are frozen, so sharing them is safe).
    made: dict[tuple, engine.ExerciseDone | None] = {}
    for session_id, *item in items:
        key = tuple(item)
        if key not in made:
            exercise_id, hold, reps, sets, target_met = item
            slug = slugs_by_id.get(exercise_id)
            dose = dose_of(hold, reps, sets)
            made[key] = (
                engine.ExerciseDone(exercise=slug, dose=dose, target_met=target_met is not False)
                if slug is not None and dose is not None
                else None
            )
        if made[key] is not None:
            done[session_id].append(made[key])
    histories: dict[int, MemberHistory] = {}
    for (
        pk,
        member_id,
        day,
        rest,
        status,
        during,
        effort,
        sharp,
        morning,
        before,
        spread,
    ) in sessions:
        history = histories.get(member_id)
        if history is None:
            history = histories[member_id] = MemberHistory({}, set())
        if rest:
            history.rest_days.add(day)
            continue
        history.records[day] = record_from(
            day=day,
            status=status,
            pain_during=during,
            effort=effort,
            sharp_pain=sharp,
            morning_pain=morning,
            pain_before=before,
            pain_spread=spread,
            exercises=done.get(pk, ()),
        )
    return histories


def member_history(
    history: MemberHistory | None,
    *,
    training_weekdays: frozenset[int],
    start: date,
    end: date,
    enrolled_on: date,
) -> list[engine.SessionRecord]:
    """The records the engine reads, missed training days included (see history_from)."""
    history = history or MemberHistory({}, set())
    return history_from(
        records=history.records,
        rest_days=history.rest_days,
        training_weekdays=training_weekdays,
        start=start,
        end=end,
        enrolled_on=enrolled_on,
    )


class LocalDates:
    """Today's date in each timezone, worked out once per zone for a whole chunk."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self._dates: dict[str | None, date] = {}

    def today(self, zone_name: str | None) -> date:
        if zone_name not in self._dates:
            zone: ZoneInfo = zone_named(zone_name)
            self._dates[zone_name] = timezone.localtime(self.now, zone).date()
        return self._dates[zone_name]


RUN_COUNTERS = (
    "members_reviewed",
    "already_reviewed",
    "decisions_written",
    "advanced",
    "stepped_back",
)


def run_totals(*, run_id: int) -> dict[str, int]:
    """A run's counters so far: the sum over its chunks done."""
    totals = ProgressionRunChunk.objects.filter(run_id=run_id).aggregate(
        **{name: Sum(name) for name in RUN_COUNTERS}
    )
    return {name: totals[name] or 0 for name in RUN_COUNTERS}
