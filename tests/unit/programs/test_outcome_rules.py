"""The outcome rules: when the re-check is asked and what counts as a meaningful change."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from programs.engine.outcomes import (
    Direction,
    goal_change,
    pain_change,
    recheck_asked,
    recheck_due_on,
)

START = date(2026, 9, 7)


def test_due_four_weeks_after_the_last_check():
    assert recheck_due_on(last_check_on=START) == date(2026, 10, 5)


def test_not_asked_before_it_is_due():
    today = START + timedelta(days=27)
    assert not recheck_asked(last_check_on=START, skipped_on=None, today=today)


def test_asked_on_the_day_it_is_due():
    assert recheck_asked(last_check_on=START, skipped_on=None, today=START + timedelta(days=28))


def test_late_is_still_asked():
    assert recheck_asked(last_check_on=START, skipped_on=None, today=START + timedelta(days=75))


def test_skipped_today_is_quiet_until_the_next_visit():
    today = START + timedelta(days=30)
    assert not recheck_asked(last_check_on=START, skipped_on=today, today=today)
    tomorrow = today + timedelta(days=1)
    assert recheck_asked(last_check_on=START, skipped_on=today, today=tomorrow)


def test_no_intake_no_recheck():
    assert not recheck_asked(last_check_on=None, skipped_on=None, today=START)


def test_pain_down_two_points_is_meaningful():
    change = pain_change(start=6, now=4)
    assert change.direction is Direction.BETTER and change.meaningful
    assert change.is_meaningful_gain


def test_pain_down_thirty_percent_is_meaningful_even_under_two_points():
    assert pain_change(start=3, now=2).meaningful  # 33 %
    assert not pain_change(start=4, now=3).meaningful  # 25 %, 1 point


def test_pain_down_one_point_from_high_is_not_meaningful():
    change = pain_change(start=8, now=7)
    assert change.direction is Direction.BETTER and not change.meaningful


def test_pain_up_two_points_is_a_meaningful_worsening():
    change = pain_change(start=4, now=6)
    assert change.direction is Direction.WORSE and change.meaningful
    assert not change.is_meaningful_gain


def test_pain_unchanged():
    change = pain_change(start=0, now=0)
    assert change.direction is Direction.SAME and not change.meaningful


def test_goal_up_two_points_is_meaningful():
    assert goal_change(start=3, now=5).is_meaningful_gain
    assert not goal_change(start=3, now=4).meaningful
    worse = goal_change(start=6, now=3)
    assert worse.direction is Direction.WORSE and worse.meaningful


scores = st.integers(min_value=0, max_value=10)


@given(scores, scores)
def test_pain_gain_matches_the_domain_rule(start, now):
    fall = start - now
    expected = fall >= 2 or (fall > 0 and fall / start >= 0.30)
    assert pain_change(start=start, now=now).is_meaningful_gain == expected


@given(scores, scores)
def test_goal_gain_matches_the_domain_rule(start, now):
    assert goal_change(start=start, now=now).is_meaningful_gain == (now - start >= 2)


def test_stored_responses_are_the_engines():
    from programs.engine.outcomes import Response
    from programs.outcome_models import OutcomeResponse

    assert set(OutcomeResponse.values) == {r.value for r in Response}
