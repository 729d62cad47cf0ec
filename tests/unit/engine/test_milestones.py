"""Milestone rules: which counts, goals and weeks are worth marking (no database)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from programs.engine import SessionRecord, review_week
from programs.engine.milestones import (
    SESSION_MILESTONES,
    goal_improved,
    sessions_reached,
    week_all_green,
)

MONDAY = date(2026, 11, 16)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_session_milestones_only_accumulate(a, b):
    low, high = sorted((a, b))
    assert set(sessions_reached(done=low)) <= set(sessions_reached(done=high))
    assert all(count <= high for count in sessions_reached(done=high))
    assert sessions_reached(done=high) == tuple(n for n in SESSION_MILESTONES if n <= high)


@given(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=10))
def test_a_goal_improves_at_two_points_up(first, now):
    assert goal_improved(first=first, now=now) == (now - first >= 2)


def _week(pains, *, morning=1, done=True):
    return [
        SessionRecord(
            day=MONDAY + timedelta(days=2 * i),
            planned=True,
            completed=done,
            pain_during=pain,
            effort=4,
            morning_pain=morning,
        )
        for i, pain in enumerate(pains)
    ]


def test_a_green_week_needs_every_planned_session_done_and_green():
    assert week_all_green(review_week(_week([1, 2, 3]), MONDAY))
    assert not week_all_green(review_week(_week([1, 4, 1]), MONDAY))  # amber
    assert not week_all_green(review_week(_week([1, 1, 7]), MONDAY))  # red
    assert not week_all_green(review_week(_week([1, 1], morning=None), MONDAY))  # no check-in
    missed = _week([1, 1])
    missed.append(
        SessionRecord(
            day=MONDAY + timedelta(days=5), planned=True, completed=False, pain_during=0, effort=0
        )
    )
    assert not week_all_green(review_week(missed, MONDAY))
    assert not week_all_green(review_week([], MONDAY))  # nothing planned is not a green week
