"""Back from an easier variation (a coach withdrew it, or it needs equipment the member no longer
has): the harder exercise starts at its start dose for the phase, never at the variation's dose,
in the plan, in the weekly review (any week, away or not, a late report) and in a phase change."""

from dataclasses import replace
from datetime import timedelta

import pytest

from programs.engine import DecisionKind, Dose, Programme, late_report, plan_session, progress_week
from programs.engine.phases import back_from_variation, carried_dose
from tests.unit.engine.builders import MONDAY, PROGRAMME, entry_for, green_week, session, state_in
from tests.unit.engine.demo_config import ALL_EQUIPMENT

ISOMETRIC = "isometric-holds"
HARDER, EASIER = "bird-dog-hold", "quadruped-arm-reach"
# The easier version dosed in holds like the harder one, with a range above the harder one's
# start: carried over as it is, its dose would be a jump on the harder exercise.
ON_EASIER = Dose.of_hold(10, sets=4)


def _programme(*, with_easier: bool) -> Programme:
    specs = dict(PROGRAMME.exercises)
    specs[EASIER] = replace(
        specs[EASIER],
        opening=Dose.of_hold(6, sets=2),
        lowest=Dose.of_hold(4, sets=1),
        highest=Dose.of_hold(12, sets=4),
        equipment=frozenset({"none", "mat"}),
    )
    if not with_easier:  # what the selectors give the engine once a coach unpublishes it
        del specs[EASIER]
        specs[HARDER] = replace(specs[HARDER], easier_slug=None)
    return Programme(phases=PROGRAMME.phases, exercises=specs)


OFFERED = _programme(with_easier=True)
WITHDRAWN = _programme(with_easier=False)
START = entry_for(PROGRAMME, ISOMETRIC, HARDER).start


def _on_easier(**kwargs):
    kwargs.setdefault("equipment", ALL_EQUIPMENT | {"mat"})
    return state_in(ISOMETRIC, doses={HARDER: ON_EASIER}, variations={HARDER: EASIER}, **kwargs)


def _item(plan, pool_exercise):
    return next(item for item in plan.items if item.pool_exercise == pool_exercise)


def test_while_the_easier_version_is_offered_the_member_stays_on_it():
    state = _on_easier(minutes=60)
    entry = entry_for(OFFERED, ISOMETRIC, HARDER)
    assert back_from_variation(OFFERED, state, entry) is None
    assert carried_dose(OFFERED, state, entry) == ON_EASIER
    item = _item(plan_session(state, OFFERED, [], MONDAY), HARDER)
    assert (item.exercise, item.dose) == (EASIER, ON_EASIER)


def test_withdrawn_easier_version_plans_the_harder_one_at_its_start_dose_and_says_why():
    assert START.load < ON_EASIER.load  # else the test proves nothing
    state = _on_easier(minutes=60)
    item = _item(plan_session(state, WITHDRAWN, [], MONDAY), HARDER)
    assert item.exercise == HARDER
    assert item.dose == START  # was: 10 s x 4 sets, the easier version's dose
    assert item.reason.startswith("Back to Bird dog hold, starting at 8 s × 2 sets per side")
    assert "no longer part of the programme" in item.reason


def test_easier_version_needing_equipment_no_longer_listed_is_left_the_same_way():
    state = _on_easier(minutes=60, equipment=ALL_EQUIPMENT)  # no mat
    item = _item(plan_session(state, OFFERED, [], MONDAY), HARDER)
    assert (item.exercise, item.dose) == (HARDER, START)
    assert "Quadruped arm reach, the easier version you were doing, needs equipment" in (
        item.reason
    )


@pytest.mark.parametrize("days", [range(5), ()], ids=["trained", "away"])
def test_the_weekly_review_restarts_the_harder_exercise_at_its_start_never_above(days):
    state = _on_easier()
    history = green_week(state, MONDAY, days=days)
    result = progress_week(state, WITHDRAWN, history, MONDAY)
    decision = next(d for d in result.decisions if d.exercise == HARDER)
    assert decision.dose == START and decision.variation is None
    assert decision.kind is DecisionKind.START
    assert decision.direction is DecisionKind.START  # shown as a new exercise, not a rise
    assert decision.reason.startswith("Back to Bird dog hold")
    assert result.state.doses[HARDER] == START and HARDER not in result.state.variations
    # The week after, it grows from the start dose within the cap.
    week2 = MONDAY + timedelta(days=7)
    later = progress_week(result.state, WITHDRAWN, green_week(result.state, week2), week2)
    after = next(d for d in later.decisions if d.exercise == HARDER)
    assert after.dose.load <= START.load * PROGRAMME.phase(ISOMETRIC).cap_factor + START.sets


def test_a_late_red_report_after_the_return_never_lifts_the_dose():
    state = replace(_on_easier(), last_reviewed_week=MONDAY - timedelta(days=7))
    record = session(MONDAY - timedelta(days=2), 7, exercises=[HARDER])
    result = late_report(state, WITHDRAWN, record, reviewed_from={})
    dose = result.state.doses.get(HARDER, START)
    assert dose.load <= START.load


def test_a_phase_change_never_carries_the_easier_versions_dose_to_the_harder_one():
    state = _on_easier(weeks_in_phase=10)
    history = [
        *green_week(state, MONDAY - timedelta(days=7)),
        *green_week(state, MONDAY),
    ]
    result = progress_week(state, WITHDRAWN, history, MONDAY)
    for decision in result.decisions:
        if decision.exercise == HARDER:
            entry = entry_for(WITHDRAWN, result.state.phase, HARDER)
            assert decision.dose.load <= entry.start.load
