"""The library's glue to the pure figure renderer: an exercise's figure, its label and stylesheet."""

import hashlib
import json
from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from exercises.figures import raster, svg
from exercises.figures.geometry import validate_demonstration
from exercises.figures.pose import ANGLE_KEYS, FAR_KEYS, Demonstration, PoseError

FIGURE_CACHE_SIZE = 512  # drawings (and parsed keyframes) kept per process


def demonstration_of(exercise) -> Demonstration | None:
    """The exercise's parsed keyframes, or None when it has none (or a stored one is invalid)."""
    cached = getattr(exercise, "_demonstration_cache", False)
    if cached is not False:
        return cached
    demo = None
    if exercise.demonstration:
        key = figure_version(exercise)
        demo = _demonstrations.get(key, False)
        if demo is False:
            try:
                demo = validate_demonstration(exercise.demonstration)
            except PoseError:
                demo = None
            if len(_demonstrations) >= FIGURE_CACHE_SIZE:
                _demonstrations.pop(next(iter(_demonstrations)))
            _demonstrations[key] = demo
    exercise._demonstration_cache = demo
    return demo


_demonstrations: dict[str, Demonstration | None] = {}  # parsed keyframes by figure_version


def is_hold(exercise) -> bool:
    return exercise.hold_seconds is not None


def css_class(exercise) -> str:
    return f"fx-{exercise.slug}"


def figure_version(exercise) -> str:
    payload = json.dumps([exercise.demonstration, is_hold(exercise)], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def figure_label(exercise) -> str:
    """Text alternative: what the figure shows, in the exercise's own steps when they are loaded."""
    steps = getattr(exercise, "_prefetched_objects_cache", {}).get("steps")
    demo = demonstration_of(exercise)
    side = " Shown on the right side." if demo and demo.side else ""
    if steps is not None and len(steps):
        how = " ".join(step.text for step in steps)
        return f"Figure demonstrating {exercise.name}.{side} {how}"
    return f"Figure demonstrating {exercise.name}: {exercise.purpose}{side}"


@dataclass(frozen=True)
class Figure:
    animated: SafeString
    start: SafeString
    end: SafeString
    shown: SafeString
    css_url: str
    per_side: bool
    label: str


# Rendered figures, per process. Drawing one costs 10-40 ms of CPU and pages show several on
# every request; the key holds everything the drawing reads (the keyframes and dose kind via
# figure_version, the label, the slug), so an edited exercise simply misses and is drawn again.
_figures: dict[tuple, Figure] = {}


def figure_for(exercise, *, animated: bool = True) -> Figure | None:
    demo = demonstration_of(exercise)
    if demo is None:
        return None
    label = figure_label(exercise)
    key = (exercise.slug, figure_version(exercise), label, animated)
    figure = _figures.get(key)
    if figure is None:
        figure = _draw(exercise, demo, label=label, animated=animated)
        if len(_figures) >= FIGURE_CACHE_SIZE:
            _figures.pop(next(iter(_figures)))  # the oldest drawing makes room
        _figures[key] = figure
    return figure


def _draw(exercise, demo: Demonstration, *, label: str, animated: bool) -> Figure:
    hold = is_hold(exercise)
    shown = svg.render_shown(demo, label=label, is_hold=hold)
    if not animated:
        return Figure(
            mark_safe(""),
            mark_safe(""),
            mark_safe(""),
            mark_safe(shown),
            "",
            bool(demo.side),
            label,
        )
    start, end = svg.render_pair(demo, label=label, is_hold=hold)
    moving = svg.render_animated(demo, css_class=css_class(exercise), label=label, is_hold=hold)
    url = reverse("exercises:figure_css", kwargs={"slug": exercise.slug})
    return Figure(
        animated=mark_safe(moving.replace("<svg ", '<svg tabindex="0" ', 1)),
        start=mark_safe(start),
        end=mark_safe(end),
        shown=mark_safe(shown),
        css_url=f"{url}?v={figure_version(exercise)}",
        per_side=bool(demo.side),
        label=label,
    )


def figure_stylesheet(exercise) -> str:
    demo = demonstration_of(exercise)
    if demo is None:
        return ""
    return svg.figure_stylesheet(demo, css_class=css_class(exercise), is_hold=is_hold(exercise))


def figure_png(exercise) -> bytes | None:
    """The pose a card shows, as a PNG (emails cannot show SVG animation)."""
    demo = demonstration_of(exercise)
    return None if demo is None else raster.render_png(demo)


def figure_preview(*, data, is_hold: bool) -> str:
    """HTML for the admin's live preview: every keyframe side by side. Raises PoseError."""
    demo = validate_demonstration(data)
    stills = [
        svg.render_still(demo, index, label=f"Keyframe {index + 1}", is_hold=is_hold)
        for index in range(len(demo.keyframes))
    ]
    return '<span class="figure-arrow" aria-hidden="true">→</span>'.join(stills)


KEY_ORDER = (*ANGLE_KEYS, *FAR_KEYS, "contacts", "facing", "anchor")
TOP_ORDER = ("props", "side", "cycle_seconds")


def _ordered(mapping: dict, order: tuple[str, ...]) -> dict:
    """The keys in a fixed order (PostgreSQL's jsonb does not keep the order they were written in)."""
    rank = {key: index for index, key in enumerate(order)}
    return dict(sorted(mapping.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0])))


def format_demonstration(data) -> str:
    """JSON a coach can read: one keyframe per line, joints always in the same order."""
    if not isinstance(data, dict) or not isinstance(data.get("keyframes"), list):
        return json.dumps(data, indent=2)
    top = _ordered({k: v for k, v in data.items() if k != "keyframes"}, TOP_ORDER)
    head = [f'  "{key}": {json.dumps(value)}' for key, value in top.items()]
    frames = ",\n".join(
        "    " + json.dumps(_ordered(frame, KEY_ORDER) if isinstance(frame, dict) else frame)
        for frame in data["keyframes"]
    )
    return "{\n" + ",\n".join([*head, '  "keyframes": [\n' + frames + "\n  ]"]) + "\n}"
