"""The engine's values check what they hold, however they are made."""

from dataclasses import replace
from datetime import date

import pytest

from programs.engine import Decision, DecisionKind, Dose, SessionRecord, review_week
from programs.engine.types import evolve

DAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    "field, value",
    [
        ("pain_during", 11),
        ("pain_during", -1),
        ("effort", 11),
        ("morning_pain", 12),
        ("baseline_pain", -2),
    ],
)
def test_a_session_record_refuses_a_score_out_of_range(field, value):
    fields = {"day": DAY, "planned": True, "completed": True, "pain_during": 2, "effort": 4}
    with pytest.raises(ValueError, match=field):
        SessionRecord(**(fields | {field: value}))


def test_a_session_record_keeps_its_exercises_as_a_tuple():
    record = SessionRecord(DAY, True, True, 2, 4, exercises=[])
    assert record.exercises == ()
    assert type(record.exercises) is tuple


def test_evolve_is_replace():
    decision = Decision("wall-sit", DecisionKind.HOLD, Dose.of_hold(20), "Held.", variation="x")
    assert evolve(decision, kind=DecisionKind.PROGRESS, dose=Dose.of_hold(21)) == replace(
        decision, kind=DecisionKind.PROGRESS, dose=Dose.of_hold(21)
    )
    with pytest.raises(ValueError):  # still through __post_init__
        evolve(Dose.of_hold(20), hold_seconds=0)


def test_evolve_refuses_a_value_carrying_more_than_its_fields():
    review = review_week([SessionRecord(DAY, True, True, 2, 4)], DAY)
    assert review.planned == 1  # kept on the instance from now on
    with pytest.raises(TypeError):
        evolve(review)


def test_the_available_pool_is_the_same_kept_or_worked_out():
    from programs.engine import available_entries
    from tests.unit.engine.builders import PROGRAMME

    phase = PROGRAMME.phases[0]
    first = available_entries(PROGRAMME, phase, "general", frozenset({"none"}))
    assert available_entries(PROGRAMME, phase, "general", frozenset({"none"})) is first
    assert available_entries(PROGRAMME, phase, "general", {"none"}) == first  # a plain set too
    other = replace(phase, name="Another")  # not the programme's own phase object
    assert available_entries(PROGRAMME, other, "general", frozenset({"none"})) == first
