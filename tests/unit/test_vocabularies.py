"""One vocabulary each: the pure engine's enums and the database's choices must agree.

The engine imports no Django and exercises imports no programs, so a few words are spelled in
two places by design; these tests make sure they never drift apart.
"""

from enum import StrEnum

import pytest

import exercises.choices
import programs.choices
from programs.engine import types as engine_types
from programs.engine.types import NO_EQUIPMENT
from programs.engine.wording import WEEKDAY_NAMES

DB_CHOICES = {
    "Track": exercises.choices.Track,
    "MovementType": exercises.choices.MovementType,
    "DecisionKind": programs.choices.DecisionKind,
    "ItemRole": programs.choices.ItemRole,
    "EscalationKind": programs.choices.EscalationKind,
}


def engine_enums() -> dict[str, type[StrEnum]]:
    return {
        name: value
        for name, value in vars(engine_types).items()
        if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
    }


def test_every_engine_vocabulary_has_its_database_twin():
    assert set(engine_enums()) == set(DB_CHOICES), (
        "a new engine enum needs its database choices (or an entry here saying where they are)"
    )


@pytest.mark.parametrize("name", sorted(DB_CHOICES))
def test_engine_and_database_use_the_same_words(name):
    assert {m.value for m in engine_enums()[name]} == set(DB_CHOICES[name].values)


def test_programs_reuses_the_library_track_and_the_engine_weekdays():
    assert programs.choices.Track is exercises.choices.Track
    assert programs.choices.WEEKDAY_NAMES is WEEKDAY_NAMES


def test_equipment_words_agree():
    library = set(exercises.choices.Equipment.values)
    assert NO_EQUIPMENT in library
    # the intake asks only about things at hand; "none" is implied
    assert set(programs.choices.Equipment.values) == library - {NO_EQUIPMENT}
