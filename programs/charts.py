"""Server-rendered SVG charts: plain data in, markup out.

No database and no JavaScript: every chart is an accessible `<svg role="img">` with a `<title>`
and `<desc>`, and the same numbers as an HTML table for anyone who cannot see the picture.
Values are placed on a shared grid (`PlotArea`) so the bars and points of every chart line up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH = 640
HEIGHT = 260
PAIN_LIMIT = 5  # the top of "acceptable" pain during exercise, drawn as a dashed line
PALETTE = ("#0f766e", "#b45309", "#334155", "#7c3aed", "#be123c", "#15803d")


def _fmt(value: float) -> str:
    """Coordinates with at most two decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    shown = str(int(value)) if float(value).is_integer() else f"{value:.1f}"
    return f"{shown}{unit}"


def nice_max(value: float) -> float:
    """A round upper bound for the y axis (1, 2, 2.5, 5 or 10 times a power of ten)."""
    if value < 1e-6:  # nothing (or next to nothing) to show: a unit scale
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class PlotArea:
    """Where the plot sits inside the SVG, and how values map to coordinates."""

    width: int = WIDTH
    height: int = HEIGHT
    left: int = 52
    right: int = 16
    top: int = 16
    bottom: int = 48

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def baseline(self) -> float:
        return self.top + self.plot_height

    def band(self, count: int) -> float:
        return self.plot_width / max(count, 1)

    def x(self, index: int, count: int) -> float:
        """The centre of the index-th of `count` equal bands along the x axis."""
        return self.left + (index + 0.5) * self.band(count)

    def y(self, value: float, y_max: float) -> float:
        clamped = min(max(value, 0.0), y_max)
        return self.baseline - clamped / y_max * self.plot_height


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # one per x label; None leaves a gap
    marked: Sequence[int] = ()  # indexes drawn with a ring: a meaningful change
    mark_note: str = "a meaningful change"


@dataclass(frozen=True)
class Chart:
    chart_id: str
    title: str
    description: str
    svg: str
    table: str
    is_empty: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def html(self) -> str:
        """A figure with the picture and its numbers; the table sits in a disclosure."""
        if self.is_empty:
            return (
                f'<figure class="chart chart-empty" id="{escape(self.chart_id)}">'
                f"<figcaption><strong>{escape(self.title)}</strong></figcaption>"
                f'<p class="muted">{escape(self.description)}</p></figure>'
            )
        return (
            f'<figure class="chart" id="{escape(self.chart_id)}">'
            f"<figcaption><strong>{escape(self.title)}</strong></figcaption>"
            f"{self.svg}"
            f"<details><summary>Show the numbers</summary>{self.table}</details>"
            "</figure>"
        )

    def __str__(self) -> str:
        return self.html


def _svg_open(chart_id: str, title: str, description: str, area: PlotArea) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="0 0 {area.width} {area.height}" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{cid}-title {cid}-desc">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]


def _axes(
    area: PlotArea, x_labels: Sequence[str], y_max: float, y_label: str, *, ticks: int = 5
) -> list[str]:
    parts = ['<g class="chart-axes" aria-hidden="true">']
    for step in range(ticks + 1):
        value = y_max * step / ticks
        y = area.y(value, y_max)
        parts.append(
            f'<line class="chart-grid" x1="{area.left}" x2="{_fmt(area.width - area.right)}" '
            f'y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="#e2e8f0" stroke-width="1"/>'
        )
        parts.append(
            f'<text class="chart-tick" x="{area.left - 6}" y="{_fmt(y + 4)}" '
            f'text-anchor="end" font-size="11" fill="#475569">{_number(value)}</text>'
        )
    parts.append(
        f'<line class="chart-axis" x1="{area.left}" x2="{area.left}" y1="{area.top}" '
        f'y2="{_fmt(area.baseline)}" stroke="#334155" stroke-width="1"/>'
    )
    parts.append(
        f'<line class="chart-axis" x1="{area.left}" x2="{_fmt(area.width - area.right)}" '
        f'y1="{_fmt(area.baseline)}" y2="{_fmt(area.baseline)}" stroke="#334155" stroke-width="1"/>'
    )
    # Thin the x labels so they never overlap: at most about ten along the axis. On a phone the
    # labels are drawn twice as large (player.css), and the "minor" half is hidden.
    every = max(1, math.ceil(len(x_labels) / 10))
    last = len(x_labels) - 1
    for index, label in enumerate(x_labels):
        if index % every and index != last:
            continue
        major = index == last or (index % (2 * every) == 0 and last - index >= 2 * every)
        parts.append(
            f'<text class="chart-xlabel{"" if major else " chart-xlabel-minor"}" '
            f'x="{_fmt(area.x(index, len(x_labels)))}" '
            f'y="{_fmt(area.baseline + 16)}" text-anchor="middle" font-size="11" '
            f'fill="#475569">{escape(label)}</text>'
        )
    parts.append(
        f'<text class="chart-ylabel" x="12" y="{_fmt(area.top + area.plot_height / 2)}" '
        f'text-anchor="middle" font-size="11" fill="#475569" '
        f'transform="rotate(-90 12 {_fmt(area.top + area.plot_height / 2)})">{escape(y_label)}</text>'
    )
    parts.append("</g>")
    return parts


def _legend(area: PlotArea, labels: Sequence[str]) -> list[str]:
    if len(labels) < 2:
        return []
    parts = ['<g class="chart-legend" aria-hidden="true">']
    x = float(area.left)
    y = area.height - 10
    for index, label in enumerate(labels):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(y - 9)}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{_fmt(x + 14)}" y="{_fmt(y)}" font-size="11" fill="#334155">'
            f"{escape(label)}</text>"
        )
        x += 24 + 6.5 * len(label)
    parts.append("</g>")
    return parts


def _cell(item: Series, index: int, unit: str) -> str:
    value = item.values[index] if index < len(item.values) else None
    if index in item.marked:
        return f"<td>{_number(value, unit)} <small>({escape(item.mark_note)})</small></td>"
    return f"<td>{_number(value, unit)}</td>"


def _table(
    caption: str, x_heading: str, x_labels: Sequence[str], series: Sequence[Series], unit: str
) -> str:
    head = "".join(f'<th scope="col">{escape(s.label)}</th>' for s in series)
    rows = []
    for index, label in enumerate(x_labels):
        cells = "".join(_cell(s, index, unit) for s in series)
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return (
        f'<table class="chart-table"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(x_heading)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _empty(chart_id: str, title: str, message: str) -> Chart:
    return Chart(
        chart_id=chart_id, title=title, description=message, svg="", table="", is_empty=True
    )


def _has_data(series: Sequence[Series]) -> bool:
    return any(v is not None for s in series for v in s.values)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    x_heading: str = "Week",
    unit: str = "",
    y_max: float | None = None,
    reference: float | None = None,
    reference_label: str = "",
    reference_kind: str = "limit",
    empty_message: str = "Nothing logged yet.",
) -> Chart:
    """One polyline per series with a dot at each value; gaps where a value is missing. A
    reference line is a limit (red) or a target (green); marked points get a ring."""
    if not x_labels or not _has_data(series):
        return _empty(chart_id, title, empty_message)
    area = PlotArea()
    highest = max(
        [v for s in series for v in s.values if v is not None] + [reference or 0], default=0
    )
    top = y_max if y_max is not None else nice_max(highest)
    parts = _svg_open(chart_id, title, description, area)
    parts += _axes(area, x_labels, top, y_label)
    count = len(x_labels)
    if reference is not None:
        y = area.y(reference, top)
        target = reference_kind == "target"
        colour = "#15803d" if target else "#b91c1c"
        parts.append(
            f'<line class="chart-reference{" chart-target" if target else ""}" '
            f'x1="{area.left}" x2="{_fmt(area.width - area.right)}" '
            f'y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="{colour}" stroke-width="1.5" '
            f'stroke-dasharray="6 4" data-value="{_fmt(reference)}"/>'
        )
        if reference_label:
            # Above the line, or below it when the line is near the top of the plot.
            label_y = y - 5 if y - 5 > area.top + 10 else y + 14
            parts.append(
                f'<text class="chart-reference-label" x="{_fmt(area.width - area.right - 4)}" '
                f'y="{_fmt(label_y)}" text-anchor="end" font-size="11" fill="{colour}">'
                f"{escape(reference_label)}</text>"
            )
    for s_index, item in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        parts.append(f'<g class="chart-series" data-series="{escape(item.label)}">')
        runs: list[list[str]] = [[]]
        for index, value in enumerate(item.values[:count]):
            if value is None:
                runs.append([])
                continue
            runs[-1].append(f"{_fmt(area.x(index, count))},{_fmt(area.y(value, top))}")
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                    f'stroke-linejoin="round" points="{" ".join(run)}"/>'
                )
        for index, value in enumerate(item.values[:count]):
            if value is None:
                continue
            cx, cy = _fmt(area.x(index, count)), _fmt(area.y(value, top))
            note = ""
            if index in item.marked:
                note = f" ({item.mark_note})"
                parts.append(
                    f'<circle class="chart-mark" cx="{cx}" cy="{cy}" r="9" fill="none" '
                    f'stroke="#15803d" stroke-width="2.5" data-index="{index}"/>'
                )
            parts.append(
                f'<circle class="chart-point" cx="{cx}" cy="{cy}" r="4" fill="{colour}" '
                f'data-value="{_fmt(value)}" data-index="{index}">'
                f"<title>{escape(x_labels[index])}: {_number(value, unit)}{escape(note)}"
                "</title></circle>"
            )
        parts.append("</g>")
    parts += _legend(area, [s.label for s in series])
    parts.append("</svg>")
    return Chart(
        chart_id=chart_id,
        title=title,
        description=description,
        svg="".join(parts),
        table=_table(title, x_heading, x_labels, series, unit),
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    values: Sequence[float | None],
    y_label: str,
    series_label: str,
    x_heading: str = "Week",
    unit: str = "",
    empty_message: str = "Nothing logged yet.",
) -> Chart:
    series = [Series(label=series_label, values=values)]
    if not x_labels or not any(v for v in values if v):
        return _empty(chart_id, title, empty_message)
    area = PlotArea()
    top = nice_max(max(v or 0 for v in values))
    count = len(x_labels)
    bar = area.band(count) * 0.7
    parts = _svg_open(chart_id, title, description, area)
    parts += _axes(area, x_labels, top, y_label)
    parts.append('<g class="chart-series">')
    for index, value in enumerate(values[:count]):
        if not value:
            continue
        y = area.y(value, top)
        parts.append(
            f'<rect class="chart-bar" x="{_fmt(area.x(index, count) - bar / 2)}" y="{_fmt(y)}" '
            f'width="{_fmt(bar)}" height="{_fmt(area.baseline - y)}" fill="{PALETTE[0]}" '
            f'data-value="{_fmt(value)}" data-index="{index}">'
            f"<title>{escape(x_labels[index])}: {_number(value, unit)}</title></rect>"
        )
    parts.append("</g></svg>")
    return Chart(
        chart_id=chart_id,
        title=title,
        description=description,
        svg="".join(parts),
        table=_table(title, x_heading, x_labels, series, unit),
    )


# The three charts on /progress/ -------------------------------------------------------------


def _describe_range(values: Sequence[float | None], unit: str) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "no values yet"
    return f"from {_number(known[0], unit)} to {_number(known[-1], unit)}"


def exercise_chart(
    *,
    chart_id: str,
    exercise_name: str,
    weeks: Sequence[str],
    values: Sequence[float | None],
    is_hold: bool,
) -> Chart:
    """Best hold (seconds) or reps per set for one exercise, week by week."""
    unit = " s" if is_hold else " reps"
    what = "Longest hold" if is_hold else "Most reps in a set"
    return line_chart(
        chart_id=chart_id,
        title=f"{exercise_name}: {what.lower()} by week",
        description=(
            f"{what} for {exercise_name} over {len(weeks)} weeks, {_describe_range(values, unit)}."
        ),
        x_labels=weeks,
        series=[Series(label=exercise_name, values=values)],
        y_label="seconds" if is_hold else "reps",
        unit=unit,
    )


def pain_chart(*, weeks: Sequence[str], values: Sequence[float | None]) -> Chart:
    """Average pain during sessions by week, on a fixed 0–10 scale with the 5/10 limit dashed."""
    return line_chart(
        chart_id="chart-pain",
        title="Pain during sessions (weekly average)",
        description=(
            f"Average pain during sessions, out of 10, over {len(weeks)} weeks, "
            f"{_describe_range(values, '/10')}. A dashed line marks 5/10, the most that is fine "
            "during exercise."
        ),
        x_labels=weeks,
        series=[Series(label="Pain during", values=values)],
        y_label="pain (0–10)",
        unit="/10",
        y_max=10,
        reference=PAIN_LIMIT,
        reference_label="5/10 limit",
        empty_message="Finish a session and rate your pain to see the trend here.",
    )


def minutes_chart(*, weeks: Sequence[str], values: Sequence[float | None]) -> Chart:
    known = [v for v in values if v]
    total = sum(known)
    return bar_chart(
        chart_id="chart-minutes",
        title="Minutes under tension per week",
        description=(
            f"Minutes spent holding or moving under load each week over {len(weeks)} weeks, "
            f"{_number(total, ' minutes')} in all."
        ),
        x_labels=weeks,
        values=values,
        y_label="minutes",
        series_label="Minutes",
        unit=" min",
        empty_message="Your weekly minutes appear here after your first session.",
    )
