"""Poses and demonstrations: the data a coach edits, with its ranges and clear error messages.

Angles are in degrees. The figure faces right; the *near* limbs are its right side.
- trunk: direction from pelvis to shoulders, counter-clockwise from "pointing right"
  (90 = upright, 180 = lying with the head to the left, 0 = head to the right).
- spine: bend of the back (positive rounds it, negative arches it).
- neck: head bend (positive tucks the chin).
- shoulder: arm raised forward from hanging by the side (180 = overhead); elbow: bend.
- hip: thigh raised forward from in line with the trunk; knee: bend; ankle: toes pointed
  (0 = foot at a right angle to the shin).
Keys prefixed `far_` are the far (left) limbs; when missing they copy the near ones.
"""

from dataclasses import dataclass

ANGLE_KEYS = ("trunk", "spine", "neck", "shoulder", "elbow", "hip", "knee", "ankle")
LIMB_KEYS = ("shoulder", "elbow", "hip", "knee", "ankle")
FAR_KEYS = tuple(f"far_{key}" for key in LIMB_KEYS)

# (lowest, highest, what a coach calls it)
RANGES: dict[str, tuple[float, float, str]] = {
    "trunk": (-120.0, 300.0, "trunk direction"),
    "spine": (-45.0, 60.0, "back bend"),
    "neck": (-50.0, 60.0, "head bend"),
    "shoulder": (-60.0, 200.0, "shoulder raise"),
    "elbow": (0.0, 150.0, "elbow bend"),
    "hip": (-35.0, 175.0, "hip bend"),
    "knee": (0.0, 160.0, "knee bend"),
    "ankle": (-30.0, 95.0, "ankle point"),
}

SURFACES = ("floor", "chair", "wall", "bar", "bench", "roller")
PROPS = ("mat", "wall", "chair", "bench", "bar", "band", "weights", "roller")
FACINGS = ("side", "camera")

# Body parts a pose can rest on a surface with. Limb parts: "hand" (near), "far_hand", "hands" (both).
TRUNK_PARTS = ("head", "trunk", "upper_back", "pelvis")
LIMB_PARTS = ("hand", "forearm", "elbow", "knee", "shin", "foot", "toe", "heel")
PLURALS = {"feet": "foot", **{f"{part}s": part for part in LIMB_PARTS if part != "foot"}}


class PoseError(ValueError):
    """Every problem found in a demonstration, each phrased for a coach."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Pose:
    trunk: float = 90.0
    spine: float = 0.0
    neck: float = 0.0
    shoulder: float = 0.0
    elbow: float = 0.0
    hip: float = 0.0
    knee: float = 0.0
    ankle: float = 0.0
    far_shoulder: float = 0.0
    far_elbow: float = 0.0
    far_hip: float = 0.0
    far_knee: float = 0.0
    far_ankle: float = 0.0
    contacts: tuple[tuple[str, str], ...] = ()
    facing: str = "side"
    anchor: str | None = None  # the part that keeps its place coming into this pose

    def angles(self) -> dict[str, float]:
        return {key: getattr(self, key) for key in ANGLE_KEYS + FAR_KEYS}

    def to_dict(self) -> dict:
        data: dict = dict(self.angles())
        for key in LIMB_KEYS:
            if data[f"far_{key}"] == data[key]:
                del data[f"far_{key}"]
        data["contacts"] = dict(self.contacts)
        if self.facing != "side":
            data["facing"] = self.facing
        if self.anchor:
            data["anchor"] = self.anchor
        return data


def interpolate(a: Pose, b: Pose, u: float) -> Pose:
    values = {key: a.angles()[key] + (b.angles()[key] - a.angles()[key]) * u for key in a.angles()}
    return Pose(
        **values,
        contacts=a.contacts if u < 0.5 else b.contacts,
        facing=a.facing if u < 0.5 else b.facing,
        anchor=b.anchor,
    )


@dataclass(frozen=True)
class Demonstration:
    keyframes: tuple[Pose, ...]
    props: tuple[str, ...] = ()
    side: str | None = None  # "right" when the exercise is done one side at a time
    cycle_seconds: float | None = None

    def to_dict(self) -> dict:
        data: dict = {
            "props": list(self.props),
            "keyframes": [pose.to_dict() for pose in self.keyframes],
        }
        if self.side:
            data["side"] = self.side
        if self.cycle_seconds:
            data["cycle_seconds"] = self.cycle_seconds
        return data


def frame_name(index: int, count: int) -> str:
    if index == 0:
        return "start"
    if index == count - 1:
        return "end"
    return "middle" if count == 3 else f"keyframe {index + 1}"


def _number(value, where: str, key: str, errors: list[str]) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(f"{where}: {key} must be a number of degrees, not {value!r}.")
        return None
    return float(value)


def contact_part_valid(part: str) -> bool:
    if part in TRUNK_PARTS:
        return True
    bare = part.removeprefix("far_")
    if bare in LIMB_PARTS:
        return True
    return part in PLURALS


def parse_pose(data, *, where: str, errors: list[str]) -> Pose | None:
    if not isinstance(data, dict):
        errors.append(f"{where}: a pose must be an object of joint angles.")
        return None
    known = set(ANGLE_KEYS + FAR_KEYS + ("contacts", "facing", "anchor"))
    for key in data:
        if key not in known:
            errors.append(f"{where}: unknown key {key!r}.")
    values: dict[str, float] = {}
    for key in ANGLE_KEYS:
        default = 90.0 if key == "trunk" else 0.0
        number = _number(data.get(key, default), where, key, errors)
        values[key] = default if number is None else number
    for key in LIMB_KEYS:
        far = f"far_{key}"
        number = _number(data.get(far, values[key]), where, far, errors)
        values[far] = values[key] if number is None else number
    contacts_raw = data.get("contacts", {})
    contacts: list[tuple[str, str]] = []
    if not isinstance(contacts_raw, dict):
        errors.append(
            f'{where}: contacts must map a body part to a surface, e.g. {{"feet": "floor"}}.'
        )
    else:
        for part, surface in contacts_raw.items():
            if not contact_part_valid(part):
                errors.append(f"{where}: {part!r} is not a body part the figure can rest on.")
            elif surface not in SURFACES:
                errors.append(
                    f"{where}: {part} rests on {surface!r}; choose one of {', '.join(SURFACES)}."
                )
            else:
                contacts.append((part, surface))
    if not contacts:
        errors.append(
            f"{where}: say which parts rest on something (for example feet on the floor)."
        )
    facing = data.get("facing", "side")
    if facing not in FACINGS:
        errors.append(f"{where}: facing must be 'side' or 'camera'.")
        facing = "side"
    anchor = data.get("anchor")
    if anchor is not None and anchor not in dict(contacts):
        errors.append(
            f"{where}: the anchor {anchor!r} must be one of the parts resting on something."
        )
        anchor = None
    return Pose(**values, contacts=tuple(contacts), facing=facing, anchor=anchor)


def range_problems(demo: Demonstration) -> list[str]:
    """Every joint beyond its range, named with the range (far limbs only where they differ)."""
    problems: list[str] = []
    count = len(demo.keyframes)
    for index, pose in enumerate(demo.keyframes):
        where = f"Keyframe {index + 1} ({frame_name(index, count)})"
        angles = pose.angles()
        for key, value in angles.items():
            if key.startswith("far_") and value == angles[key.removeprefix("far_")]:
                continue  # the same as the near side, already checked
            low, high, label = RANGES[key.removeprefix("far_")]
            if not low <= value <= high:
                side = "far " if key.startswith("far_") else ""
                problems.append(
                    f"{where}: {side}{label} {value:g}° is beyond its range ({low:g}° to {high:g}°)."
                )
    return problems


def parse_demonstration(data, *, check_ranges: bool = True) -> Demonstration:
    """Build a Demonstration from JSON data, or raise PoseError listing every problem.

    Geometry checks (a part that should rest on the floor floating above it) live in
    `geometry.check_contacts`; `geometry.validate_demonstration` runs both.
    """
    errors: list[str] = []
    if not isinstance(data, dict):
        raise PoseError(["Poses must be an object with a list of keyframes."])
    for key in data:
        if key not in ("keyframes", "props", "side", "cycle_seconds"):
            errors.append(f"Unknown key {key!r}.")
    raw_frames = data.get("keyframes")
    if not isinstance(raw_frames, list) or not 2 <= len(raw_frames) <= 4:
        raise PoseError([*errors, "Give a start and an end pose (and a middle one if needed)."])
    props = data.get("props", [])
    if not isinstance(props, list) or any(p not in PROPS for p in props):
        errors.append(f"Props must be a list drawn from: {', '.join(PROPS)}.")
        props = []
    side = data.get("side")
    if side not in (None, "right", "left"):
        errors.append("side must be 'right', 'left' or left out.")
        side = None
    cycle = data.get("cycle_seconds")
    if cycle is not None and (
        isinstance(cycle, bool) or not isinstance(cycle, int | float) or not 3 <= cycle <= 20
    ):
        errors.append("cycle_seconds must be between 3 and 20.")
        cycle = None
    poses = []
    for index, raw in enumerate(raw_frames):
        where = f"Keyframe {index + 1} ({frame_name(index, len(raw_frames))})"
        pose = parse_pose(raw, where=where, errors=errors)
        if pose is not None:
            poses.append(pose)
    if errors:
        raise PoseError(errors)
    demo = Demonstration(
        keyframes=tuple(poses),
        props=tuple(dict.fromkeys(props)),
        side=side,
        cycle_seconds=float(cycle) if cycle else None,
    )
    if check_ranges and (problems := range_problems(demo)):
        raise PoseError(problems)
    return demo
