"""The simulation coaches see: capped, pain-aware progression through the phases."""

import json

import pytest

from programs.engine import (
    DecisionKind,
    Dose,
    PainLight,
    classify_session,
    run_simulation,
    simulate,
)
from programs.engine.simulate import spread_weekdays, week_as_dict
from tests.unit.engine.builders import PROGRAMME, entry_for, shown_cap_violations
from tests.unit.engine.demo_config import ALL_EQUIPMENT

ITEM_KEYS = {"exercise", "hold_seconds", "reps", "sets", "decision", "shown", "reason"}
DECISIONS = {kind.value for kind in DecisionKind}


def order(phase_slug):
    return PROGRAMME.phase(phase_slug).order


def shown(week) -> dict:
    return {d.performed: d.dose for d in week.decisions}


def assert_rises_within_cap(weeks):
    """Week over week, every shown dose rises within the cap (or by the one-unit exception)."""
    series = [(PROGRAMME.phase(week.phase).cap_factor, shown(week)) for week in weeks]
    # The cap that applies to week n's doses is the one of the phase they were set in.
    series = [(series[max(i - 1, 0)][0], doses) for i, (_, doses) in enumerate(series)]
    assert shown_cap_violations(series) == []


def test_low_pain_member_progresses_and_advances_with_every_rise_capped():
    weeks = run_simulation(PROGRAMME, weeks=12, pain=[2], equipment=ALL_EQUIPMENT)
    orders = [order(week.phase) for week in weeks]
    assert orders[0] == 1 and orders[-1] >= 3
    assert all(0 <= b - a <= 1 for a, b in zip(orders, orders[1:], strict=False))
    kinds = {d.kind for week in weeks for d in week.decisions}
    assert {DecisionKind.PROGRESS, DecisionKind.ADVANCE_PHASE} <= kinds
    assert not kinds & {DecisionKind.BACK_OFF, DecisionKind.STEP_BACK}
    assert_rises_within_cap(weeks)
    # Some dose visibly grows within a phase.
    grew = any(
        d.kind is DecisionKind.PROGRESS and d.dose.load > d.previous.load
        for week in weeks
        for d in week.decisions
    )
    assert grew


def test_simulation_dicts_alone_show_capped_growth_week_over_week():
    # Was: growth compounded from each phase's start dose, since a phase change reset doses.
    weeks = simulate(PROGRAMME, weeks=16, pain=[2], equipment=ALL_EQUIPMENT)
    series = []
    for index, week in enumerate(weeks):
        cap = PROGRAMME.phase(weeks[max(index - 1, 0)]["phase"]).cap_factor
        doses = {}
        for item in week["items"]:
            make = Dose.of_hold if item["hold_seconds"] else Dose.of_reps
            doses[item["exercise"]] = make(item["hold_seconds"] or item["reps"], sets=item["sets"])
            assert "bank" not in item["reason"].lower()
        series.append((cap, doses))
    assert shown_cap_violations(series) == []


def test_high_pain_member_backs_off_or_holds_and_never_advances():
    weeks = run_simulation(PROGRAMME, weeks=12, pain=[6, 7], equipment=ALL_EQUIPMENT)
    assert {week.phase for week in weeks} == {"reconnect"}
    kinds = [d.kind for week in weeks[1:] for d in week.decisions]
    assert DecisionKind.BACK_OFF in kinds
    assert set(kinds) <= {DecisionKind.BACK_OFF, DecisionKind.HOLD}
    assert any(week.contact_coach for week in weeks)
    for decision in weeks[-1].decisions:  # worked down to the lightest doses
        assert decision.dose == entry_for(PROGRAMME, "reconnect", decision.exercise).floor


def test_no_rise_in_the_week_after_an_amber_or_red_session():
    weeks = run_simulation(
        PROGRAMME, weeks=12, pain=[2, 2, 3, 6, 2], track="sciatica", equipment={"none", "chair"}
    )
    assert_rises_within_cap(weeks)
    for before, after in zip(weeks, weeks[1:], strict=False):
        lights = {classify_session(record).light for record in before.sessions}
        if lights != {PainLight.GREEN}:
            assert DecisionKind.PROGRESS not in {d.kind for d in after.decisions}


def test_unsettled_mornings_hold_everything():
    weeks = simulate(PROGRAMME, weeks=4, pain=[2], morning_pain=[4])
    assert {week["phase"] for week in weeks} == {"reconnect"}
    for week in weeks[1:]:
        assert {item["decision"] for item in week["items"]} == {"hold"}
        assert all("hadn't settled" in item["reason"] for item in week["items"])


def test_worse_mornings_than_before_back_off():
    weeks = simulate(PROGRAMME, weeks=2, pain=[2], morning_pain=[5], baseline_pain=2)
    assert {item["decision"] for item in weeks[1]["items"]} == {"back_off"}


def test_simulation_output_shape_is_exactly_the_documented_json():
    weeks = simulate(PROGRAMME, weeks=3, pain=[2, 2, 3, 6, 2], track="active-ageing")
    assert [week["week"] for week in weeks] == [1, 2, 3]
    for week in weeks:
        assert set(week) == {"week", "phase", "away", "summary", "escalations", "items"}
        assert week["items"]
        for item in week["items"]:
            assert set(item) == ITEM_KEYS
            assert item["decision"] in DECISIONS
            assert (item["hold_seconds"] is None) != (item["reps"] is None)
            assert item["reason"]
    assert {item["decision"] for item in weeks[0]["items"]} == {"start"}
    assert json.loads(json.dumps(weeks)) == weeks


def test_simulation_is_deterministic_and_matches_the_typed_run():
    arguments = {"weeks": 6, "pain": [2, 4, 3], "sessions_per_week": 3, "minutes_per_day": 5}
    typed = run_simulation(PROGRAMME, **arguments)
    assert simulate(PROGRAMME, **arguments) == [week_as_dict(week) for week in typed]
    assert simulate(PROGRAMME, **arguments) == simulate(PROGRAMME, **arguments)
    assert all(len(week.sessions) <= 3 for week in typed)


@pytest.mark.parametrize(
    ("sessions", "weekdays"), [(1, {0}), (3, {0, 2, 4}), (5, {0, 1, 2, 4, 5}), (7, set(range(7)))]
)
def test_training_days_are_spread_over_the_week(sessions, weekdays):
    assert spread_weekdays(sessions) == weekdays


def test_simulation_rejects_an_empty_pain_list():
    with pytest.raises(ValueError):
        simulate(PROGRAMME, weeks=2, pain=[])


def test_gaps_in_the_simulation_hold_then_restart_lighter():
    weeks = simulate(PROGRAMME, weeks=10, pain=[2], equipment=ALL_EQUIPMENT, gaps={4, 5, 6})
    assert [week["away"] for week in weeks][3:6] == [True, True, True]
    after_first = weeks[4]["items"]  # set by the review of week 4 (first week away)
    assert {item["shown"] for item in after_first} <= {"hold", "start"}
    for week, away in ((weeks[5], 2), (weeks[6], 3)):
        eased = [item for item in week["items"] if item["shown"] == "back_off"]
        assert all(f"away {away} weeks" in item["reason"] for item in eased)
        assert f"away {away} weeks" in week["summary"]


def test_a_late_red_in_the_simulation_eases_the_next_week_at_once():
    calm = simulate(PROGRAMME, weeks=4, pain=[2], equipment=ALL_EQUIPMENT)
    late = simulate(
        PROGRAMME,
        weeks=4,
        pain=[2],
        morning_pain=[2, 2, 2, 2, 7],
        equipment=ALL_EQUIPMENT,
        late={1},
    )
    assert "after this week's review" in " ".join(i["reason"] for i in late[1]["items"])
    assert [i["shown"] for i in late[1]["items"]] != [i["shown"] for i in calm[1]["items"]]
