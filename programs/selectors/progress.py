"""Reads behind /progress/: weekly aggregates done by the database, a fixed number of queries
however many sessions a member has logged."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, F, IntegerField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from programs.choices import SessionStatus
from programs.models import (
    Enrolment,
    Intake,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
    ProgressTotals,
)
from programs.selectors.member import week_start_of as week_start
from programs.selectors.outcome import counts_for_streak
from programs.selectors.phase import PhaseStory, phase_story_for
from programs.selectors.sessions import member_zone

REP_SECONDS = 3  # a controlled rep takes about three seconds under tension
CHART_WEEKS = 12
MIN_CHART_WEEKS = 2
STREAK_WEEKS = 10
MAX_EXERCISE_CHARTS = 4
# "Recent changes to your plan": the newest decisions, in this order (a total order: ids are
# unique). The member pages' fingerprint hashes exactly these rows, read in the same order.
RECENT_DECISIONS_SHOWN = 8
RECENT_DECISIONS_ORDER = ("-week_start", "id")


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _tension_seconds():
    """Seconds under tension of one logged item: holds × sets × sides, or reps × 3 s × sets × sides."""
    sides = Coalesce(F("sides_done"), Value(1))
    sets = Coalesce(F("actual_sets"), Value(1))
    return Sum(
        Coalesce(F("actual_seconds"), F("actual_reps") * Value(REP_SECONDS), Value(0))
        * sets
        * sides,
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class ExerciseWeeks:
    exercise_id: int
    name: str
    is_hold: bool
    by_week: dict[date, int]
    best: int
    best_week: date
    sessions: int


@dataclass(frozen=True)
class StreakDay:
    day: date
    done: bool
    is_rest: bool
    is_future: bool
    is_today: bool
    before_start: bool = False  # in the first week, a day before the member joined
    short: bool = False  # finished with fewer than half its exercises: neither adds nor breaks

    @property
    def label(self) -> str:
        what = "session done" if self.done else ("rest day" if self.is_rest else "no session")
        if self.is_future:
            what = "to come"
        if self.short:
            what = "shorter session (doesn't count toward the streak, doesn't break it)"
        if self.before_start:
            what = "before you joined"
        return f"{self.day:%A %-d %B}: {what}"


@dataclass
class Progress:
    today: date
    weeks: list[date]
    exercises: list[ExerciseWeeks] = field(default_factory=list)
    pain_by_week: dict[date, float] = field(default_factory=dict)
    minutes_by_week: dict[date, float] = field(default_factory=dict)
    total_tension_seconds: int = 0
    sessions_completed: int = 0
    streak: list[StreakDay] = field(default_factory=list)
    current_streak: int = 0
    enrolment: Enrolment | None = None
    phase: PhaseStory | None = None
    decisions: list[ProgressionDecision] = field(default_factory=list)
    totals_behind: bool = False  # the stored totals end before the charts begin

    @property
    def charted_from(self) -> date:
        return self.weeks[0]

    @property
    def total_minutes(self) -> int:
        return round(self.total_tension_seconds / 60)

    @property
    def personal_bests(self) -> list[ExerciseWeeks]:
        return sorted(self.exercises, key=lambda e: e.name)

    @property
    def streak_weeks(self) -> list[list[StreakDay]]:
        return [self.streak[i : i + 7] for i in range(0, len(self.streak), 7)]


@dataclass(frozen=True)
class _Rows:
    """The three weekly aggregates as plain tuples."""

    exercises: list[tuple]  # (exercise_id, name, week, best_hold, best_reps, sessions)
    sessions: list[tuple]  # (week, average pain or None, finished sessions)
    tension: list[tuple]  # (week, seconds under tension)

    def __add__(self, other: _Rows) -> _Rows:
        return _Rows(
            self.exercises + other.exercises,
            self.sessions + other.sessions,
            self.tension + other.tension,
        )


def _rows(member, dates: Q) -> _Rows:
    """The weekly aggregates of the member's sessions whose date matches `dates` (3 queries)."""
    items = PlannedItem.objects.filter(
        Q(session__member=member, completed_at__isnull=False), _prefixed(dates, "session__")
    ).annotate(week=TruncWeek("session__date"))
    exercises = (
        items.values("exercise_id", "exercise__name", "week")
        .annotate(
            best_hold=Max("actual_seconds"),
            best_reps=Max("actual_reps"),
            sessions=Count("session_id", distinct=True),
        )
        .order_by("exercise_id", "week")
        .values_list("exercise_id", "exercise__name", "week", "best_hold", "best_reps", "sessions")
    )
    sessions = (
        PlannedSession.objects.filter(dates, member=member, status=SessionStatus.COMPLETED)
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(pain=Avg("pain_during"), count=Count("id"))
        .order_by("week")
        .values_list("week", "pain", "count")
    )
    tension = (
        items.values("week")
        .annotate(seconds=_tension_seconds())
        .order_by("week")
        .values_list("week", "seconds")
    )
    return _Rows(list(exercises), list(sessions), list(tension))


def _prefixed(condition: Q, prefix: str) -> Q:
    """`condition` on a related session (date__gte → session__date__gte)."""
    return Q(*[(prefix + key, value) for key, value in condition.children])


def totals_before(*, member, through_week: date) -> dict:
    """The stored running totals of every week before `through_week`, computed from history
    (3 queries): the fields of a ProgressTotals row."""
    rows = _rows(member, Q(date__lt=through_week))
    best: dict[int, list] = {}
    for exercise_id, name, week, hold, reps, sessions in rows.exercises:
        week = _as_date(week)
        entry = best.setdefault(exercise_id, [exercise_id, name, None, None, None, None, 0])
        entry[6] += sessions
        if hold is not None and (
            entry[2] is None or (hold, week.isoformat()) >= (entry[2], entry[3])
        ):
            entry[2], entry[3] = hold, week.isoformat()
        if reps is not None and (
            entry[4] is None or (reps, week.isoformat()) >= (entry[4], entry[5])
        ):
            entry[4], entry[5] = reps, week.isoformat()
    return {
        "sessions_completed": sum(count for _week, _pain, count in rows.sessions),
        "tension_seconds": sum(seconds or 0 for _week, seconds in rows.tension),
        "exercises": [best[key] for key in sorted(best)],
    }


def _rows_of_totals(totals) -> _Rows:
    """Stored totals as aggregate rows of earlier weeks: the same bests, sessions and sums as
    the weeks they stand for (their single week is before any charted one)."""
    earlier = totals.through_week - timedelta(weeks=1)
    exercises = []
    for exercise_id, name, hold, hold_week, reps, reps_week, sessions in totals.exercises:
        if hold is not None:
            exercises.append(
                (exercise_id, name, date.fromisoformat(hold_week), hold, None, sessions)
            )
            sessions = 0
        if reps is not None:
            exercises.append(
                (exercise_id, name, date.fromisoformat(reps_week), None, reps, sessions)
            )
            sessions = 0
        if sessions:
            exercises.append((exercise_id, name, earlier, None, None, sessions))
    return _Rows(
        exercises,
        [(earlier, None, totals.sessions_completed)],
        [(earlier, totals.tension_seconds)],
    )


def _history_rows(member, *, charted_from: date, totals) -> tuple[_Rows, bool]:
    """Every week's aggregates: the charted weeks read now, earlier weeks from the stored
    totals (and any weeks that left the charts since they were stored). The flag says the
    stored totals should be moved forward to `charted_from`."""
    charted = _rows(member, Q(date__gte=charted_from))
    if totals is not None and totals.through_week == charted_from:
        return _rows_of_totals(totals) + charted, False
    if totals is not None and totals.through_week < charted_from:
        gap = _rows(member, Q(date__gte=totals.through_week, date__lt=charted_from))
        return _rows_of_totals(totals) + gap + charted, True
    return _rows(member, Q(date__lt=charted_from)) + charted, True


def _exercise_weeks(rows: list[tuple]) -> list[ExerciseWeeks]:
    grouped: dict[int, list[tuple]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in rows:
        grouped[row[0]].append(row)
        names[row[0]] = row[1]
    result = []
    for exercise_id, weeks in grouped.items():
        is_hold = any(w[3] is not None for w in weeks)
        index = 3 if is_hold else 4
        by_week = {_as_date(w[2]): w[index] for w in weeks if w[index] is not None}
        if not by_week:
            continue
        best_week = max(by_week, key=lambda wk: (by_week[wk], wk))
        result.append(
            ExerciseWeeks(
                exercise_id=exercise_id,
                name=names[exercise_id],
                is_hold=is_hold,
                by_week=by_week,
                best=by_week[best_week],
                best_week=best_week,
                sessions=sum(w[5] for w in weeks),
            )
        )
    result.sort(key=lambda e: (-e.sessions, e.name))
    return result


def _weekly_sessions(rows: list[tuple]) -> tuple[dict[date, float], int]:
    pain: dict[date, float] = {}
    total = 0
    for week, average, count in rows:
        total += count
        if average is not None:
            pain[_as_date(week)] = round(float(average), 1)
    return pain, total


def _weekly_tension(rows: list[tuple]) -> dict[date, int]:
    return {_as_date(week): seconds or 0 for week, seconds in rows}


def first_day(*, member, enrolment: Enrolment | None) -> date:
    """The member's first day with us, in their own timezone: the day they enrolled (or
    signed up, before the intake)."""
    joined = enrolment.created_at if enrolment is not None else member.date_joined
    return timezone.localtime(joined, member_zone(member)).date()


def streak_calendar(
    member, today: date, training_days: str, *, since: date | None = None
) -> tuple[list[StreakDay], int]:
    """The last STREAK_WEEKS weeks of sessions, never starting before the week of `since`."""
    start = week_start(today) - timedelta(weeks=STREAK_WEEKS - 1)
    if since is not None:
        start = min(max(start, week_start(since)), week_start(today))
    end = week_start(today) + timedelta(weeks=1)
    rows = (
        PlannedSession.objects.filter(member=member, date__gte=start, date__lt=end)
        .annotate(
            item_count=Count("items"),
            done_count=Count("items", filter=Q(items__completed_at__isnull=False)),
        )
        .values_list("date", "status", "is_rest_day", "item_count", "done_count")
    )
    finished = {
        d: counts_for_streak(done=done_count, total=items)
        for d, status, _rest, items, done_count in rows
        if status == SessionStatus.COMPLETED
    }
    done = {d for d, counts in finished.items() if counts}
    short = {d for d, counts in finished.items() if not counts}
    rest = {d for d, _status, is_rest, _items, _done in rows if is_rest}
    days = []
    for offset in range((end - start).days):
        day = start + timedelta(days=offset)
        is_rest = day in rest or (
            day not in done and training_days[day.weekday()] == "0" if training_days else False
        )
        days.append(
            StreakDay(
                day=day,
                done=day in done,
                is_rest=is_rest,
                is_future=day > today,
                is_today=day == today,
                short=day in short,
                before_start=since is not None and day < since and day not in done,
            )
        )
    # Current streak: completed training days in a row back from today (a missing today does
    # not break it yet); rest days neither add nor break.
    streak = 0
    for item in reversed([d for d in days if not d.is_future]):
        if item.done:
            streak += 1
        elif item.before_start:
            break
        elif item.is_rest or item.short or item.is_today:
            continue
        else:
            break
    return days, streak


def _intake_enrolment_totals(member) -> tuple[Intake | None, Enrolment | None, object]:
    """The intake, enrolment and stored totals in one query (an enrolment always comes with an
    intake)."""
    intake = (
        Intake.objects.filter(member=member)
        .select_related("member__enrolment__phase", "member__progress_totals")
        .first()
    )
    if intake is None:
        return (
            None,
            Enrolment.objects.filter(member=member).select_related("phase").first(),
            ProgressTotals.objects.filter(member=member).first(),
        )
    enrolment = totals = None
    with contextlib.suppress(Enrolment.DoesNotExist):
        enrolment = intake.member.enrolment
    with contextlib.suppress(ProgressTotals.DoesNotExist):
        totals = intake.member.progress_totals
    return intake, enrolment, totals


def charted_weeks(*, today: date, since: date) -> list[date]:
    """The Mondays Progress charts: from the week the member joined (at most CHART_WEEKS back,
    at least two weeks so a first week still reads as a chart), never with empty weeks from
    before they came."""
    this_week = week_start(today)
    shown = min(CHART_WEEKS, max(MIN_CHART_WEEKS, (this_week - week_start(since)).days // 7 + 1))
    return [this_week - timedelta(weeks=n) for n in range(shown - 1, -1, -1)]


def progress_for(*, member, today: date) -> Progress:
    """Everything /progress/ shows, in a fixed number of queries regardless of history length
    (the phase story reads doses and the engine's four-week look-back)."""
    intake, enrolment, totals = _intake_enrolment_totals(member)
    since = first_day(member=member, enrolment=enrolment)
    weeks = charted_weeks(today=today, since=since)
    progress = Progress(today=today, weeks=weeks)
    rows, progress.totals_behind = _history_rows(member, charted_from=weeks[0], totals=totals)
    progress.exercises = _exercise_weeks(rows.exercises)
    progress.pain_by_week, progress.sessions_completed = _weekly_sessions(rows.sessions)
    tension = _weekly_tension(rows.tension)
    progress.total_tension_seconds = sum(tension.values())
    progress.minutes_by_week = {wk: round(s / 60, 1) for wk, s in tension.items()}
    progress.enrolment = enrolment
    progress.streak, progress.current_streak = streak_calendar(
        member, today, intake.training_days if intake else "", since=since
    )
    if progress.enrolment is not None and intake is not None:
        progress.phase = phase_story_for(
            member=member, today=today, intake=intake, enrolment=progress.enrolment
        )
    progress.decisions = list(
        ProgressionDecision.objects.filter(member=member)
        .select_related("exercise")
        .order_by(*RECENT_DECISIONS_ORDER)[:RECENT_DECISIONS_SHOWN]
    )
    return progress
