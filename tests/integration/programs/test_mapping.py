"""Mapping stored numbers to the engine's dataclasses: properties over random rows (no database)."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from programs.models import PoolEntry
from programs.selectors.programme import dose_of, pool_entry_to_engine

units = st.integers(min_value=1, max_value=300)
sets = st.integers(min_value=1, max_value=10)


@given(unit=units, sets=sets, is_hold=st.booleans(), fraction=st.floats(0, 0.999))
def test_stored_doses_map_back_exactly(unit, sets, is_hold, fraction):
    carried = unit + fraction
    dose = dose_of(unit if is_hold else None, None if is_hold else unit, sets, carried)
    assert dose.unit == unit and dose.sets == sets and dose.is_hold == is_hold
    assert dose.carried == carried


@given(
    start=units,
    extra=st.integers(0, 100),
    start_sets=sets,
    extra_sets=st.integers(0, 5),
    is_hold=st.booleans(),
    floor=st.one_of(st.none(), units),
    floor_sets=st.one_of(st.none(), sets),
)
def test_any_ordered_pool_entry_maps_with_floor_below_start(
    start, extra, start_sets, extra_sets, is_hold, floor, floor_sets
):
    kind = "hold_seconds" if is_hold else "reps"
    entry = PoolEntry(
        track="general",
        **{f"start_{kind}": start, f"ceiling_{kind}": start + extra},
        start_sets=start_sets,
        ceiling_sets=start_sets + extra_sets,
    )
    exercise = SimpleNamespace(
        slug="x",
        floor_hold_seconds=floor if is_hold else None,
        floor_reps=None if is_hold else floor,
        floor_sets=floor_sets,
    )
    mapped = pool_entry_to_engine(entry, exercise)
    assert mapped.floor.unit <= mapped.start.unit <= mapped.ceiling.unit
    assert mapped.floor.sets <= mapped.start.sets <= mapped.ceiling.sets
    assert mapped.start.is_hold == mapped.ceiling.is_hold == mapped.floor.is_hold == is_hold
