"""Dose arithmetic: the weekly cap on the shown dose, the one-unit exception, backing off."""

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


def test_a_rise_worth_less_than_one_second_waits_until_the_compounded_cap_covers_it():
    # Was: 10 s carried as 10.5 and shown 11 s in week 2 (10 % in one week at a 5 % cap).
    entry = hold_entry()
    dose = Dose.of_hold(10, sets=2)
    week_1 = raise_dose(dose, entry, 1.05, weeks_at_dose=1)
    assert week_1.dose is None and week_1.weeks_to_wait == 1  # 10 × 1.05 = 10.5: not yet
    week_2 = raise_dose(dose, entry, 1.05, weeks_at_dose=2)
    assert week_2.dose == Dose.of_hold(11, sets=2)  # 10 × 1.05² = 11.025 ≥ 11
    assert week_2.compounded_weeks == 2


def test_eight_reps_at_five_percent_go_to_nine_after_three_weeks():
    entry = PoolEntry(
        exercise="x", start=Dose.of_reps(8), ceiling=Dose.of_reps(20), floor=Dose.of_reps(4)
    )
    assert raise_dose(Dose.of_reps(8), entry, 1.05, weeks_at_dose=2).dose is None
    assert raise_dose(Dose.of_reps(8), entry, 1.05, weeks_at_dose=3).dose == Dose.of_reps(9)


def test_a_rise_of_a_whole_unit_or_more_is_capped_and_rounded_down():
    entry = hold_entry(start=26)
    assert raise_dose(Dose.of_hold(26, sets=2), entry, 1.10).dose == Dose.of_hold(28, sets=2)
    assert raise_dose(Dose.of_hold(16, sets=2), entry, 1.10).dose == Dose.of_hold(17, sets=2)


def test_adding_a_set_shortens_the_holds_to_stay_within_the_cap():
    entry = hold_entry(top=10, top_sets=4)
    raised = raise_dose(Dose.of_hold(10, sets=2), entry, 1.05).dose
    assert (raised.hold_seconds, raised.sets) == (7, 3)  # 21 s ≤ 20 s × 1.05
    assert raised.load <= 21


def test_no_rise_at_the_ceiling():
    entry = hold_entry(top=10, top_sets=2)
    rise = raise_dose(Dose.of_hold(10, sets=2), entry, 1.10)
    assert rise.dose is None and rise.at_top


def test_a_set_that_would_jump_the_total_is_never_added_however_long_the_wait():
    # Was: after four weeks at 10 s × 2, 8 s × 3 (24 s, +20 % in one week at a 5 % cap).
    entry = hold_entry(top=10, top_sets=3, low=8)
    for weeks in (1, 4, 30):
        rise = raise_dose(Dose.of_hold(10, sets=2), entry, 1.05, weeks_at_dose=weeks)
        assert rise.dose is None and rise.at_top  # 7 s or 6 s a set is below the 8 s floor


def test_when_no_split_rises_within_the_cap_the_same_total_gets_one_more_set():
    # Was: 12 reps × 1 → 7 reps × 2 after two weeks (14 reps, +17 % in one week at 10 %).
    entry = PoolEntry(
        exercise="cat-cow",
        start=Dose.of_reps(8),
        ceiling=Dose.of_reps(12, sets=2),
        floor=Dose.of_reps(4),
    )
    for weeks in (1, 2, 10):
        rise = raise_dose(Dose.of_reps(12), entry, 1.10, weeks_at_dose=weeks)
        assert rise.dose == Dose.of_reps(6, sets=2) and rise.same_total and rise.added_set
        assert not rise.compounded_weeks


def test_an_odd_total_splits_just_under_never_over():
    entry = PoolEntry(
        exercise="x", start=Dose.of_reps(8), ceiling=Dose.of_reps(11, sets=2), floor=Dose.of_reps(4)
    )
    rise = raise_dose(Dose.of_reps(11), entry, 1.05, weeks_at_dose=5)
    assert rise.dose == Dose.of_reps(5, sets=2) and rise.same_total  # 6 × 2 = 12 is +9 %


def test_back_off_takes_twenty_percent_off_and_stops_at_the_floor():
    entry = hold_entry(start=20, low=15, low_sets=2)
    assert back_off_dose(Dose.of_hold(20, sets=2), entry) == Dose.of_hold(16, sets=2)
    assert back_off_dose(Dose.of_hold(16, sets=2), entry) == Dose.of_hold(15, sets=2)
    assert back_off_dose(Dose.of_hold(15, sets=2), entry) is None


def test_back_off_at_the_floor_hold_drops_a_set():
    entry = hold_entry(low=10, low_sets=1)
    assert back_off_dose(Dose.of_hold(10, sets=3), entry) == Dose.of_hold(10, sets=2)


@given(entries_and_doses(), caps, st.integers(1, 30))
def test_a_weekly_rise_never_exceeds_the_cap_on_the_shown_dose(entry_and_dose, cap, weeks):
    entry, last = entry_and_dose
    factor = 1 + cap / 100
    rise = raise_dose(last, entry, factor, weeks_at_dose=weeks)
    raised = rise.dose
    if raised is None:
        return
    assert raised.unit <= entry.ceiling.unit and raised.sets <= entry.ceiling.sets
    assert raised.unit >= entry.floor.unit
    if rise.same_total:
        # One more set, the total reshaped and never raised.
        assert rise.added_set and not rise.compounded_weeks
        assert raised.sets == last.sets + 1 and raised.load <= last.load
        assert math.floor(last.load * factor + TOLERANCE) < (raised.unit + 1) * raised.sets
        return
    assert raised.load > last.load  # a rise is never a fall
    if rise.compounded_weeks:
        # The one exception: a single unit, covered by the cap compounded over the weeks
        # already trained at this dose; never a new set.
        assert not rise.added_set and raised.sets == last.sets
        assert rise.compounded_weeks == weeks
        assert raised.unit == last.unit + 1
        assert raised.load <= last.load * factor**weeks + TOLERANCE
        return
    # Both the load and one hold (or set of reps) rise by at most the cap, rounded down.
    assert raised.load <= math.floor(last.load * factor + TOLERANCE)
    assert raised.unit <= math.floor(last.unit * factor + TOLERANCE)


@given(entries_and_doses(), caps, st.integers(1, 30))
def test_adding_a_set_never_raises_the_total_past_this_weeks_cap(entry_and_dose, cap, weeks):
    # However long the member has trained the dose: the compounded exception is one unit only.
    entry, last = entry_and_dose
    factor = 1 + cap / 100
    raised = raise_dose(last, entry, factor, weeks_at_dose=weeks).dose
    if raised is not None and raised.sets > entry.clamp(last).sets:
        assert raised.load <= math.floor(entry.clamp(last).load * factor + TOLERANCE)


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
    needed = math.ceil(math.log((start + 1) / start) / math.log(factor) - 1e-9)
    dose, weeks = entry.start, 0
    for _ in range(needed):
        weeks += 1
        rise = raise_dose(dose, entry, factor, weeks_at_dose=weeks)
        if rise.dose is not None:
            dose, weeks = rise.dose, 0
    assert dose.hold_seconds >= start + 1
