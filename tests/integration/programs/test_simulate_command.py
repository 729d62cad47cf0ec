import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programs.engine import Dose
from programs.models import Phase
from tests.unit.engine.builders import shown_cap_violations

pytestmark = pytest.mark.django_db


def simulate(*args) -> list[dict]:
    out = StringIO()
    call_command("simulate_progression", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def load(item) -> int:
    return (item["hold_seconds"] or item["reps"]) * item["sets"]


def unit(item) -> int:
    return item["hold_seconds"] or item["reps"]


LONG_RUNS = [
    ("--weeks", "12", "--pain", "2,2,1,2,2"),
    # Long enough for sets to be added at the top of a range (cat-cow at 12 reps × 1).
    ("--weeks", "30", "--pain", "2"),
    ("--weeks", "30", "--pain", "1", "--equipment", "none,wall,chair,band,step"),
    ("--weeks", "30", "--pain", "2,3,2", "--track", "sciatica", "--sessions-per-week", "3"),
]


@pytest.mark.parametrize("args", LONG_RUNS)
def test_low_pain_rises_within_the_cap_and_advances(args):
    weeks = simulate(*args)
    assert [week["week"] for week in weeks] == list(range(1, int(args[1]) + 1))
    phases = {phase.slug: phase for phase in Phase.objects.all()}
    orders = [phases[week["phase"]].order for week in weeks]
    assert orders == sorted(orders) and orders[-1] >= 3  # advances, never skips
    assert all(b - a in (0, 1) for a, b in zip(orders, orders[1:], strict=False))
    # Week over week, every shown dose rises by at most the cap rounded down, or by one unit
    # once the dose has been shown long enough for the compounded cap to cover it.
    # (Was: growth measured from each phase's opening dose, which a phase change reset to.)
    series, rises = [], 0
    for index, week in enumerate(weeks):
        cap = 1 + phases[weeks[max(index - 1, 0)]["phase"]].weekly_cap_percent / 100
        doses = {}
        for item in week["items"]:
            assert set(item) >= {"exercise", "hold_seconds", "reps", "sets", "decision", "reason"}
            assert item["reason"] and "bank" not in item["reason"].lower()
            make = Dose.of_hold if item["hold_seconds"] else Dose.of_reps
            doses[item["exercise"]] = make(unit(item), sets=item["sets"])
            rises += item["decision"] == "progress"
        series.append((cap, doses))
    assert shown_cap_violations(series) == []
    assert rises > 0


def test_high_pain_holds_or_backs_off_and_never_advances():
    weeks = simulate("--weeks", "8", "--pain", "6,7")
    assert {week["phase"] for week in weeks} == {"reconnect"}
    decisions = {item["decision"] for week in weeks[1:] for item in week["items"]}
    assert decisions <= {"hold", "back_off", "step_back"}
    assert "back_off" in decisions


def test_amber_pain_holds():
    weeks = simulate("--weeks", "4", "--pain", "4")
    for week in weeks[1:]:
        assert {item["decision"] for item in week["items"]} == {"hold"}


def test_morning_pain_that_stays_up_stops_progress():
    weeks = simulate("--weeks", "4", "--pain", "2", "--morning", "5")
    assert all(item["decision"] != "progress" for week in weeks[1:] for item in week["items"])


def test_track_and_equipment_options():
    weeks = simulate(
        "--weeks", "1", "--pain", "2", "--track", "sciatica", "--equipment", "none,wall"
    )
    slugs = {item["exercise"] for item in weeks[0]["items"]}
    assert "piriformis-stretch" in slugs and "half-superman-hold" not in slugs
    assert "sciatic-nerve-glide" not in slugs  # it needs a chair
    assert "lying-nerve-glide" in slugs  # the glide that needs nothing stands in
    with_chair = simulate(
        "--weeks", "1", "--pain", "2", "--track", "sciatica", "--equipment", "chair"
    )
    assert {"sciatic-nerve-glide", "lying-nerve-glide"} & {
        item["exercise"] for item in with_chair[0]["items"]
    }


@pytest.mark.parametrize("equipment", ["none", "wall", "chair", "bench", "none,wall,chair"])
def test_every_seeded_sciatica_week_has_a_nerve_glide_whatever_the_kit(equipment):
    from exercises.models import Exercise

    glides = set(
        Exercise.objects.filter(movement_type="nerve_glide").values_list("slug", flat=True)
    )
    weeks = simulate(
        "--weeks", "16", "--pain", "1", "--track", "sciatica", "--equipment", equipment
    )
    assert len({week["phase"] for week in weeks}) >= 3  # the run crosses several phases
    for week in weeks:
        assert glides & {item["exercise"] for item in week["items"]}, week["phase"]


def test_uses_the_database_phase_configuration():
    Phase.objects.filter(slug="reconnect").update(min_weeks=5)
    weeks = simulate("--weeks", "5", "--pain", "1")
    assert {week["phase"] for week in weeks} == {"reconnect"}


def test_table_output_without_json():
    out = StringIO()
    call_command("simulate_progression", "--weeks", "2", "--pain", "2", stdout=out)
    text = out.getvalue()
    assert "Week  1  reconnect" in text and "start" in text


@pytest.mark.parametrize(
    "args",
    [["--pain", "2,x"], ["--pain", "11"], ["--weeks", "0"], ["--sessions-per-week", "9"]],
)
def test_bad_options_are_clear_errors(args):
    with pytest.raises(CommandError):
        call_command("simulate_progression", *args, stdout=StringIO())
