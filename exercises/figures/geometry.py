"""Where the body is: joints from angles, resting it on its supports, props, checks, position.

Coordinates are centimetres-ish (the figure stands about 165 tall), y points up, the floor is y = 0.
"""

import math
from dataclasses import dataclass

from exercises.figures.pose import (
    PLURALS,
    Demonstration,
    Pose,
    PoseError,
    frame_name,
    interpolate,
    parse_demonstration,
    range_problems,
)

# Same proportions everywhere.
LOWER_TRUNK = 24.0
UPPER_TRUNK = 26.0
NECK = 6.0
HEAD_R = 10.0
UPPER_ARM = 28.0
FOREARM = 26.0
THIGH = 42.0
SHIN = 40.0
FOOT = 14.0
BAR_Y = 200.0
TOLERANCE = 5.0
HEAD_FORWARD = (
    3.0  # the face sits forward of the neck line, the back of the head in line with the back
)

RADIUS = {
    "P": 7.0,
    "M": 7.0,
    "S": 6.0,
    "U": 7.0,
    "H": HEAD_R,
    "E": 4.0,
    "W": 4.0,
    "K": 5.0,
    "A": 4.0,
    "T": 3.0,
}

PART_POINTS = {
    "head": ("H",),
    "trunk": ("P", "M", "U", "S"),
    "upper_back": ("U",),
    "pelvis": ("P",),
    "hand": ("W",),
    "forearm": ("E", "W"),
    "elbow": ("E",),
    "knee": ("K",),
    "shin": ("K", "A"),
    "foot": ("A", "T"),
    "toe": ("T",),
    "heel": ("A",),
}
# Which part keeps its place between keyframes (a planted foot stays planted).
ANCHOR_ORDER = (
    "foot",
    "heel",
    "toe",
    "knee",
    "shin",
    "hand",
    "forearm",
    "elbow",
    "pelvis",
    "trunk",
    "head",
)

Point = tuple[float, float]


def _dir(angle: float) -> Point:
    rad = math.radians(angle)
    return math.cos(rad), math.sin(rad)


def _step(origin: Point, angle: float, length: float) -> Point:
    dx, dy = _dir(angle)
    return origin[0] + dx * length, origin[1] + dy * length


def skeleton(pose: Pose) -> dict[str, Point]:
    """Joint positions with the pelvis at the origin. Far-side joints are prefixed 'f'."""
    trunk = pose.trunk
    lower = trunk + pose.spine / 2
    upper = trunk - pose.spine / 2
    points: dict[str, Point] = {"P": (0.0, 0.0)}
    points["M"] = _step(points["P"], lower, LOWER_TRUNK)
    points["S"] = _step(points["M"], upper, UPPER_TRUNK)
    points["U"] = _step(points["M"], upper, UPPER_TRUNK / 2)
    head = upper - pose.neck
    points["H"] = _step(_step(points["S"], head, NECK + HEAD_R), head - 90, HEAD_FORWARD)
    for prefix, shoulder, elbow, hip, knee, ankle in (
        ("", pose.shoulder, pose.elbow, pose.hip, pose.knee, pose.ankle),
        ("f", pose.far_shoulder, pose.far_elbow, pose.far_hip, pose.far_knee, pose.far_ankle),
    ):
        arm = trunk + 180 + shoulder
        points[prefix + "E"] = _step(points["S"], arm, UPPER_ARM)
        points[prefix + "W"] = _step(points[prefix + "E"], arm + elbow, FOREARM)
        thigh = trunk + 180 + hip
        shin = thigh - knee
        points[prefix + "K"] = _step(points["P"], thigh, THIGH)
        points[prefix + "A"] = _step(points[prefix + "K"], shin, SHIN)
        points[prefix + "T"] = _step(points[prefix + "A"], shin + 90 - ankle, FOOT)
    return points


def radius(name: str) -> float:
    return RADIUS[name.removeprefix("f")] if len(name) == 2 else RADIUS[name]


def part_points(part: str) -> tuple[str, ...]:
    """'hand' -> near hand, 'far_hand' -> far hand, 'hands' -> both."""
    if part in PART_POINTS:
        return PART_POINTS[part]
    if part.startswith("far_"):
        return tuple("f" + n for n in PART_POINTS[part.removeprefix("far_")])
    single = PLURALS[part]
    return PART_POINTS[single] + tuple("f" + n for n in PART_POINTS[single])


def bottom(points: dict[str, Point], names: tuple[str, ...]) -> float:
    return min(points[n][1] - radius(n) for n in names)


def _anchor(a: Pose, b: Pose) -> str | None:
    """The part resting on the same surface in both poses that keeps its place."""
    shared = {part for part, surface in a.contacts if (part, surface) in set(b.contacts)}
    if b.anchor:
        return b.anchor
    for base in ANCHOR_ORDER:
        plural = "feet" if base == "foot" else base + "s"
        for part in (plural, base, "far_" + base):
            if part in shared:
                return part
    return None


def _bar_parts(pose: Pose) -> list[str]:
    return [n for part, surface in pose.contacts if surface == "bar" for n in part_points(part)]


def bar_height(demo: Demonstration) -> float:
    """A bar the first frame stands under sits at its hands; otherwise at a fixed height."""
    first = demo.keyframes[0]
    surfaces = {surface for _, surface in first.contacts}
    if "bar" in surfaces and "floor" in surfaces:
        standing = place_pose(first, anchor=None, anchor_x=None, bar_y=None)
        return max(standing.points[n][1] for n in _bar_parts(first))
    return BAR_Y


@dataclass(frozen=True)
class Placed:
    pose: Pose
    points: dict[str, Point]

    @property
    def pelvis(self) -> Point:
        return self.points["P"]


def _shift(points: dict[str, Point], dx: float, dy: float) -> dict[str, Point]:
    return {name: (x + dx, y + dy) for name, (x, y) in points.items()}


def place_pose(
    pose: Pose,
    *,
    anchor: str | None,
    anchor_x: float | None,
    bar_y: float | None,
    pelvis_x: float = 0.0,
) -> Placed:
    raw = skeleton(pose)
    hands = _bar_parts(pose)
    if hands and bar_y is not None:
        dy = bar_y - max(raw[n][1] for n in hands)
    else:
        dy = -min(y - radius(n) for n, (x, y) in raw.items())
    if anchor is not None and anchor_x is not None:
        dx = anchor_x - raw[part_points(anchor)[0]][0]
    else:
        dx = pelvis_x - raw["P"][0]
    return Placed(pose=pose, points=_shift(raw, dx, dy))


def place(demo: Demonstration) -> list[Placed]:
    """Each keyframe rested on its supports; a part resting in two frames keeps its place."""
    bar_y = bar_height(demo)
    placed: list[Placed] = [place_pose(demo.keyframes[0], anchor=None, anchor_x=None, bar_y=bar_y)]
    for previous, pose in zip(demo.keyframes, demo.keyframes[1:], strict=False):
        anchor = _anchor(previous, pose)
        last = placed[-1]
        anchor_x = last.points[part_points(anchor)[0]][0] if anchor else None
        placed.append(
            place_pose(pose, anchor=anchor, anchor_x=anchor_x, bar_y=bar_y, pelvis_x=last.pelvis[0])
        )
    return placed


def between(demo: Demonstration, placed: list[Placed], index: int, u: float) -> Placed:
    """The body a fraction u of the way from keyframe `index` to the next, rested on its supports."""
    a, b = demo.keyframes[index], demo.keyframes[index + 1]
    pose = interpolate(a, b, u)
    anchor = _anchor(a, b)
    bar_y = bar_height(demo)
    if anchor is not None:
        anchor_x = placed[index].points[part_points(anchor)[0]][0]
        return place_pose(pose, anchor=anchor, anchor_x=anchor_x, bar_y=bar_y)
    pelvis_x = placed[index].pelvis[0] + (placed[index + 1].pelvis[0] - placed[index].pelvis[0]) * u
    return place_pose(pose, anchor=None, anchor_x=None, bar_y=bar_y, pelvis_x=pelvis_x)


# --- props -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Props:
    """Where each prop sits (from the first keyframe that touches it)."""

    chair: tuple[float, float, str] | None = (
        None  # (x of the seat's front edge or back, seat top, "seat"/"back")
    )
    wall: tuple[float, str] | None = None  # (x, "front"/"behind")
    bar: Point | None = None
    bench: tuple[Point, Point] | None = None  # (pad centre, foot anchor)
    roller: tuple[Point, float] | None = None
    mat: tuple[float, float] | None = None
    band: bool = False
    weights: bool = False


def _first_with(
    demo: Demonstration, placed: list[Placed], surface: str
) -> tuple[Placed, list[str]] | None:
    for frame in placed:
        parts = [part for part, s in frame.pose.contacts if s == surface]
        if parts:
            return frame, parts
    return None


def place_props(demo: Demonstration, placed: list[Placed]) -> Props:
    values: dict = {"band": "band" in demo.props, "weights": "weights" in demo.props}
    if "chair" in demo.props:
        found = _first_with(demo, placed, "chair")
        if found:
            frame, parts = found
            if "pelvis" in parts:
                x, y = frame.points["P"]
                values["chair"] = (x, y - radius("P"), "seat")
            else:
                names = [n for part in parts for n in part_points(part)]
                x = min(frame.points[n][0] for n in names)
                top = max(frame.points[n][1] - radius(n) for n in names)
                values["chair"] = (x, top, "back")
        else:
            values["chair"] = (placed[0].points["W"][0] + 10, 80.0, "back")
    if "wall" in demo.props:
        found = _first_with(demo, placed, "wall")
        if found:
            frame, parts = found
            names = [n for part in parts for n in part_points(part)]
            if all(part in ("trunk", "pelvis", "head") for part in parts):
                values["wall"] = (min(frame.points[n][0] - radius(n) for n in names), "behind")
            else:
                values["wall"] = (max(frame.points[n][0] + radius(n) for n in names), "front")
        else:
            frame = placed[0]
            values["wall"] = (min(x for x, _ in frame.points.values()) - 16, "behind")
    if "bar" in demo.props:
        frame = placed[0]
        values["bar"] = (frame.points["W"][0], bar_height(demo))
    if "bench" in demo.props:
        frame = placed[0]
        px, py = frame.points["P"]
        fx, fy = _dir(frame.pose.trunk - 90)  # the way the figure's front faces
        pad = (px + fx * 12, py + fy * 12)
        values["bench"] = (pad, frame.points["A"])
    if "roller" in demo.props:
        frame = placed[0]
        mx, my = frame.points["U"]
        r = max(4.0, min(10.0, (my - radius("U")) / 2))
        values["roller"] = ((mx, r), r)
    if "mat" in demo.props:
        xs = [x for frame in placed for x, _ in frame.points.values()]
        values["mat"] = (min(xs) - 12, max(xs) + 12)
    return Props(**values)


# --- checks ------------------------------------------------------------------------------


def _surface_gap(frame: Placed, names: tuple[str, ...], surface: str, props: Props) -> float | None:
    points = frame.points
    if surface == "floor":
        return bottom(points, names)
    if surface == "chair" and props.chair:
        x, top, kind = props.chair
        return bottom(points, names) - top
    if surface == "wall" and props.wall:
        x, side = props.wall
        if side == "front":
            return x - max(points[n][0] + radius(n) for n in names)
        return min(points[n][0] - radius(n) for n in names) - x
    if surface == "bar" and props.bar:
        return max(abs(points[n][1] - props.bar[1]) for n in names)
    if surface == "bench" and props.bench:
        (cx, cy), _ = props.bench
        return min(math.dist(points[n], (cx, cy)) - radius(n) - 6 for n in names)
    if surface == "roller" and props.roller:
        (cx, cy), r = props.roller
        return min(math.dist(points[n], (cx, cy)) - radius(n) - r for n in names)
    return None


SURFACE_PROP = {
    "chair": "chair",
    "wall": "wall",
    "bar": "bar",
    "bench": "bench",
    "roller": "roller",
}


def check_contacts(demo: Demonstration) -> list[str]:
    """A part said to rest on something must touch it; nothing may sink into the floor."""
    errors: list[str] = []
    placed = place(demo)
    props = place_props(demo, placed)
    count = len(placed)
    for index, frame in enumerate(placed):
        where = f"Keyframe {index + 1} ({frame_name(index, count)})"
        lowest = min(y - radius(n) for n, (x, y) in frame.points.items())
        if lowest < -TOLERANCE:
            errors.append(f"{where}: the body goes {-lowest:.0f} cm below the floor.")
        for part, surface in frame.pose.contacts:
            prop = SURFACE_PROP.get(surface)
            if prop and prop not in demo.props:
                errors.append(
                    f"{where}: {part} rests on the {surface}, so add the {surface} to props."
                )
                continue
            names = part_points(part)
            gap = _surface_gap(frame, names, surface, props)
            if gap is None:
                continue
            label = part.replace("_", " ")
            if gap > TOLERANCE:
                errors.append(
                    f"{where}: the {label} should rest on the {surface} but float {gap:.0f} cm away from it."
                )
            elif gap < -TOLERANCE * 2 and surface != "floor":
                errors.append(f"{where}: the {label} sink {-gap:.0f} cm into the {surface}.")
    return errors


def validate_demonstration(data) -> Demonstration:
    """Parse and check a demonstration; raise PoseError with every problem found."""
    demo = parse_demonstration(data, check_ranges=False)
    errors = range_problems(demo) + check_contacts(demo)
    if errors:
        raise PoseError(errors)
    return demo


# --- what position the figure shows ------------------------------------------------------

POSITIONS = ("lying", "kneeling", "all_fours", "sitting", "standing", "hanging")


def shown_index(demo: Demonstration, *, is_hold: bool) -> int:
    """The keyframe that represents the exercise: the held pose for holds, else the start."""
    return len(demo.keyframes) - 1 if is_hold else 0


def trunk_incline(points: dict[str, Point]) -> float:
    (px, py), (sx, sy) = points["P"], points["S"]
    return abs(math.degrees(math.atan2(sy - py, abs(sx - px) or 1e-9)))


def facing(pose: Pose) -> str:
    """'up', 'down' or 'camera': the way the chest faces."""
    if pose.facing == "camera":
        return "camera"
    _, fy = _dir(pose.trunk - 90)
    if fy > 0.3:
        return "up"
    if fy < -0.3:
        return "down"
    return "forward"


def classify_position(frame: Placed, props: Props) -> str:
    points, pose = frame.points, frame.pose

    def on_floor(name: str) -> bool:
        return points[name][1] - radius(name) <= TOLERANCE

    incline = trunk_incline(points)
    if props.bar is not None:
        hands_at_bar = any(abs(points[n][1] - props.bar[1]) <= TOLERANCE for n in ("W", "fW"))
        if hands_at_bar and min(points["W"][1], points["fW"][1]) > points["H"][1]:
            return "hanging"
    knees = [
        k for k, knee in (("K", pose.knee), ("fK", pose.far_knee)) if on_floor(k) and knee >= 60
    ]
    hands_down = any(on_floor(n) for n in ("W", "fW", "E", "fE"))
    folded = max(pose.hip, pose.far_hip) >= 120  # sitting back on the heels
    if (
        knees
        and hands_down
        and incline < 35
        and any(50 <= h <= 120 for h in (pose.hip, pose.far_hip))
    ):
        return "all_fours"
    if knees and (incline >= 45 or folded):
        return "kneeling"
    pelvis_supported = on_floor("P") or (
        props.chair is not None
        and props.chair[2] == "seat"
        and abs(points["P"][1] - radius("P") - props.chair[1]) <= TOLERANCE
    )
    if pelvis_supported and incline >= 45:
        return "sitting"
    if props.bench is not None and incline < 50:
        return "lying"
    feet_down = any(on_floor(n) for n in ("A", "T", "fA", "fT"))
    if feet_down and points["P"][1] > 60 and not knees:
        return "standing"
    if incline < 45:
        return "lying"
    return "unknown"


def shown_position(demo: Demonstration, *, is_hold: bool) -> tuple[str, str]:
    """(position, facing) of the pose that represents the exercise."""
    placed = place(demo)
    props = place_props(demo, placed)
    frame = placed[shown_index(demo, is_hold=is_hold)]
    return classify_position(frame, props), facing(frame.pose)
