import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.charts import (
    PlotArea,
    Series,
    exercise_chart,
    line_chart,
    minutes_chart,
    nice_max,
    pain_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
WEEKS = ["3 Mar", "10 Mar", "17 Mar", "24 Mar"]


def parse(chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def test_svg_is_valid_xml_and_accessible():
    chart = exercise_chart(
        chart_id="chart-bird-dog",
        exercise_name="Bird dog <hold>",
        weeks=WEEKS,
        values=[10, 11, None, 12],
        is_hold=True,
    )
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Bird dog <hold>: longest hold by week"
    assert "from 10 s to 12 s" in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # The same numbers as a table, with headers.
    table = ET.fromstring(chart.table)
    rows = table.findall("./tbody/tr")
    assert [r.find("th").text for r in rows] == WEEKS
    assert [r.find("td").text for r in rows] == ["10 s", "11 s", "—", "12 s"]
    assert "&lt;hold&gt;" in chart.html


def test_points_are_placed_on_the_grid():
    area = PlotArea()
    chart = line_chart(
        chart_id="c",
        title="t",
        description="d",
        x_labels=WEEKS,
        series=[Series(label="hold", values=[10, 20, None, 40])],
        y_label="seconds",
        y_max=50,
    )
    points = parse(chart).findall(f".//{SVG}circle")
    assert [p.get("data-value") for p in points] == ["10", "20", "40"]
    for point in points:
        index = int(point.get("data-index"))
        value = float(point.get("data-value"))
        assert float(point.get("cx")) == pytest.approx(area.x(index, 4), abs=0.01)
        assert float(point.get("cy")) == pytest.approx(area.y(value, 50), abs=0.01)
    # Higher values sit higher on the page (smaller y); the gap splits the line in two runs.
    ys = [float(p.get("cy")) for p in points]
    assert ys == sorted(ys, reverse=True)
    assert len(parse(chart).findall(f".//{SVG}polyline")) == 1  # 10→20; 40 stands alone


def test_pain_chart_has_dashed_five_line_on_a_zero_to_ten_scale():
    area = PlotArea()
    chart = pain_chart(weeks=WEEKS, values=[2, 3.5, 6, 4])
    root = parse(chart)
    line = root.find(f".//{SVG}line[@class='chart-reference']")
    assert line is not None
    assert line.get("stroke-dasharray")
    assert float(line.get("y1")) == pytest.approx(area.y(5, 10), abs=0.01)
    assert "5/10" in root.find(f"{SVG}desc").text
    cys = {p.get("data-value"): float(p.get("cy")) for p in root.iter(f"{SVG}circle")}
    assert cys["6"] < float(line.get("y1")) < cys["4"]  # 6/10 above the line, 4/10 below
    assert cys["3.5"] == pytest.approx(area.y(3.5, 10), abs=0.01)


def test_minutes_bar_heights_are_proportional():
    chart = minutes_chart(weeks=WEEKS, values=[10, 0, 25, 50])
    bars = parse(chart).findall(f".//{SVG}rect[@class='chart-bar']")
    assert [b.get("data-value") for b in bars] == ["10", "25", "50"]
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] == pytest.approx(heights[0] * 5, rel=0.01)
    assert "85 minutes in all" in chart.description


@pytest.mark.parametrize(
    "chart",
    [
        pain_chart(weeks=[], values=[]),
        pain_chart(weeks=WEEKS, values=[None, None, None, None]),
        minutes_chart(weeks=WEEKS, values=[0, 0, 0, 0]),
        exercise_chart(chart_id="x", exercise_name="Plank", weeks=[], values=[], is_hold=True),
    ],
)
def test_empty_data_renders_a_message_not_a_broken_chart(chart):
    assert chart.is_empty
    assert chart.svg == ""
    assert "<svg" not in chart.html
    assert chart.description in chart.html.replace("&#x27;", "'")


def test_several_series_get_a_legend():
    chart = line_chart(
        chart_id="multi",
        title="t",
        description="d",
        x_labels=WEEKS,
        series=[Series("A", [1, 2, 3, 4]), Series("B", [4, 3, 2, 1])],
        y_label="reps",
    )
    root = parse(chart)
    assert len(root.findall(f".//{SVG}g[@class='chart-series']")) == 2
    assert root.find(f".//{SVG}g[@class='chart-legend']") is not None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (0.4, 0.5), (7, 10), (12, 20), (23, 25), (240, 250), (600, 1000)],
)
def test_nice_max(value, expected):
    assert nice_max(value) == expected


@settings(deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.floats(min_value=0, max_value=600, allow_nan=False)),
        min_size=1,
        max_size=30,
    )
)
def test_any_data_gives_valid_svg_with_points_inside_the_plot(values):
    labels = [f"W{i}" for i in range(len(values))]
    chart = line_chart(
        chart_id="p",
        title="t",
        description="d",
        x_labels=labels,
        series=[Series("s", values)],
        y_label="y",
    )
    if all(v is None for v in values):
        assert chart.is_empty
        return
    area = PlotArea()
    root = parse(chart)
    points = root.findall(f".//{SVG}circle")
    assert len(points) == sum(v is not None for v in values)
    for point in points:
        assert area.left <= float(point.get("cx")) <= area.width - area.right
        assert area.top <= float(point.get("cy")) <= area.baseline


def test_phone_widths_keep_the_first_and_last_week_labels():
    """On a phone every other shown week label is 'minor' (hidden by player.css), but the first
    and the last week always stay."""
    from programs import charts

    weeks = [f"{n} Nov" for n in range(1, 13)]
    html = charts.pain_chart(weeks=weeks, values=[2] * 12).html
    import re

    shown = re.findall(r'class="chart-xlabel( chart-xlabel-minor)?"[^>]*>([^<]+)<', html)
    majors = [label for minor, label in shown if not minor]
    assert majors[0] == "1 Nov" and majors[-1] == "12 Nov"
    assert any(minor for minor, _label in shown)
