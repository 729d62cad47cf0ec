"""Reads for goals, the re-check schedule and the outcomes on Progress. A fixed number of
queries whatever the history's length."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from programs.engine.outcomes import (
    Change,
    Direction,
    goal_change,
    pain_change,
    recheck_asked,
    recheck_due_on,
)
from programs.models import Goal, GoalRating, OutcomeCheck, RecheckSkip


@dataclass(frozen=True)
class RecheckState:
    asked: bool
    due_on: date | None


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
    checks = OutcomeCheck.objects.filter(member=OuterRef("pk")).order_by("-taken_on")
    skips = RecheckSkip.objects.filter(member=OuterRef("pk"), skipped_on=today)
    row = (
        get_user_model()
        .objects.filter(pk=member.pk)
        .values(
            last_on=Subquery(checks.values("taken_on")[:1]),
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
    """One measure over time, for a chart's table and a sentence."""

    label: str
    points: list[tuple[date, int | None]]
    change: Change | None
    start_on: date | None

    @property
    def sentence(self) -> str:
        c = self.change
        if c is None or self.start_on is None:
            return ""
        return f"{self.label}: {c.start} → {c.now} since {self.start_on:%B %Y}"


@dataclass
class Outcomes:
    checks: list[OutcomeCheck] = field(default_factory=list)
    pain: MeasureRow | None = None
    worst_pain: MeasureRow | None = None
    function: MeasureRow | None = None
    goals: list[MeasureRow] = field(default_factory=list)

    @property
    def meaningful(self) -> list[MeasureRow]:
        rows = [self.pain, *self.goals]
        return [r for r in rows if r and r.change and r.change.is_meaningful_gain]

    @property
    def worse(self) -> list[MeasureRow]:
        rows = [self.pain, *self.goals]
        return [
            r
            for r in rows
            if r and r.change and r.change.meaningful and r.change.direction is Direction.WORSE
        ]


def _series(label, points, rule) -> MeasureRow:
    known = [(day, value) for day, value in points if value is not None]
    change = rule(start=known[0][1], now=known[-1][1]) if len(known) >= 2 else None
    return MeasureRow(label, points, change, known[0][0] if known else None)


def outcomes_for(*, member) -> Outcomes:
    """Progress's outcomes: every answered check and each active goal's ratings (3 queries)."""
    checks = list(OutcomeCheck.objects.filter(member=member).order_by("taken_on", "created_at"))
    goals = Goal.objects.filter(member=member, ended_at__isnull=True).prefetch_related(
        Prefetch("ratings", queryset=GoalRating.objects.order_by("rated_on", "created_at", "id"))
    )
    out = Outcomes(checks=checks)
    if checks:
        out.pain = _series("Usual pain", [(c.taken_on, c.pain_usual) for c in checks], pain_change)
        out.worst_pain = _series(
            "Worst pain", [(c.taken_on, c.pain_worst) for c in checks], pain_change
        )
        out.function = MeasureRow(
            "Everyday tasks score (0 = no difficulty, 24 = great difficulty)",
            [(c.taken_on, c.function_score) for c in checks],
            None,
            checks[0].taken_on,
        )
    out.goals = [
        _series(g.activity, [(r.rated_on, r.rating) for r in g.ratings.all()], goal_change)
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
