"""Dose arithmetic: how far a dose may rise in a week, and how far it drops on a back-off."""

from __future__ import annotations

import math

from programs.engine.types import EPSILON, Dose, PoolEntry

BACK_OFF_FACTOR = 0.8  # a red session takes 20 % off


def whole(value: float) -> int:
    """Round down, so the dose shown never exceeds the capped value it comes from."""
    return math.floor(value + EPSILON)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def raise_dose(last: Dose, entry: PoolEntry, cap_factor: float) -> Dose | None:
    """The most the dose may grow in one week, or None when it is already at its ceiling.

    Both the session load and a single hold (or set of reps) grow by at most the cap, measured
    from last week's carried value. Holds grow first, up to the ceiling's hold; then a set is
    added and the holds shortened so the load still rises by no more than the cap.
    """
    last = entry.clamp(last)
    exact = last.exact_unit
    ceiling_unit = entry.ceiling.unit
    if exact < ceiling_unit - EPSILON:
        grown = min(exact * cap_factor, float(ceiling_unit))
        return last.with_unit(whole(grown), carried=grown)
    if last.sets < entry.ceiling.sets:
        more_sets = last.sets + 1
        # Same capped load spread over one more set: each hold gets shorter.
        spread = min(last.exact_load * cap_factor / more_sets, float(ceiling_unit))
        if whole(spread) < entry.floor.unit:
            return None  # can't add a set without dropping below the floor
        return last.with_unit(whole(spread), sets=more_sets, carried=spread)
    return None


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
