"""Milestones: which real events count. Pure Python (no Django); services ask these rules at the
moment something happens (a session finished, a week reviewed, a goal rated)."""

from __future__ import annotations

from programs.engine.outcomes import goal_change
from programs.engine.pain import WeekReview

# Finished sessions ("daily deposits") worth marking.
SESSION_MILESTONES = (10, 30, 100)


def sessions_reached(*, done: int) -> tuple[int, ...]:
    """Every session milestone at or below `done` finished sessions."""
    return tuple(count for count in SESSION_MILESTONES if done >= count)


def week_all_green(review: WeekReview) -> bool:
    """Every planned session of the week was done and every session was green: the same
    traffic light the weekly review reads (a missing next-morning check-in is not green)."""
    return (
        review.planned > 0
        and review.planned_done == review.planned
        and bool(review.verdicts)
        and review.all_green
    )


def goal_improved(*, first: int, now: int) -> bool:
    """A goal's rating meaningfully up from its first rating (the outcomes rule: 2 points)."""
    return goal_change(start=first, now=now).is_meaningful_gain
