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
# The everyday-tasks total (0 = no difficulty) moving by this much is a real change.
FUNCTION_POINTS = 2


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


def function_change(*, start: int, now: int) -> Change:
    """The everyday-tasks total (0 = no difficulty, lower is better): meaningful when it moves
    FUNCTION_POINTS or more, the same size that counts as a worsening below."""
    fall = start - now
    if fall == 0:
        return Change(start, now, Direction.SAME, False)
    direction = Direction.BETTER if fall > 0 else Direction.WORSE
    return Change(start, now, direction, abs(fall) >= FUNCTION_POINTS)


def pain_meaningful_level(*, start: int) -> int | None:
    """The highest pain that would be a meaningful fall from `start` (drawn on the chart as
    the line to get under); None when there is no room left to fall that far."""
    for now in range(start - 1, -1, -1):
        if pain_change(start=start, now=now).is_meaningful_gain:
            return now
    return None


def function_meaningful_level(*, start: int) -> int | None:
    """The highest everyday-tasks total that would be a meaningful improvement on `start`."""
    level = start - FUNCTION_POINTS
    return level if level >= 0 else None


def goal_meaningful_level(*, start: int, top: int = 10) -> int | None:
    """The lowest goal rating that would be a meaningful rise from `start` (None: above 10)."""
    level = start + GOAL_POINTS
    return level if level <= top else None


# Pain is asked again every four weeks; a month without a meaningful fall is one of the signs
# that a clinician should take a look (DOMAIN: pain not improving after a month).
NO_IMPROVEMENT_AFTER = timedelta(days=28)
# Below this there is little pain left to improve: not a concern on its own.
LOW_PAIN = 2


class Concern(StrEnum):
    """What a re-check tells a coach about. Values are the coach-alert causes of the same name."""

    NO_IMPROVEMENT = "no_improvement"
    FUNCTION_WORSE = "function_worse"


def recheck_concerns(
    *,
    started_on: date,
    taken_on: date,
    start_pain: int | None,
    now_pain: int | None,
    start_function: int | None,
    now_function: int | None,
    goal_changes: tuple[Change, ...] = (),
) -> tuple[Concern, ...]:
    """The concerns a re-check raises against the member's start: pain not meaningfully better
    after four weeks (or worse), everyday tasks or a goal meaningfully harder."""
    concerns: list[Concern] = []
    if start_pain is not None and now_pain is not None:
        change = pain_change(start=start_pain, now=now_pain)
        worse = change.meaningful and change.direction is Direction.WORSE
        stuck = (
            taken_on - started_on >= NO_IMPROVEMENT_AFTER
            and not change.is_meaningful_gain
            and now_pain > LOW_PAIN
        )
        if worse or stuck:
            concerns.append(Concern.NO_IMPROVEMENT)
    function_worse = (
        start_function is not None
        and now_function is not None
        and now_function - start_function >= FUNCTION_POINTS
    )
    goal_worse = any(c.meaningful and c.direction is Direction.WORSE for c in goal_changes)
    if function_worse or goal_worse:
        concerns.append(Concern.FUNCTION_WORSE)
    return tuple(concerns)


class Response(StrEnum):
    """How a member is responding, as of a re-check. Stored on the re-check so coaches can
    filter for non-responders without the rule being repeated in a query."""

    RESPONDING = "responding"  # a meaningful gain (pain, everyday tasks or a goal), no concern
    NOT_YET = "not_yet"  # no meaningful gain yet, and nothing to worry about
    NOT_RESPONDING = "not_responding"  # a concern: no improvement after four weeks, or worse


def recheck_response(*, concerns: tuple[Concern, ...], changes: tuple[Change, ...]) -> Response:
    """A concern always wins: a better goal does not hide pain that is not easing."""
    if concerns:
        return Response.NOT_RESPONDING
    if any(c.is_meaningful_gain for c in changes):
        return Response.RESPONDING
    return Response.NOT_YET
