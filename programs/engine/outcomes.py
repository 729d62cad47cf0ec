"""Outcomes: when the four-weekly re-check is asked, and what counts as a meaningful change.

Pure Python (no Django). The one place these rules live; pages and services call them.
DOMAIN.md: pain down 2 points on 0–10, or 30 % from the start; a goal up about 2 points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

RECHECK_EVERY = timedelta(days=28)
PAIN_POINTS = 2
PAIN_FRACTION = 0.30
GOAL_POINTS = 2


def recheck_due_on(*, last_check_on: date) -> date:
    """Four weeks after the intake or the last re-check (member's local dates)."""
    return last_check_on + RECHECK_EVERY


def recheck_asked(*, last_check_on: date | None, skipped_on: date | None, today: date) -> bool:
    """Whether Today asks the re-check. Late is fine: once due it stays asked until answered.
    A skip only quiets it for the rest of that day; it is asked again at the next visit."""
    if last_check_on is None:
        return False  # no intake yet: nothing to compare against
    if today < recheck_due_on(last_check_on=last_check_on):
        return False
    return skipped_on != today


class Direction(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


@dataclass(frozen=True)
class Change:
    start: int
    now: int
    direction: Direction
    meaningful: bool

    @property
    def is_meaningful_gain(self) -> bool:
        return self.meaningful and self.direction is Direction.BETTER


def pain_change(*, start: int, now: int) -> Change:
    """Pain (0–10, lower is better): meaningful when it falls 2 points or 30 % of the start,
    or rises by as much."""
    fall = start - now
    if fall == 0:
        return Change(start, now, Direction.SAME, False)
    direction = Direction.BETTER if fall > 0 else Direction.WORSE
    size = abs(fall)
    meaningful = size >= PAIN_POINTS or (
        direction is Direction.BETTER and start > 0 and size / start >= PAIN_FRACTION
    )
    return Change(start, now, direction, meaningful)


def goal_change(*, start: int, now: int) -> Change:
    """A goal's rating (0–10, higher is better): meaningful when it moves 2 points or more."""
    rise = now - start
    if rise == 0:
        return Change(start, now, Direction.SAME, False)
    direction = Direction.BETTER if rise > 0 else Direction.WORSE
    return Change(start, now, direction, abs(rise) >= GOAL_POINTS)
