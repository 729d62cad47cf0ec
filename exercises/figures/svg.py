"""SVG drawings of a demonstration: still poses, an animated loop, and the loop's stylesheet.

No inline styles anywhere (the site's CSP forbids them): colours and widths are SVG presentation
attributes; the motion is a CSS animation in a stylesheet served as a file (see
`figure_stylesheet`), which animates only the `transform` of named joint groups.
"""

import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from exercises.figures.geometry import (
    FOOT,
    FOREARM,
    HEAD_FORWARD,
    HEAD_R,
    LOWER_TRUNK,
    NECK,
    SHIN,
    THIGH,
    UPPER_ARM,
    UPPER_TRUNK,
    Placed,
    Props,
    between,
    place,
    place_props,
)
from exercises.figures.pose import Demonstration

TEAL = "#0f766e"
FAR = "#8cc5bd"
WORKED = "#c2570c"
EYE = "#ffffff"
PROP_LINE = "#64748b"
PROP_FILL = "#e2e8f0"
FLOOR = "#cbd5e1"
MAT = "#cfe8e4"
BAND = "#d97706"

FRAME_W = 260.0
Y_LOW, Y_HIGH = -14.0, 222.0

WIDTH = {
    "trunk": 14,
    "neck": 8,
    "upper_arm": 8,
    "forearm": 7,
    "thigh": 11,
    "shin": 9,
    "foot": 6,
}


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if text in ("-0.0", "0.0") else text.removesuffix(".0")


# --- joint values: the numbers each nested group rotates or moves by ------------------------


def joint_values(frame: Placed) -> dict[str, tuple[float, ...]]:
    pose = frame.pose
    px, py = frame.pelvis
    return {
        "root": (px, py, pose.trunk),
        "spine1": (pose.spine / 2,),
        "spine2": (-pose.spine,),
        "neck": (-pose.neck,),
        "sh-n": (180 + pose.shoulder + pose.spine / 2,),
        "el-n": (pose.elbow,),
        "sh-f": (180 + pose.far_shoulder + pose.spine / 2,),
        "el-f": (pose.far_elbow,),
        "hip-n": (180 + pose.hip,),
        "kn-n": (-pose.knee,),
        "an-n": (90 - pose.ankle,),
        "hip-f": (180 + pose.far_hip,),
        "kn-f": (-pose.far_knee,),
        "an-f": (90 - pose.far_ankle,),
    }


def _attr_transform(joint: str, values: tuple[float, ...]) -> str:
    if joint == "root":
        x, y, angle = values
        return f"translate({_n(x)} {_n(y)}) rotate({_n(angle)})"
    return f"rotate({_n(values[0])})"


def _css_transform(joint: str, values: tuple[float, ...]) -> str:
    if joint == "root":
        x, y, angle = values
        return f"translate({_n(x)}px, {_n(y)}px) rotate({_n(angle)}deg)"
    return f"rotate({_n(values[0])}deg)"


# --- the body --------------------------------------------------------------------------------


def _line(length: float, width: float, colour: str) -> str:
    return (
        f'<line x1="0" y1="0" x2="{_n(length)}" y2="0" stroke="{colour}" '
        f'stroke-width="{width}" stroke-linecap="round"/>'
    )


def _group(joint: str, values: dict, animated: bool, inner: str, *, move: float = 0.0) -> str:
    cls = f' class="j j-{joint}"' if animated else ""
    group = f'<g{cls} transform="{_attr_transform(joint, values[joint])}">{inner}</g>'
    if move:
        return f'<g transform="translate({_n(move)} 0)">{group}</g>'
    return group


def _weight() -> str:
    return (
        f'<g transform="translate({_n(FOREARM)} 0)">'
        f'<line x1="0" y1="-7" x2="0" y2="7" stroke="{PROP_LINE}" stroke-width="4" stroke-linecap="round"/>'
        f'<rect x="-4" y="-10" width="8" height="5" rx="1.5" fill="{PROP_LINE}"/>'
        f'<rect x="-4" y="5" width="8" height="5" rx="1.5" fill="{PROP_LINE}"/></g>'
    )


def _arm(side: str, values: dict, animated: bool, colour: str, weights: bool) -> str:
    forearm = _line(FOREARM, WIDTH["forearm"], colour) + (_weight() if weights else "")
    lower = _group(f"el-{side}", values, animated, forearm, move=UPPER_ARM)
    return _group(
        f"sh-{side}", values, animated, _line(UPPER_ARM, WIDTH["upper_arm"], colour) + lower
    )


def _leg(side: str, values: dict, animated: bool, colour: str) -> str:
    foot = _group(f"an-{side}", values, animated, _line(FOOT, WIDTH["foot"], colour), move=SHIN)
    shin = _group(
        f"kn-{side}", values, animated, _line(SHIN, WIDTH["shin"], colour) + foot, move=THIGH
    )
    return _group(f"hip-{side}", values, animated, _line(THIGH, WIDTH["thigh"], colour) + shin)


def _head(facing_camera: bool) -> str:
    centre = NECK + HEAD_R
    forward = -HEAD_FORWARD  # y is flipped: the front is -y in the head's frame
    eyes = (
        f'<circle cx="{_n(centre + 2)}" cy="{_n(forward - 4)}" r="1.7" fill="{EYE}"/>'
        f'<circle cx="{_n(centre + 2)}" cy="{_n(forward + 4)}" r="1.7" fill="{EYE}"/>'
        if facing_camera
        else f'<circle cx="{_n(centre + 2)}" cy="{_n(forward - 5)}" r="1.8" fill="{EYE}"/>'
    )
    return (
        _line(NECK + 2, WIDTH["neck"], TEAL)
        + f'<circle cx="{_n(centre)}" cy="{_n(forward)}" r="{_n(HEAD_R)}" fill="{TEAL}"/>'
        + eyes
    )


def body_svg(frame: Placed, *, animated: bool, worked: bool, breathing: bool, weights: bool) -> str:
    """The figure as nested groups in y-up coordinates (the caller flips the y axis)."""
    values = joint_values(frame)
    near = WORKED if worked else TEAL
    camera = frame.pose.facing == "camera"
    breath = (
        f'<circle class="fig-breath" cx="{_n(LOWER_TRUNK * 0.7)}" cy="-10" r="6" fill="{TEAL}" opacity="0.22"/>'
        if breathing
        else ""
    )
    neck = _group("neck", values, animated, _head(camera))
    at_shoulders = f'<g transform="translate({_n(UPPER_TRUNK)} 0)">'
    upper_inner = (
        at_shoulders
        + _arm("f", values, animated, FAR, weights)
        + "</g>"
        + _line(UPPER_TRUNK, WIDTH["trunk"], TEAL)
        + at_shoulders
        + neck
        + _arm("n", values, animated, near, weights)
        + "</g>"
    )
    upper = f'<g transform="translate({_n(LOWER_TRUNK)} 0)">{_group("spine2", values, animated, upper_inner)}</g>'
    lower = _group(
        "spine1", values, animated, _line(LOWER_TRUNK, WIDTH["trunk"], TEAL) + breath + upper
    )
    inner = _leg("f", values, animated, FAR) + lower + _leg("n", values, animated, near)
    return _group("root", values, animated, inner)


# --- props -----------------------------------------------------------------------------------


def _props_svg(props: Props, x0: float, x1: float) -> str:
    parts: list[str] = []
    if props.mat:
        a, b = props.mat
        parts.append(
            f'<rect x="{_n(a)}" y="0" width="{_n(b - a)}" height="5" rx="2.5" fill="{MAT}"/>'
        )
    parts.append(
        f'<line x1="{_n(x0)}" y1="5" x2="{_n(x1)}" y2="5" stroke="{FLOOR}" stroke-width="2"/>'
    )
    line = f'stroke="{PROP_LINE}" stroke-linecap="round" fill="none"'
    if props.wall:
        x, side = props.wall
        left = x if side == "front" else x - 10
        parts.append(
            f'<rect x="{_n(left)}" y="{_n(-Y_HIGH)}" width="10" height="{_n(Y_HIGH + 5)}" '
            f'fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="1.5"/>'
        )
    if props.chair:
        x, top, kind = props.chair
        if kind == "seat":
            back, front = x - 20, x + 16
            parts.append(
                f'<path d="M{_n(back)} {_n(-top - 46)} L{_n(back)} 5 M{_n(back)} {_n(-top)} L{_n(front)} {_n(-top)} '
                f'L{_n(front)} 5" {line} stroke-width="4"/>'
            )
        else:
            seat = 44.0
            parts.append(
                f'<path d="M{_n(x)} {_n(-top)} L{_n(x)} 5 M{_n(x)} {_n(-seat)} L{_n(x + 34)} {_n(-seat)} '
                f'L{_n(x + 34)} 5" {line} stroke-width="4"/>'
            )
    if props.bar:
        bx, by = props.bar
        parts.append(
            f'<path d="M{_n(bx - 34)} {_n(-Y_HIGH)} L{_n(bx - 34)} {_n(-by)} L{_n(bx + 34)} {_n(-by)} '
            f'L{_n(bx + 34)} {_n(-Y_HIGH)}" {line} stroke-width="5"/>'
        )
    if props.bench:
        (cx, cy), (ax, ay) = props.bench
        parts.append(
            f'<path d="M{_n(cx)} {_n(-cy)} L{_n(cx + 6)} 5 M{_n(cx)} {_n(-cy)} L{_n(ax)} {_n(-ay + 9)} '
            f'L{_n(ax)} 5" {line} stroke-width="4"/>'
            f'<circle cx="{_n(cx)}" cy="{_n(-cy)}" r="7" fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="2"/>'
        )
    if props.roller:
        (rx, ry), r = props.roller
        parts.append(
            f'<circle cx="{_n(rx)}" cy="{_n(-ry)}" r="{_n(r)}" fill="{PROP_FILL}" stroke="{PROP_LINE}" stroke-width="2"/>'
        )
    return "".join(parts)


def _band_d(frame: Placed) -> str:
    ax, ay = frame.points["A"]
    tx, ty = frame.points["T"]
    wx, wy = frame.points["W"]
    fx, fy = (ax + tx) / 2, min(ay, ty) - 3
    return f"M{_n(fx)} {_n(-fy)} L{_n(wx)} {_n(-wy)}"


# --- scenes ----------------------------------------------------------------------------------


def _ease(s: float) -> float:
    return (1 - math.cos(math.pi * s)) / 2


@dataclass(frozen=True)
class Scene:
    demo: Demonstration
    placed: list[Placed]
    props: Props
    samples: list[tuple[float, Placed]]
    x_centre: float
    cycle: float
    is_hold: bool


def _timeline(
    demo: Demonstration, placed: list[Placed], *, is_hold: bool
) -> list[tuple[float, Placed]]:
    """(time 0..1, body) samples: eased moves between keyframes, a pause at each keyframe.

    Reps go start → end and back; holds move into the held pose, stay (breathing), and return.
    """
    transitions = len(placed) - 1
    steps = 6
    samples: list[tuple[float, Placed]] = []
    go, back = ((0.0, 0.22), (0.8, 1.0)) if is_hold else ((0.0, 0.5), (0.5, 1.0))
    for (start, end), reverse in ((go, False), (back, True)):
        span = (end - start) / transitions
        dwell = 0.02 if is_hold else span * 0.12
        order = range(transitions - 1, -1, -1) if reverse else range(transitions)
        for slot, index in enumerate(order):
            t0 = start + slot * span + dwell
            for step in range(steps + 1):
                s = step / steps
                u = _ease(s)
                frame = between(demo, placed, index, 1 - u if reverse else u)
                samples.append((t0 + s * (span - 2 * dwell), frame))
    samples = [(0.0, samples[0][1]), *samples, (1.0, samples[-1][1])]
    return samples


@lru_cache(maxsize=256)
def scene(demo: Demonstration, *, is_hold: bool) -> Scene:
    """Placed keyframes, props and animation samples (cached: a Demonstration is immutable)."""
    placed = place(demo)
    props = place_props(demo, placed)
    samples = _timeline(demo, placed, is_hold=is_hold)
    xs = [x for _, frame in samples for x, _ in frame.points.values()]
    xs += [x for frame in placed for x, _ in frame.points.values()]
    if props.wall:
        xs.append(props.wall[0])
    if props.chair:
        xs += [props.chair[0] - 22, props.chair[0] + 36]
    if props.bench:
        xs.append(props.bench[0][0])
    cycle = demo.cycle_seconds or (8.0 if is_hold else 3.0 * 2 * (len(placed) - 1))
    return Scene(
        demo=demo,
        placed=placed,
        props=props,
        samples=samples,
        x_centre=(min(xs) + max(xs)) / 2,
        cycle=cycle,
        is_hold=is_hold,
    )


def _viewbox(sc: Scene) -> str:
    """A fixed width (the same scale for every exercise); the height fits the tallest frame."""
    points = [p for _, frame in sc.samples for p in frame.points.values()]
    xs = [x for x, _ in points]
    top = max(y for _, y in points) + HEAD_R + 10
    if sc.props.bar:
        top = max(top, sc.props.bar[1] + 16)
    if sc.props.wall or sc.props.chair:
        top = max(top, 120.0)
    top = min(max(top, 96.0), Y_HIGH)
    width = max(FRAME_W, max(xs) - min(xs) + 40)
    return f"{_n(sc.x_centre - width / 2)} {_n(-top)} {_n(width)} {_n(top - Y_LOW)}"


def _svg(sc: Scene, frame: Placed, *, css_class: str, label: str, animated: bool) -> str:
    demo = sc.demo
    xs = sc.x_centre - 400, sc.x_centre + 400
    body = body_svg(
        frame,
        animated=animated,
        worked=bool(demo.side),
        breathing=animated and sc.is_hold,
        weights="weights" in demo.props,
    )
    band = ""
    if "band" in demo.props:
        cls = ' class="fig-band"' if animated else ""
        band = (
            f'<path{cls} d="{_band_d(frame)}" stroke="{BAND}" stroke-width="3" '
            f'stroke-linecap="round" fill="none"/>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figure-svg {css_class}" viewBox="{_viewbox(sc)}" '
        f'role="img" aria-label="{escape(label)}" focusable="false">'
        f"{_props_svg(sc.props, *xs)}"
        f'<g transform="scale(1 -1)">{body}</g>{band}</svg>'
    )


def render_still(
    demo: Demonstration, index: int, *, label: str, is_hold: bool, css_class: str = ""
) -> str:
    sc = scene(demo, is_hold=is_hold)
    return _svg(
        sc,
        sc.placed[index],
        css_class=f"figure-still {css_class}".strip(),
        label=label,
        animated=False,
    )


def render_shown(demo: Demonstration, *, label: str, is_hold: bool, css_class: str = "") -> str:
    """The one pose a card shows: the end keyframe (the held pose, or where a rep goes)."""
    last = len(demo.keyframes) - 1
    return render_still(demo, last, label=label, is_hold=is_hold, css_class=css_class)


def render_animated(demo: Demonstration, *, css_class: str, label: str, is_hold: bool) -> str:
    sc = scene(demo, is_hold=is_hold)
    return _svg(
        sc, sc.placed[0], css_class=f"figure-anim-svg {css_class}", label=label, animated=True
    )


def render_pair(demo: Demonstration, *, label: str, is_hold: bool) -> tuple[str, str]:
    """Start and end poses (for reduced motion: shown side by side with an arrow)."""
    sc = scene(demo, is_hold=is_hold)
    last = len(sc.placed) - 1
    return (
        _svg(sc, sc.placed[0], css_class="figure-still", label=f"Start: {label}", animated=False),
        _svg(sc, sc.placed[last], css_class="figure-still", label=f"End: {label}", animated=False),
    )


def figure_stylesheet(demo: Demonstration, *, css_class: str, is_hold: bool) -> str:
    """CSS keyframes that move this exercise's joints; only joints that move get an animation."""
    sc = scene(demo, is_hold=is_hold)
    rules = [f".{css_class} .j, .{css_class} .fig-band {{ animation-duration: {_n(sc.cycle)}s; }}"]
    series: dict[str, list[tuple[float, str]]] = {}
    for t, frame in sc.samples:
        for joint, values in joint_values(frame).items():
            series.setdefault(joint, []).append((t, _css_transform(joint, values)))
        if "band" in demo.props:
            series.setdefault("band", []).append((t, f'path("{_band_d(frame)}")'))
    for joint, points in series.items():
        if len({value for _, value in points}) == 1:
            continue
        name = f"{css_class}-{joint}"
        selector = f".{css_class} .fig-band" if joint == "band" else f".{css_class} .j-{joint}"
        prop = "d" if joint == "band" else "transform"
        rules.append(f"{selector} {{ animation-name: {name}; }}")
        frames = " ".join(f"{_n(t * 100)}% {{ {prop}: {value}; }}" for t, value in points)
        rules.append(f"@keyframes {name} {{ {frames} }}")
    return "\n".join(rules) + "\n"
