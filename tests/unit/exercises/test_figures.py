"""The figure renderer and the seed keyframes, checked without a database."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.figures import svg
from exercises.figures.geometry import (
    TOLERANCE,
    check_contacts,
    place,
    radius,
    shown_position,
    validate_demonstration,
)
from exercises.figures.pose import RANGES, Pose, PoseError, parse_demonstration

SEED_DIR = Path(__file__).resolve().parents[3] / "exercises" / "seed"
EXERCISES = {
    item["slug"]: item for item in json.loads((SEED_DIR / "exercises_v1.json").read_text())
}
POSES = json.loads((SEED_DIR / "poses_v1.json").read_text())

# What the figure must look like for each position tag (computed from the pose's geometry).
SHOWN = {
    "prone": ("lying", "down"),
    "supine": ("lying", "up"),
    "side_lying": ("lying", "camera"),
    "quadruped": ("all_fours", "down"),
    "kneeling": ("kneeling", None),
    "seated": ("sitting", None),
    "standing": ("standing", None),
    "hanging": ("hanging", None),
}
# Equipment tag -> the prop the figure must draw.
EQUIPMENT_PROP = {
    "wall": "wall",
    "chair": "chair",
    "bench": "bench",
    "pull_up_bar": "bar",
    "foam_roller": "roller",
    "light_weights": "weights",
    "resistance_band": "band",
}


def demo(slug: str):
    return validate_demonstration(POSES[slug])


def is_hold(slug: str) -> bool:
    return EXERCISES[slug]["dose"]["hold_seconds"] is not None


def test_every_seeded_exercise_has_its_own_valid_keyframes():
    assert set(POSES) == set(EXERCISES)
    for slug in EXERCISES:
        assert 2 <= len(demo(slug).keyframes) <= 3, slug


@pytest.mark.parametrize("slug", sorted(EXERCISES))
def test_shown_position_agrees_with_the_position_tag(slug):
    position, facing = shown_position(demo(slug), is_hold=is_hold(slug))
    expected_position, expected_facing = SHOWN[EXERCISES[slug]["position"]]
    assert position == expected_position, f"{slug} shows {position}"
    if expected_facing:
        assert facing == expected_facing, f"{slug} faces {facing}"


@pytest.mark.parametrize("slug", sorted(EXERCISES))
def test_props_agree_with_the_equipment_tags(slug):
    wanted = {EQUIPMENT_PROP[tag] for tag in EXERCISES[slug]["equipment"] if tag in EQUIPMENT_PROP}
    drawn = set(demo(slug).props) - {"mat"}
    assert drawn == wanted, slug


def test_per_side_exercises_show_the_side_worked():
    for slug, item in EXERCISES.items():
        assert bool(demo(slug).side) == bool(item["dose"]["per_side"]), slug


def _variations(slug: str) -> set[str]:
    item = EXERCISES[slug]
    linked = {item.get("easier"), item.get("harder")}
    linked |= {
        other for other, o in EXERCISES.items() if slug in (o.get("easier"), o.get("harder"))
    }
    return linked - {None}


def test_no_two_exercises_share_keyframes_unless_variations():
    seen: dict[str, str] = {}
    for slug in sorted(EXERCISES):
        key = json.dumps(POSES[slug]["keyframes"], sort_keys=True)
        if key in seen:
            assert seen[key] in _variations(slug), f"{slug} copies {seen[key]}"
        seen[key] = slug
    # and no two cards show the same pose (the end keyframe) either, unless variations
    shown: dict[str, str] = {}
    for slug in sorted(EXERCISES):
        d = demo(slug)
        pose = d.keyframes[-1].to_dict()
        key = json.dumps([pose, d.props], sort_keys=True)
        if key in shown and shown[key] not in _variations(slug):
            pytest.fail(f"{slug} shows the same pose as {shown[key]}")
        shown[key] = slug


def test_a_joint_beyond_its_range_is_named_with_its_range():
    data = json.loads(json.dumps(POSES["cat-cow"]))
    data["keyframes"][1]["knee"] = 175
    with pytest.raises(PoseError) as error:
        validate_demonstration(data)
    assert (
        "Keyframe 2 (middle): knee bend 175° is beyond its range (0° to 160°)."
        in error.value.messages
    )


def test_a_part_that_should_rest_on_the_floor_but_floats_is_an_error():
    data = json.loads(json.dumps(POSES["glute-bridge"]))
    data["keyframes"][1]["knee"] = 60  # feet swing up off the floor
    with pytest.raises(PoseError) as error:
        validate_demonstration(data)
    assert any(
        m.startswith("Keyframe 2 (end): the feet should rest on the floor but float")
        for m in error.value.messages
    )


def test_props_a_pose_leans_on_must_be_listed():
    data = json.loads(json.dumps(POSES["wall-plank"]))
    data["props"] = []
    assert any("add the wall to props" in m for m in check_contacts(parse_demonstration(data)))


@pytest.mark.parametrize(
    "data, message",
    [
        ([], "Poses must be an object with a list of keyframes."),
        ({"keyframes": [{}]}, "Give a start and an end pose (and a middle one if needed)."),
        (
            {
                "keyframes": [
                    {"contacts": {"feet": "floor"}},
                    {"knee": "bent", "contacts": {"feet": "floor"}},
                ]
            },
            "Keyframe 2 (end): knee must be a number of degrees, not 'bent'.",
        ),
        (
            {"keyframes": [{"contacts": {"tail": "floor"}}, {"contacts": {"feet": "floor"}}]},
            "Keyframe 1 (start): 'tail' is not a body part the figure can rest on.",
        ),
        (
            {"keyframes": [{}, {"contacts": {"feet": "floor"}}]},
            "Keyframe 1 (start): say which parts rest on something (for example feet on the floor).",
        ),
    ],
)
def test_malformed_data_gets_a_clear_message(data, message):
    with pytest.raises(PoseError) as error:
        parse_demonstration(data)
    assert message in error.value.messages


def test_svg_uses_no_inline_styles_and_animates_only_named_joints():
    d = demo("cat-cow")
    animated = svg.render_animated(d, css_class="fx-cat-cow", label="Cat & cow", is_hold=False)
    still = svg.render_shown(d, label="x", is_hold=False)
    for markup in (animated, still, *svg.render_pair(d, label="x", is_hold=False)):
        assert "style" not in markup and "<script" not in markup
    assert 'aria-label="Cat &amp; cow"' in animated
    css = svg.figure_stylesheet(d, css_class="fx-cat-cow", is_hold=False)
    assert "@keyframes fx-cat-cow-spine1" in css and "@keyframes fx-cat-cow-root" in css
    assert ".fx-cat-cow .j-spine1 { animation-name: fx-cat-cow-spine1; }" in css
    assert "j-kn-n" not in css  # the knees do not move in cat-cow


def test_holds_move_into_the_held_pose_and_breathe():
    d = demo("bird-dog-hold")
    animated = svg.render_animated(d, css_class="fx-bdh", label="x", is_hold=True)
    assert 'class="fig-breath"' in animated
    assert "fig-breath" not in svg.render_animated(
        demo("bird-dog"), css_class="fx-bd", label="x", is_hold=False
    )


angles = {
    key: st.floats(min_value=low, max_value=high, allow_nan=False)
    for key, (low, high, _) in RANGES.items()
}


@settings(max_examples=60, deadline=None)
@given(
    trunk=angles["trunk"],
    spine=angles["spine"],
    hip=angles["hip"],
    knee=angles["knee"],
    shoulder=angles["shoulder"],
    elbow=angles["elbow"],
)
def test_any_pose_in_range_rests_on_the_floor_and_renders(trunk, spine, hip, knee, shoulder, elbow):
    pose = Pose(
        trunk=trunk,
        spine=spine,
        hip=hip,
        knee=knee,
        shoulder=shoulder,
        elbow=elbow,
        contacts=(("feet", "floor"),),
    )
    d = parse_demonstration({"keyframes": [pose.to_dict(), pose.to_dict()]})
    frame = place(d)[0]
    lowest = min(y - radius(name) for name, (_, y) in frame.points.items())
    assert abs(lowest) < 1e-6  # nothing sinks into the floor, nothing hovers above it
    assert "<svg" in svg.render_shown(d, label="x", is_hold=False)
    assert TOLERANCE > 0
