"""The traffic light per session, and the weekly pain summary."""

from datetime import timedelta

import pytest

from programs.engine import PainLight, SessionRecord, classify_session, review_week
from programs.engine.pain import counts_for_pain
from tests.unit.engine.builders import MONDAY, PREVIOUS_MONDAY, session


@pytest.mark.parametrize(
    ("pain", "expected"),
    [(0, "green"), (3, "green"), (4, "amber"), (5, "amber"), (6, "red"), (10, "red")],
)
def test_pain_during_boundaries(pain, expected):
    verdict = classify_session(session(MONDAY, pain, morning=2))
    assert verdict.light is PainLight(expected)
    assert f"{pain}/10" in verdict.description


def test_sharp_pain_is_red_even_when_the_score_is_low():
    verdict = classify_session(session(MONDAY, 1, morning=0, sharp=True))
    assert verdict.light is PainLight.RED
    assert "sharp" in verdict.cause


def test_worse_next_morning_than_before_the_session_is_red():
    verdict = classify_session(session(MONDAY, 2, morning=5, baseline=2))
    assert verdict.light is PainLight.RED
    assert "5/10" in verdict.cause and "2/10" in verdict.cause


def test_very_bad_next_morning_without_a_baseline_is_red():
    assert classify_session(session(MONDAY, 2, morning=7)).light is PainLight.RED


def test_not_fully_settled_next_morning_is_amber():
    verdict = classify_session(session(MONDAY, 2, morning=4))
    assert verdict.light is PainLight.AMBER
    assert "hadn't settled" in verdict.cause and "4/10" in verdict.cause


@pytest.mark.parametrize(("morning", "baseline"), [(3, 2), (3, None), (1, 0), (2, 6), (0, 2)])
def test_settled_next_morning_is_green(morning, baseline):
    # Settled: at most 3/10 and less than 2 points above the pain before the session.
    # (Was: 4–5/10 the next morning counted green when the pain before was as high.)
    verdict = classify_session(session(MONDAY, 2, morning=morning, baseline=baseline))
    assert verdict.light is PainLight.GREEN


def test_no_next_morning_answer_yet_is_amber():
    verdict = classify_session(session(MONDAY, 1, morning=None))
    assert verdict.light is PainLight.AMBER
    assert "check-in" in verdict.cause


def test_reason_names_the_weekday():
    tuesday = MONDAY + timedelta(days=1)
    assert classify_session(session(tuesday, 5)).description == "Tuesday's session was 5/10"


def test_skipped_session_without_pain_does_not_count_but_stopping_in_pain_does():
    assert not counts_for_pain(session(MONDAY, 0, completed=False))
    assert counts_for_pain(session(MONDAY, 0, completed=False, sharp=True))
    assert counts_for_pain(session(MONDAY, 7, completed=False))


def test_week_review_counts_sessions_and_spots_rising_pain():
    history = [
        session(PREVIOUS_MONDAY, 1),
        session(PREVIOUS_MONDAY + timedelta(days=2), 2),
        session(MONDAY, 2),
        session(MONDAY + timedelta(days=2), 3),
        session(MONDAY + timedelta(days=4), 0, completed=False),
    ]
    review = review_week(history, MONDAY)
    assert (review.planned, review.planned_done) == (3, 2)
    assert review.average_pain == 2.5 and review.previous_average_pain == 1.5
    assert review.pain_rising
    assert review.all_green and not review.reds and not review.ambers


def test_week_review_ignores_sessions_outside_the_week():
    history = [session(MONDAY - timedelta(days=1), 8), session(MONDAY + timedelta(days=7), 8)]
    review = review_week(history, MONDAY)
    assert review.sessions == () and review.all_green


@pytest.mark.parametrize(("morning", "baseline"), [(4, 4), (5, 6), (4, None), (5, 4)])
def test_next_morning_four_or_five_is_amber_whatever_the_pain_before(morning, baseline):
    verdict = classify_session(session(MONDAY, 2, morning=morning, baseline=baseline))
    assert verdict.light is PainLight.AMBER


@pytest.mark.parametrize(("morning", "baseline"), [(6, 6), (6, None), (3, 1), (2, 0), (5, 3)])
def test_next_morning_six_or_two_points_worse_is_red(morning, baseline):
    verdict = classify_session(session(MONDAY, 2, morning=morning, baseline=baseline))
    assert verdict.light is PainLight.RED


def test_pain_spreading_down_the_leg_is_red():
    record = SessionRecord(
        day=MONDAY,
        planned=True,
        completed=True,
        pain_during=1,
        effort=4,
        morning_pain=1,
        pain_spread=True,
    )
    verdict = classify_session(record)
    assert verdict.light is PainLight.RED and "leg" in verdict.cause


def test_a_missing_check_in_on_the_weeks_last_day_is_pending_not_amber():
    sunday = MONDAY + timedelta(days=6)
    assert classify_session(session(sunday, 1, morning=None), check_in_pending=True).light is (
        PainLight.GREEN
    )
