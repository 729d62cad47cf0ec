"""Dose arithmetic on the numbers members see: how far a dose may rise, and how far it drops.

The cap applies to the shown dose. Week over week, one hold (or one set's reps) and the session
load (unit × sets) rise by at most the phase's cap, rounded down. When the cap is worth less than
one whole second or rep (8 reps at 5 % is 8.4), the dose waits: one unit is added only once the
member has trained that dose for enough weeks that the cap, compounded over them, covers the step
(8 × 1.05³ ≥ 9, so 8 → 9 after three weeks at 8). That exception is for one unit only.

A set is added only by a split whose total stays within this week's cap (20 s × 2 at 5 % → 7 s × 3,
21 s). When no split rises within it, the same total is split into one more set (12 reps × 1 →
6 reps × 2) and later weeks grow each set by the rules above; a set is never added by compounding
the cap, which would let the total jump (12 × 1 → 7 × 2 is 17 % in one week at a 10 % cap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from programs.engine.types import EPSILON, Dose, PoolEntry

BACK_OFF_FACTOR = 0.8  # a red session takes 20 % off


def whole(value: float) -> int:
    """Round down, so the dose shown never exceeds the capped value it comes from."""
    return math.floor(value + EPSILON)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def weeks_needed(current: float, target: float, cap_factor: float) -> int:
    """The fewest weeks at `current` for the compounded cap to reach `target`."""
    if target <= current + EPSILON:
        return 0
    return max(1, math.ceil(math.log(target / current) / math.log(cap_factor) - EPSILON))


@dataclass(frozen=True)
class Rise:
    """The outcome of asking for a rise: the new dose, or how long until a one-unit step."""

    dose: Dose | None  # None: no rise this week
    at_top: bool = False  # the dose is at the top of the range
    compounded_weeks: int = 0  # > 0: a one-unit step allowed by the cap over this many weeks
    weeks_to_wait: int = 0  # > 0: weeks at this dose still needed before a one-unit step
    added_set: bool = False
    same_total: bool = False  # the set was added by splitting the same total (or just under it)


def raise_dose(last: Dose, entry: PoolEntry, cap_factor: float, *, weeks_at_dose: int = 1) -> Rise:
    """The most the shown dose may grow this week.

    `weeks_at_dose` counts the weeks the member has trained `last` unchanged, this one included.
    Holds (or reps) grow first, up to the ceiling's; then a set is added, with shorter holds (or
    fewer reps per set) so the load rises within this week's cap or, failing that, stays the same.
    """
    last = entry.clamp(last)
    weeks = max(1, weeks_at_dose)
    ceiling_unit = entry.ceiling.unit
    if last.unit < ceiling_unit:
        capped = whole(last.unit * cap_factor)
        if capped > last.unit:
            return Rise(last.with_unit(min(capped, ceiling_unit)))
        step = last.unit + 1
        if last.unit * cap_factor**weeks >= step - EPSILON:
            return Rise(last.with_unit(step), compounded_weeks=weeks)
        need = weeks_needed(last.unit, step, cap_factor)
        return Rise(None, weeks_to_wait=need - weeks)
    if last.sets < entry.ceiling.sets:
        more_sets = last.sets + 1
        lowest = max(entry.floor.unit, 1)
        spread = min(whole(last.load * cap_factor / more_sets), ceiling_unit)
        if spread >= lowest and spread * more_sets > last.load:
            return Rise(last.with_unit(spread, sets=more_sets), added_set=True)
        # No split rises within the cap: reshape the same total into one more set, never
        # above it, and never below the floor (then this is as far as the phase goes).
        reshaped = min(whole(last.load / more_sets), ceiling_unit)
        if reshaped >= lowest:
            return Rise(last.with_unit(reshaped, sets=more_sets), added_set=True, same_total=True)
    return Rise(None, at_top=True)


def back_off_dose(last: Dose, entry: PoolEntry) -> Dose | None:
    """About 20 % less, never below the floor; None when the dose is already at the floor.

    Holds (or reps) come down first; once they reach the floor, sets come down.
    """
    last = entry.clamp(last)
    if last.unit > entry.floor.unit:
        lower = min(_round_half_up(last.unit * BACK_OFF_FACTOR), last.unit - 1)
        return last.with_unit(max(entry.floor.unit, lower))
    if last.sets > entry.floor.sets:
        fewer = min(_round_half_up(last.sets * BACK_OFF_FACTOR), last.sets - 1)
        return last.with_unit(last.unit, sets=max(entry.floor.sets, fewer))
    return None


def at_lightest(dose: Dose, entry: PoolEntry) -> bool:
    return back_off_dose(dose, entry) is None
