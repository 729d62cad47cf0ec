"""Reads for goals, the re-check schedule and the outcomes on Progress. A fixed number of
queries whatever the history's length."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from programs.charts import Chart, Series, line_chart
from programs.engine.outcomes import (
    Change,
    Direction,
    function_change,
    function_meaningful_level,
    goal_change,
    goal_meaningful_level,
    pain_change,
    pain_meaningful_level,
    recheck_asked,
    recheck_due_on,
)
from programs.models import Goal, GoalRating, OutcomeCheck, RecheckSkip
from programs.outcome_models import FUNCTION_MAX_SCORE, OutcomeResponse

# What a member reads when a re-check shows their back is not easing (or is worse): after
# saving it, and on Today and Progress until a later re-check shows otherwise.
WHAT_HAPPENS_NEXT = (
    "Your answers suggest your back is not easing the way we hoped, so a coach has been told "
    "and will look at your programme with you.",
    "If you have not seen a doctor or physiotherapist about it yet, now is a good time: pain "
    "that is not improving after a month is worth having checked.",
    "You can write to the coaches from your Messages page.",
)


@dataclass(frozen=True)
class RecheckState:
    asked: bool
    due_on: date | None
    not_responding: bool = False  # the latest re-check raised a concern

    @property
    def what_happens_next(self) -> tuple[str, ...]:
        return WHAT_HAPPENS_NEXT if self.not_responding else ()

    @property
    def next_due_on(self) -> date | None:
        """The next check's date while it is still ahead (once due, Today asks it)."""
        return None if self.asked else self.due_on


@dataclass(frozen=True)
class GoalNow:
    goal: Goal
    first: int | None
    latest: int | None
    first_on: date | None

    @property
    def change(self) -> Change | None:
        if self.first is None or self.latest is None:
            return None
        return goal_change(start=self.first, now=self.latest)


def _intake_day(*, member, intake) -> date | None:
    if intake is None or intake.completed_at is None:
        return None
    from programs.selectors.sessions import member_zone

    return timezone.localtime(intake.completed_at, member_zone(member)).date()


def recheck_state(*, member, intake, today: date) -> RecheckState:
    """One query: the latest answered check and today's skip. Before any check is stored the
    intake's completion day (member's local date) is the start."""
    checks = OutcomeCheck.objects.filter(member=OuterRef("pk")).order_by(
        "-taken_on", "-created_at", "-id"
    )
    skips = RecheckSkip.objects.filter(member=OuterRef("pk"), skipped_on=today)
    row = (
        get_user_model()
        .objects.filter(pk=member.pk)
        .values(
            last_on=Subquery(checks.values("taken_on")[:1]),
            last_response=Subquery(checks.values("response")[:1]),
            skipped_on=Subquery(skips.values("skipped_on")[:1]),
        )
        .first()
    ) or {}
    last_on = row.get("last_on") or _intake_day(member=member, intake=intake)
    if last_on is None:
        return RecheckState(asked=False, due_on=None)
    return RecheckState(
        asked=recheck_asked(last_check_on=last_on, skipped_on=row.get("skipped_on"), today=today),
        due_on=recheck_due_on(last_check_on=last_on),
        not_responding=row.get("last_response") == OutcomeResponse.NOT_RESPONDING,
    )


def active_goals(*, member) -> list[GoalNow]:
    """The member's active goals with their first and latest rating, in one query."""
    ratings = GoalRating.objects.filter(goal=OuterRef("pk"))
    goals = (
        Goal.objects.filter(member=member, ended_at__isnull=True)
        .annotate(
            first_rating=Subquery(
                ratings.order_by("rated_on", "created_at", "id").values("rating")[:1]
            ),
            first_on=Subquery(
                ratings.order_by("rated_on", "created_at", "id").values("rated_on")[:1]
            ),
            latest_rating=Subquery(
                ratings.order_by("-rated_on", "-created_at", "-id").values("rating")[:1]
            ),
        )
        .order_by("created_at", "id")
    )
    return [
        GoalNow(goal=g, first=g.first_rating, latest=g.latest_rating, first_on=g.first_on)
        for g in goals
    ]


@dataclass(frozen=True)
class MeasureRow:
    """One measure over time, for a chart, its table and a sentence."""

    label: str
    points: list[tuple[date, int | None]]
    change: Change | None
    start_on: date | None
    scale_max: int = 10
    lower_is_better: bool = True
    target: int | None = None  # the level that would be a meaningful change from the start
    marked: tuple[int, ...] = ()  # points that are a meaningful gain on the start

    @property
    def sentence(self) -> str:
        c = self.change
        if c is None or self.start_on is None:
            return ""
        return f"{self.label}: {c.start} → {c.now} since {self.start_on:%B %Y}"

    @property
    def has_trend(self) -> bool:
        return sum(1 for _day, value in self.points if value is not None) >= 2


def _series(label, points, rule, *, level=None, scale_max=10, lower_is_better=True) -> MeasureRow:
    known = [(day, value) for day, value in points if value is not None]
    if not known:
        return MeasureRow(label, points, None, None, scale_max, lower_is_better)
    start = known[0][1]
    change = rule(start=start, now=known[-1][1]) if len(known) >= 2 else None
    marked = tuple(
        index
        for index, (_day, value) in enumerate(points)
        if index and value is not None and rule(start=start, now=value).is_meaningful_gain
    )
    target = level(start=start) if level else None
    return MeasureRow(
        label, points, change, known[0][0], scale_max, lower_is_better, target, marked
    )


def _day_labels(days: list[date]) -> list[str]:
    """Short dates; with the year once the series spans more than one."""
    if len({d.year for d in days}) > 1:
        return [f"{d:%-d %b %Y}" for d in days]
    return [f"{d:%-d %b}" for d in days]


def _target_words(row: MeasureRow, unit: str) -> str:
    if row.target is None:
        return ""
    if row.lower_is_better:
        return f"{row.target}{unit} or less is a meaningful change"
    return f"{row.target}{unit} or more is a meaningful change"


def _chart(
    *,
    chart_id: str,
    title: str,
    row: MeasureRow,
    unit: str,
    y_label: str,
    extra: list[Series] | None = None,
    scale_words: str,
) -> Chart:
    days = [day for day, _value in row.points]
    values = [value for _day, value in row.points]
    target = _target_words(row, unit)
    description = (
        f"{title} ({scale_words}) at the start and at each four-weekly check, "
        f"{_describe(values, unit)}."
    )
    if target:
        description += f" A dashed green line marks {row.target}{unit}: {target}."
    if row.marked:
        description += f" Ringed points are a meaningful change from the start ({len(row.marked)})."
    series = [Series(label=row.label, values=values, marked=row.marked)]
    return line_chart(
        chart_id=chart_id,
        title=title,
        description=description,
        x_labels=_day_labels(days),
        series=series,
        y_label=y_label,
        x_heading="Date",
        unit=unit,
        y_max=row.scale_max,
        reference=row.target,
        reference_label=target.capitalize() if target else "",
        reference_kind="target",
    )


def _describe(values: list[int | None], unit: str) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "no answers yet"
    return f"from {known[0]}{unit} to {known[-1]}{unit}"


@dataclass
class Outcomes:
    checks: list[OutcomeCheck] = field(default_factory=list)
    today: date | None = None
    pain: MeasureRow | None = None
    worst_pain: MeasureRow | None = None
    function: MeasureRow | None = None
    goals: list[MeasureRow] = field(default_factory=list)

    @property
    def _rows(self) -> list[MeasureRow]:
        rows = (self.pain, self.worst_pain, self.function, *self.goals)
        return [r for r in rows if r is not None]

    @property
    def meaningful(self) -> list[MeasureRow]:
        return [r for r in self._rows if r.change and r.change.is_meaningful_gain]

    @property
    def worse(self) -> list[MeasureRow]:
        return [
            r
            for r in self._rows
            if r.change and r.change.meaningful and r.change.direction is Direction.WORSE
        ]

    @property
    def latest(self) -> OutcomeCheck | None:
        return self.checks[-1] if self.checks else None

    @property
    def not_responding(self) -> bool:
        """The latest re-check raised a concern: the member reads what happens next."""
        latest = self.latest
        return latest is not None and latest.response == OutcomeResponse.NOT_RESPONDING

    @property
    def what_happens_next(self) -> tuple[str, ...]:
        return WHAT_HAPPENS_NEXT if self.not_responding else ()

    @property
    def next_due_on(self) -> date | None:
        if self.latest is None or self.today is None:
            return None
        due = recheck_due_on(last_check_on=self.latest.taken_on)
        return due if due > self.today else None

    @property
    def charts(self) -> list[Chart]:
        """Each measure with two answers or more as an SVG chart with its table."""
        found = []
        for chart_id, title, row in (
            ("chart-outcome-pain", "Usual back pain over the last week", self.pain),
            ("chart-outcome-worst-pain", "Worst back pain over the last week", self.worst_pain),
        ):
            if row and row.has_trend:
                found.append(
                    _chart(
                        chart_id=chart_id,
                        title=title,
                        row=row,
                        unit="/10",
                        y_label="pain (0–10)",
                        scale_words="0 to 10, lower is better",
                    )
                )
        if self.function and self.function.has_trend:
            found.append(
                _chart(
                    chart_id="chart-outcome-function",
                    title="Everyday tasks score",
                    row=self.function,
                    unit="",
                    y_label="score (0–24)",
                    scale_words="0 = no difficulty, 24 = great difficulty, lower is better",
                )
            )
        for index, row in enumerate(self.goals):
            if row.has_trend:
                found.append(
                    _chart(
                        chart_id=f"chart-outcome-goal-{index + 1}",
                        title=row.label,
                        row=row,
                        unit="/10",
                        y_label="how well (0–10)",
                        scale_words="how well you can do it, 0 to 10, higher is better",
                    )
                )
        return found


def outcomes_for(*, member, today: date | None = None) -> Outcomes:
    """Progress's outcomes: every answered check and each active goal's ratings (2 queries,
    +1 for the ratings when there are goals). `today` (the member's date) dates the next
    check."""
    checks = list(OutcomeCheck.objects.filter(member=member).order_by("taken_on", "created_at"))
    goals = Goal.objects.filter(member=member, ended_at__isnull=True).prefetch_related(
        Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "created_at", "id"))
    )
    out = Outcomes(checks=checks, today=today)
    if checks:
        out.pain = _series(
            "Usual pain",
            [(c.taken_on, c.pain_usual) for c in checks],
            pain_change,
            level=pain_meaningful_level,
        )
        out.worst_pain = _series(
            "Worst pain",
            [(c.taken_on, c.pain_worst) for c in checks],
            pain_change,
            level=pain_meaningful_level,
        )
        out.function = _series(
            "Everyday tasks score",
            [(c.taken_on, c.function_score) for c in checks],
            function_change,
            level=function_meaningful_level,
            scale_max=FUNCTION_MAX_SCORE,
        )
    out.goals = [
        _series(
            g.activity,
            [(r.rated_on, r.rating) for r in g.ratings.all()],
            goal_change,
            level=goal_meaningful_level,
            lower_is_better=False,
        )
        for g in goals
    ]
    return out


def outcomes_export(*, member) -> dict:
    """The account export's sections for goals and re-checks (3 queries)."""
    from backcore.accounts.lifecycle import export_row

    goals = Goal.objects.filter(member=member).prefetch_related(
        Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "created_at", "id"))
    )
    return {
        "goals": [
            export_row(g) | {"ratings": [export_row(r, skip={"goal"}) for r in g.ratings.all()]}
            for g in goals.order_by("created_at", "id")
        ],
        "outcome_checks": [
            export_row(c)
            for c in OutcomeCheck.objects.filter(member=member).order_by("taken_on", "id")
        ],
        "recheck_skips": [
            export_row(s) for s in RecheckSkip.objects.filter(member=member).order_by("skipped_on")
        ],
    }


# --- what coaches see: each member's latest re-check and change since the start -------------

_SUMMARY_FIELDS = ("taken_on", "pain_usual", "function_score")


def with_outcome_summary(queryset, *, member: str = "member_id"):
    """Annotate any queryset whose rows belong to a member (`member` names the member's id:
    "member_id", or "pk" on users) with the start and the latest re-check: subqueries, no
    extra query. Read the result with `outcome_summary(row)`; filter non-responders with
    `.filter(oc_latest_response=OutcomeResponse.NOT_RESPONDING)`."""
    checks = OutcomeCheck.objects.filter(member_id=OuterRef(member))
    start = checks.filter(kind="intake")
    latest = checks.filter(kind="recheck").order_by("-taken_on", "-created_at", "-id")
    annotations = {}
    for name in _SUMMARY_FIELDS:
        annotations[f"oc_start_{name}"] = Subquery(start.values(name)[:1])
        annotations[f"oc_latest_{name}"] = Subquery(latest.values(name)[:1])
    annotations["oc_latest_response"] = Subquery(latest.values("response")[:1])
    return queryset.annotate(**annotations)


@dataclass(frozen=True)
class OutcomeSummary:
    """A member's latest re-check against their start, in a coach's words."""

    start_on: date | None
    start_pain: int | None
    start_function: int | None
    latest_on: date | None
    latest_pain: int | None
    latest_function: int | None
    response: str
    goals: tuple[Change, ...] = ()

    @property
    def has_recheck(self) -> bool:
        return self.latest_on is not None

    @property
    def not_responding(self) -> bool:
        return self.response == OutcomeResponse.NOT_RESPONDING

    @property
    def response_label(self) -> str:
        return str(OutcomeResponse(self.response).label) if self.response else ""

    @property
    def weeks_in(self) -> int | None:
        if self.start_on is None or self.latest_on is None:
            return None
        return (self.latest_on - self.start_on).days // 7

    @property
    def changes(self) -> list[str]:
        """ "usual pain 6 → 3 (meaningful)", "everyday tasks 12 → 12", "goals: 1 of 2 better"."""
        parts = []
        for label, start, now, rule in (
            ("usual pain", self.start_pain, self.latest_pain, pain_change),
            ("everyday tasks", self.start_function, self.latest_function, function_change),
        ):
            if start is None or now is None:
                continue
            change = rule(start=start, now=now)
            note = ""
            if change.meaningful:
                note = " (better)" if change.direction is Direction.BETTER else " (worse)"
            parts.append(f"{label} {start} → {now}{note}")
        if self.goals:
            better = sum(1 for c in self.goals if c.is_meaningful_gain)
            worse = sum(1 for c in self.goals if c.meaningful and c.direction is Direction.WORSE)
            words = f"goals: {better} of {len(self.goals)} meaningfully better"
            parts.append(words + (f", {worse} worse" if worse else ""))
        return parts

    @property
    def words(self) -> str:
        if not self.has_recheck:
            return "No re-check yet."
        return (
            f"Re-check {self.latest_on:%-d %b %Y} ({self.weeks_in} weeks in): "
            + ", ".join(self.changes)
            + "."
        )


def outcome_summary(row, *, goals: tuple[Change, ...] = ()) -> OutcomeSummary:
    """The summary of a row annotated by `with_outcome_summary`."""
    return OutcomeSummary(
        start_on=row.oc_start_taken_on,
        start_pain=row.oc_start_pain_usual,
        start_function=row.oc_start_function_score,
        latest_on=row.oc_latest_taken_on,
        latest_pain=row.oc_latest_pain_usual,
        latest_function=row.oc_latest_function_score,
        response=row.oc_latest_response or "",
        goals=goals,
    )


def goal_changes_by_member(*, member_ids) -> dict[int, tuple[Change, ...]]:
    """Each member's active goals as changes from their first rating: one query."""
    ratings = GoalRating.objects.filter(goal=OuterRef("pk"))
    rows = (
        Goal.objects.filter(member_id__in=list(member_ids), ended_at__isnull=True)
        .annotate(
            first=Subquery(ratings.order_by("rated_on", "created_at", "id").values("rating")[:1]),
            latest=Subquery(
                ratings.order_by("-rated_on", "-created_at", "-id").values("rating")[:1]
            ),
        )
        .order_by("created_at", "id")
        .values_list("member_id", "first", "latest")
    )
    found: dict[int, list[Change]] = {}
    for member_id, first, latest in rows:
        if first is not None and latest is not None:
            found.setdefault(member_id, []).append(goal_change(start=first, now=latest))
    return {member_id: tuple(changes) for member_id, changes in found.items()}
