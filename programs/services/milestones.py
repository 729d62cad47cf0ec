"""Raising milestones at the moment their event happens, and marking them seen.

Each raise is an INSERT that the database ignores when the milestone exists already (partial
unique constraints on Milestone), so reporting the same event twice, or from two requests at
once, still leaves exactly one row. Nothing here is computed when a page is read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from backcore.bulk import InArray
from programs import engine
from programs.choices import SessionStatus
from programs.engine import milestones as rules
from programs.models import GoalRating, Milestone, MilestoneKind, Phase, PlannedSession


def _raise(rows: Sequence[Milestone]) -> None:
    if rows:
        Milestone.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def milestones_after_session(*, member, today: date) -> None:
    """A session was finished: 10, 30 and 100 finished sessions (the count Progress shows).
    Every milestone at or below the count is raised, so none is missed if a count is skipped."""
    done = PlannedSession.objects.filter(member=member, status=SessionStatus.COMPLETED).count()
    _raise(
        [
            Milestone(member=member, kind=MilestoneKind.SESSIONS, sessions=count, reached_on=today)
            for count in rules.sessions_reached(done=done)
        ]
    )


@transaction.atomic
def milestones_after_goal_ratings(*, member, ratings: Iterable[GoalRating], today: date) -> None:
    """Goal ratings were saved: a goal rated 2 points or more above its first rating."""
    latest = {row.goal_id: row.rating for row in ratings}
    if not latest:
        return
    first: dict[int, int] = {}
    rows = (
        GoalRating.objects.filter(goal_id__in=latest)
        .order_by("rated_on", "created_at", "id")
        .values_list("goal_id", "rating")
    )
    for goal_id, rating in rows:
        first.setdefault(goal_id, rating)
    _raise(
        [
            Milestone(
                member=member,
                kind=MilestoneKind.GOAL,
                goal_id=goal_id,
                goal_from=first[goal_id],
                goal_to=now,
                reached_on=today,
            )
            for goal_id, now in latest.items()
            if goal_id in first and rules.goal_improved(first=first[goal_id], now=now)
        ]
    )


@dataclass(frozen=True)
class WeekReviewed:
    """One member's reviewed week, as the weekly run saw it."""

    member_id: int
    history: Sequence[engine.SessionRecord]
    reached_phase: Phase | None = None  # the phase they moved on to, if they did
    # The engine's review of the week (WeekResult.review), when the caller has it: the week is
    # then not reviewed a second time here.
    review: engine.WeekReview | None = None

    def week_review(self, week_start: date) -> engine.WeekReview:
        if self.review is not None and self.review.start == week_start:
            return self.review
        return engine.review_week(self.history, week_start)


def milestones_after_weekly_review(
    *,
    week_start: date,
    reviewed: Sequence[WeekReviewed],
    had_green_week: Collection[int] | None = None,
) -> None:
    """A batch of the weekly run: phases reached, and each member's first week with every
    session green. Both are dated the Monday after the week (the day the new phase starts, in
    the member's own calendar). Two queries at most, whatever the batch size; one when the
    caller already read which of them have had a green week (`had_green_week`, member ids)."""
    if not reviewed:
        return
    reached_on = week_start + timedelta(days=7)
    rows = [
        Milestone(
            member_id=review.member_id,
            kind=MilestoneKind.PHASE,
            phase=review.reached_phase,
            reached_on=reached_on,
        )
        for review in reviewed
        if review.reached_phase is not None
    ]
    if had_green_week is not None:
        had_green = set(had_green_week)
    else:
        had_green = set(
            Milestone.objects.filter(
                InArray(F("member_id"), [review.member_id for review in reviewed]),
                kind=MilestoneKind.GREEN_WEEK,
            ).values_list("member_id", flat=True)
        )
    rows += [
        Milestone(
            member_id=review.member_id,
            kind=MilestoneKind.GREEN_WEEK,
            week_start=week_start,
            reached_on=reached_on,
        )
        for review in reviewed
        if review.member_id not in had_green
        and rules.week_all_green(review.week_review(week_start))
    ]
    _raise(rows)


def milestones_mark_seen(*, member, ids: Sequence[int]) -> int:
    """The member dismissed these milestones on Today: from now on they are kept on Progress
    only. One UPDATE; someone else's ids change nothing."""
    if not ids:
        return 0
    return Milestone.objects.filter(member=member, pk__in=ids, seen_at__isnull=True).update(
        seen_at=timezone.now()
    )
