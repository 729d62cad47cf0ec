"""Dose arithmetic: the weekly cap, rounding down with a carry, and backing off."""

import math

from hypothesis import given
from hypothesis import strategies as st

from programs.engine import Dose, PoolEntry, back_off_dose, raise_dose
from tests.unit.engine.builders import TOLERANCE, doses_within


def hold_entry(start=10, sets=2, top=60, top_sets=4, low=5, low_sets=1):
    return PoolEntry(
        exercise="bird-dog-hold",
        start=Dose.of_hold(start, sets=sets),
        ceiling=Dose.of_hold(top, sets=top_sets),
        floor=Dose.of_hold(low, sets=low_sets),
    )


@st.composite
def entries(draw):
    is_hold = draw(st.booleans())
    make = Dose.of_hold if is_hold else Dose.of_reps
    low = draw(st.integers(1, 20))
    top = draw(st.integers(low, 90))
    start = draw(st.integers(low, top))
    low_sets = draw(st.integers(1, 3))
    top_sets = draw(st.integers(low_sets, 5))
    start_sets = draw(st.integers(low_sets, top_sets))
    return PoolEntry(
        exercise="x",
        start=make(start, sets=start_sets),
        ceiling=make(top, sets=top_sets),
        floor=make(low, sets=low_sets),
    )


@st.composite
def entries_and_doses(draw):
    entry = draw(entries())
    return entry, draw(doses_within(entry))


caps = st.sampled_from([5, 6, 7, 7.5, 8, 9, 10])


def test_ten_second_hold_at_five_percent_carries_until_it_shows():
    entry = hold_entry()
    week_1 = raise_dose(Dose.of_hold(10, sets=2), entry, 1.05)
    assert (week_1.hold_seconds, week_1.carried) == (10, 10.5)
    week_2 = raise_dose(week_1, entry, 1.05)
    assert week_2.hold_seconds == 11
    assert math.isclose(week_2.carried, 11.025)


def test_adding_a_set_shortens_the_holds_to_stay_within_the_cap():
    entry = hold_entry(top=10, top_sets=4)
    raised = raise_dose(Dose.of_hold(10, sets=2), entry, 1.05)
    assert (raised.hold_seconds, raised.sets) == (7, 3)  # 21 s ≤ 20 s × 1.05
    assert raised.load <= 21


def test_no_rise_at_the_ceiling():
    entry = hold_entry(top=10, top_sets=2)
    assert raise_dose(Dose.of_hold(10, sets=2), entry, 1.10) is None


def test_no_extra_set_when_the_shorter_holds_would_fall_below_the_floor():
    entry = hold_entry(top=10, top_sets=3, low=8)
    assert raise_dose(Dose.of_hold(10, sets=2), entry, 1.05) is None  # 21/3 = 7 s < 8 s floor


def test_back_off_takes_twenty_percent_off_and_stops_at_the_floor():
    entry = hold_entry(start=20, low=15, low_sets=2)
    assert back_off_dose(Dose.of_hold(20, sets=2), entry) == Dose.of_hold(16, sets=2)
    assert back_off_dose(Dose.of_hold(16, sets=2), entry) == Dose.of_hold(15, sets=2)
    assert back_off_dose(Dose.of_hold(15, sets=2), entry) is None


def test_back_off_at_the_floor_hold_drops_a_set():
    entry = hold_entry(low=10, low_sets=1)
    assert back_off_dose(Dose.of_hold(10, sets=3), entry) == Dose.of_hold(10, sets=2)


@given(entries_and_doses(), caps)
def test_a_weekly_rise_never_exceeds_the_cap_after_rounding(entry_and_dose, cap):
    entry, last = entry_and_dose
    factor = 1 + cap / 100
    raised = raise_dose(last, entry, factor)
    if raised is None:
        return
    # Load and a single hold (or set of reps) both stay within the cap of last week's value…
    assert raised.load <= last.exact_load * factor + TOLERANCE
    assert raised.unit <= last.exact_unit * factor + TOLERANCE
    assert raised.exact_load <= last.exact_load * factor + TOLERANCE
    assert raised.exact_unit <= last.exact_unit * factor + TOLERANCE
    # …and rounding only ever goes down from the carried value.
    assert raised.unit <= raised.exact_unit + TOLERANCE
    assert raised.exact_load >= last.exact_load - TOLERANCE  # a rise is never a fall
    assert entry.contains(raised)


@given(entries_and_doses())
def test_back_off_stays_within_the_floor_and_always_lowers(entry_and_dose):
    entry, last = entry_and_dose
    lower = back_off_dose(last, entry)
    if lower is None:
        assert (last.unit, last.sets) == (entry.floor.unit, entry.floor.sets)
        return
    assert entry.contains(lower)
    assert lower.load < last.load


@given(st.integers(1, 12), caps)
def test_small_doses_still_progress_over_green_weeks(start, cap):
    factor = 1 + cap / 100
    entry = hold_entry(start=start, sets=1, top=100, top_sets=1, low=1)
    # Without the carry, floor(start × factor) == start whenever start × cap < 100 %.
    weeks_needed = math.ceil(math.log((start + 1) / start) / math.log(factor)) + 1
    dose = entry.start
    for _ in range(weeks_needed):
        dose = raise_dose(dose, entry, factor)
    assert dose.hold_seconds >= start + 1
