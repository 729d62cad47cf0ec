"""A still figure as PNG (for emails, where SVG and CSS animation are not shown), drawn with Pillow
from the same geometry and colours as the SVG."""

import io
import math

from PIL import Image, ImageDraw

from exercises.figures import svg
from exercises.figures.geometry import HEAD_R, Placed, Point, place, place_props
from exercises.figures.pose import Demonstration

SCALE = 2.0
BACKGROUND = "#faf7f2"


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def render_png(demo: Demonstration, index: int | None = None) -> bytes:
    """The keyframe `index` (default: the last, the pose a card shows) as a PNG."""
    placed = place(demo)
    props = place_props(demo, placed)
    frame = placed[len(placed) - 1 if index is None else index]
    xs = [x for f in placed for x, _ in f.points.values()]
    top = max(y for f in placed for _, y in f.points.values()) + HEAD_R + 10
    if props.bar:
        top = max(top, props.bar[1] + 16)
    centre = (min(xs) + max(xs)) / 2
    width = max(svg.FRAME_W, max(xs) - min(xs) + 40)
    left, bottom = centre - width / 2, svg.Y_LOW
    scale = SCALE
    size = (round(width * scale), round((top - bottom) * scale))
    image = Image.new("RGB", size, _rgb(BACKGROUND))
    draw = ImageDraw.Draw(image)

    def at(point: Point) -> tuple[float, float]:
        return (point[0] - left) * scale, (top - point[1]) * scale

    def line(a: Point, b: Point, width: float, colour: str) -> None:
        start, end = at(a), at(b)
        w = width * scale
        draw.line([start, end], fill=_rgb(colour), width=round(w))
        for x, y in (start, end):  # round caps, as in the SVG
            draw.ellipse([x - w / 2, y - w / 2, x + w / 2, y + w / 2], fill=_rgb(colour))

    if props.mat:
        a, b = props.mat
        (x0, y0), (x1, y1) = at((a, 0)), at((b, -5))
        draw.rounded_rectangle([x0, y0, x1, y1], radius=2.5 * scale, fill=_rgb(svg.MAT))
    draw.line(
        [at((left, -5)), at((left + width, -5))], fill=_rgb(svg.FLOOR), width=round(2 * scale)
    )
    _props(draw, props, at, line)
    _body(frame, line, draw, at, worked=bool(demo.side))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _props(draw: ImageDraw.ImageDraw, props, at, line) -> None:
    if props.wall:
        x, side = props.wall
        a = x if side == "front" else x - 10
        (x0, y0), (x1, y1) = at((a, svg.Y_HIGH)), at((a + 10, -5))
        draw.rectangle([x0, y0, x1, y1], fill=_rgb(svg.PROP_FILL), outline=_rgb(svg.PROP_LINE))
    if props.chair:
        x, seat, kind = props.chair
        if kind == "seat":
            back, front = x - 20, x + 16
            line((back, seat + 46), (back, -5), 4, svg.PROP_LINE)
            line((back, seat), (front, seat), 4, svg.PROP_LINE)
            line((front, seat), (front, -5), 4, svg.PROP_LINE)
        else:
            line((x, seat), (x, -5), 4, svg.PROP_LINE)
            line((x, 44), (x + 34, 44), 4, svg.PROP_LINE)
            line((x + 34, 44), (x + 34, -5), 4, svg.PROP_LINE)
    if props.bar:
        bx, by = props.bar
        line((bx - 34, by), (bx + 34, by), 5, svg.PROP_LINE)
    if props.bench:
        (cx, cy), (ax, ay) = props.bench
        line((cx, cy), (cx + 6, -5), 4, svg.PROP_LINE)
        line((cx, cy), (ax, ay - 9), 4, svg.PROP_LINE)
        x, y = at((cx, cy))
        s = 7 * SCALE
        draw.ellipse(
            [x - s, y - s, x + s, y + s], fill=_rgb(svg.PROP_FILL), outline=_rgb(svg.PROP_LINE)
        )
    if props.roller:
        (rx, ry), r = props.roller
        x, y = at((rx, ry))
        s = r * SCALE
        draw.ellipse(
            [x - s, y - s, x + s, y + s], fill=_rgb(svg.PROP_FILL), outline=_rgb(svg.PROP_LINE)
        )


def _body(frame: Placed, line, draw: ImageDraw.ImageDraw, at, *, worked: bool) -> None:
    p = frame.points
    near = svg.WORKED if worked else svg.TEAL
    w = svg.WIDTH
    for prefix, colour in (("f", svg.FAR),):
        line(p["S"], p[prefix + "E"], w["upper_arm"], colour)
        line(p[prefix + "E"], p[prefix + "W"], w["forearm"], colour)
        line(p["P"], p[prefix + "K"], w["thigh"], colour)
        line(p[prefix + "K"], p[prefix + "A"], w["shin"], colour)
        line(p[prefix + "A"], p[prefix + "T"], w["foot"], colour)
    line(p["P"], p["M"], w["trunk"], svg.TEAL)
    line(p["M"], p["S"], w["trunk"], svg.TEAL)
    hx, hy = at(p["H"])
    r = HEAD_R * SCALE
    draw.ellipse([hx - r, hy - r, hx + r, hy + r], fill=_rgb(svg.TEAL))
    pose = frame.pose
    head = math.radians(pose.trunk - pose.spine / 2 - pose.neck)
    front = head - math.pi / 2
    offsets = (-4.0, 4.0) if pose.facing == "camera" else (0.0,)
    for side in offsets:
        along, across = 2.0, 5.0 if not side else 0.0
        ex = (
            p["H"][0]
            + along * math.cos(head)
            + across * math.cos(front)
            + side * math.cos(head + math.pi / 2)
        )
        ey = (
            p["H"][1]
            + along * math.sin(head)
            + across * math.sin(front)
            + side * math.sin(head + math.pi / 2)
        )
        x, y = at((ex, ey))
        e = 1.8 * SCALE
        draw.ellipse([x - e, y - e, x + e, y + e], fill=_rgb(svg.EYE))
    line(p["P"], p["K"], w["thigh"], near)
    line(p["K"], p["A"], w["shin"], near)
    line(p["A"], p["T"], w["foot"], near)
    line(p["S"], p["E"], w["upper_arm"], near)
    line(p["E"], p["W"], w["forearm"], near)
