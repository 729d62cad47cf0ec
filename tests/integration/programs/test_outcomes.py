"""Goals, the four-weekly re-check schedule and series, and the outcomes on Today and Progress."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from programs.models import Goal, GoalRating, Intake, OutcomeCheck, RecheckSkip
from programs.selectors.outcomes import active_goals, outcomes_for, recheck_state
from programs.selectors.sessions import member_today
from programs.services.outcomes import (
    goal_add,
    goal_end,
    goal_rate,
    recheck_skip,
    recheck_submit,
)
from tests.factories import MemberFactory, enrol
from tests.page_pins import built, served

pytestmark = pytest.mark.django_db
DAY = date(2026, 9, 7)
ALL_EASY = {
    "socks": 0,
    "sitting": 1,
    "shopping_bag": 0,
    "sleeping": 0,
    "walking": 0,
    "floor_reach": 1,
    "chair_rise": 0,
    "standing": 0,
}


def _state(member, today):
    intake = Intake.objects.get(member=member)
    return recheck_state(member=member, intake=intake, today=today)


def _answer(member, today, *, usual=3, worst=5, goals=None):
    return recheck_submit(
        member=member,
        today=today,
        pain_usual=usual,
        pain_worst=worst,
        function_answers=ALL_EASY,
        goal_ratings=goals or {},
    )


# --- goals ---------------------------------------------------------------------------------


def test_at_most_three_active_goals():
    member = MemberFactory()
    for name in ("Tying my shoes", "Carrying shopping", "Sitting through a film"):
        goal_add(member=member, activity=name, rating=3, today=DAY)
    with pytest.raises(ValidationError, match="3 goals already"):
        goal_add(member=member, activity="Gardening", rating=2, today=DAY)
    first = Goal.objects.filter(member=member).first()
    goal_end(member=member, goal=first)
    goal_add(member=member, activity="Gardening", rating=2, today=DAY)
    assert Goal.objects.filter(member=member, ended_at__isnull=True).count() == 3
    assert GoalRating.objects.filter(goal=first).exists(), "a removed goal keeps its ratings"


def test_goal_needs_words_and_a_rating_from_0_to_10():
    member = MemberFactory()
    with pytest.raises(ValidationError):
        goal_add(member=member, activity="   ", rating=3, today=DAY)
    with pytest.raises(ValidationError):
        goal_add(member=member, activity="Walking the dog", rating=11, today=DAY)
    assert not Goal.objects.filter(member=member).exists()


def test_database_refuses_a_rating_over_10_and_a_blank_goal():
    goal = Goal.objects.create(member=MemberFactory(), activity="Walking")
    with pytest.raises(IntegrityError), transaction.atomic():
        GoalRating.objects.create(goal=goal, rating=11, rated_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.create(member=goal.member, activity="")


def test_rating_someone_elses_goal_is_refused():
    goal = goal_add(member=MemberFactory(), activity="Walking", rating=4, today=DAY)
    with pytest.raises(PermissionDenied):
        goal_rate(member=MemberFactory(), goal=goal, rating=9, today=DAY)


def test_ratings_are_a_series_with_first_and_latest():
    member = MemberFactory()
    goal = goal_add(member=member, activity="Tying my shoes", rating=3, today=DAY)
    goal_rate(member=member, goal=goal, rating=4, today=DAY + timedelta(days=10))
    goal_rate(member=member, goal=goal, rating=6, today=DAY + timedelta(days=30))
    (now,) = active_goals(member=member)
    assert (now.first, now.latest, now.first_on) == (3, 6, DAY)
    assert now.change.is_meaningful_gain
    assert GoalRating.objects.filter(goal=goal).count() == 3


# --- the schedule and the series -----------------------------------------------------------


def test_intake_is_the_first_point_and_editing_it_never_moves_it():
    member = MemberFactory()
    enrol(member, today=DAY, pain_now=6)
    enrol(member, today=DAY + timedelta(days=3), pain_now=2)  # the member edits the intake
    (baseline,) = OutcomeCheck.objects.filter(member=member)
    assert (baseline.kind, baseline.taken_on, baseline.pain_usual) == ("intake", DAY, 6)


def test_due_four_weeks_after_the_intake():
    member = MemberFactory()
    enrol(member, today=DAY)
    assert not _state(member, DAY + timedelta(days=27)).asked
    state = _state(member, DAY + timedelta(days=28))
    assert state.asked and state.due_on == DAY + timedelta(days=28)


def test_answered_moves_the_next_one_four_weeks_on_and_keeps_the_series():
    member = MemberFactory()
    enrol(member, today=DAY, pain_now=6)
    goal = goal_add(member=member, activity="Tying my shoes", rating=3, today=DAY)
    late = DAY + timedelta(days=40)  # late: still asked, counted from the answer
    assert _state(member, late).asked
    _answer(member, late, usual=3, goals={goal.pk: 6})
    assert not _state(member, late).asked
    assert _state(member, late + timedelta(days=28)).asked
    _answer(member, late + timedelta(days=28), usual=2)
    pains = list(OutcomeCheck.objects.filter(member=member).values_list("pain_usual", flat=True))
    assert pains == [6, 3, 2], "every answer is kept, none overwritten"
    assert GoalRating.objects.get(goal=goal, outcome_check__isnull=False).rating == 6


def test_skipped_is_asked_again_at_the_next_visit():
    member = MemberFactory()
    enrol(member, today=DAY)
    due = DAY + timedelta(days=30)
    recheck_skip(member=member, today=due)
    recheck_skip(member=member, today=due)  # twice is fine
    assert RecheckSkip.objects.filter(member=member).count() == 1
    assert not _state(member, due).asked
    assert _state(member, due + timedelta(days=1)).asked


def test_a_member_east_of_utc_counts_from_their_own_date():
    """Intake finished at 20:00 UTC on 6 September = 08:00 on 7 September in Auckland."""
    member = MemberFactory()
    member.profile.timezone = "Pacific/Auckland"
    member.profile.save(update_fields=["timezone"])
    enrol(member, today=DAY)
    OutcomeCheck.objects.filter(member=member).delete()  # an intake from before re-checks
    finished = datetime(2026, 9, 6, 20, 0, tzinfo=UTC)
    Intake.objects.filter(member=member).update(completed_at=finished)
    assert member_today(member, now=finished) == DAY
    assert not _state(member, date(2026, 10, 4)).asked  # a UTC count would ask today
    assert _state(member, date(2026, 10, 5)).asked
    _answer(member, date(2026, 10, 5))
    baseline = OutcomeCheck.objects.get(member=member, kind="intake")
    assert baseline.taken_on == DAY, "the first point is dated in the member's own calendar"


def test_a_goal_from_someone_else_cannot_be_rated_in_a_recheck():
    member = MemberFactory()
    enrol(member, today=DAY)
    others = goal_add(member=MemberFactory(), activity="Walking", rating=3, today=DAY)
    with pytest.raises(ValidationError):
        _answer(member, DAY + timedelta(days=28), goals={others.pk: 9})
    assert not GoalRating.objects.filter(goal=others, outcome_check__isnull=False).exists()


def test_meaningful_changes_in_words():
    member = MemberFactory()
    enrol(member, today=date(2026, 9, 1), pain_now=6)
    goal = goal_add(member=member, activity="Tying your shoes", rating=3, today=date(2026, 9, 1))
    _answer(member, date(2026, 10, 1), usual=3, goals={goal.pk: 6})
    out = outcomes_for(member=member)
    words = [row.sentence for row in out.meaningful]
    assert words == [
        "Usual pain: 6 → 3 since September 2026",
        "Tying your shoes: 3 → 6 since September 2026",
    ]
    assert out.worse == []


# --- pages ---------------------------------------------------------------------------------


def _due_member(client):
    member = MemberFactory()
    enrol(member, pain_now=6)
    OutcomeCheck.objects.filter(member=member).update(
        taken_on=member_today(member) - timedelta(days=28)
    )
    client.force_login(member)
    return member


def test_today_asks_the_recheck_when_due_and_not_after_a_skip(client):
    member = _due_member(client)
    assert b"four-weekly check" in client.get("/today/").content
    response = client.post("/today/recheck/skip/")
    assert response.status_code == 302 and response["Location"] == "/today/"
    assert b"Time for your four-weekly check" not in client.get("/today/").content
    assert RecheckSkip.objects.filter(member=member).exists()


def test_recheck_page_saves_a_new_point_and_progress_says_what_changed(client):
    member = _due_member(client)
    goal = goal_add(member=member, activity="Tying my shoes", rating=3, today=member_today(member))
    page = client.get("/today/recheck/")
    assert page.status_code == 200
    assert b"Putting on socks or tights" in page.content  # the intake's own questions
    assert f'name="goal_{goal.pk}"'.encode() in page.content
    data = {"pain_usual": "3", "pain_worst": "5", f"goal_{goal.pk}": "7", "function_socks": "1"}
    response = client.post("/today/recheck/", data)
    assert response.status_code == 302 and response["Location"] == "/progress/"
    check = OutcomeCheck.objects.get(member=member, kind="recheck")
    assert (check.pain_usual, check.pain_worst, check.function_answers) == (3, 5, {"socks": 1})
    assert check.function_score is None  # not every item answered: no total
    progress = client.get("/progress/").content.decode()
    assert "Usual pain: 6 → 3 since" in progress
    assert "Tying my shoes: 3 → 7 since" in progress
    assert b"Time for your four-weekly check" not in client.get("/today/").content


@pytest.mark.parametrize(
    "data",
    [
        {"pain_usual": "11", "pain_worst": "5"},
        {"pain_usual": "5", "pain_worst": "2"},
        {"pain_usual": "3", "pain_worst": "4", "function_socks": "9"},
        {},
    ],
)
def test_recheck_refuses_bad_answers_with_a_message(client, data):
    member = _due_member(client)
    response = client.post("/today/recheck/", data)
    assert response.status_code == 422
    assert b"errorlist" in response.content
    assert not OutcomeCheck.objects.filter(member=member, kind="recheck").exists()


def test_goals_page_adds_rates_and_removes(client):
    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    assert client.get("/progress/goals/").status_code == 200
    response = client.post("/progress/goals/", {"activity": "Carrying shopping", "rating": "4"})
    assert response.status_code == 302
    goal = Goal.objects.get(member=member)
    client.post(f"/progress/goals/{goal.pk}/rate/", {"rating": "6"})
    assert [g.latest for g in active_goals(member=member)] == [6]
    assert b"Carrying shopping: <strong>6/10</strong>" in client.get("/today/").content
    client.post(f"/progress/goals/{goal.pk}/remove/")
    assert active_goals(member=member) == []


def test_goals_page_refuses_a_fourth_goal(client):
    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    for name in ("One", "Two", "Three"):
        client.post("/progress/goals/", {"activity": name, "rating": "4"})
    page = client.get("/progress/goals/")
    assert b"remove one to name another" in page.content
    response = client.post("/progress/goals/", {"activity": "Four", "rating": "4"})
    assert response.status_code == 422
    assert b"remove one to add another" in response.content
    assert Goal.objects.filter(member=member).count() == 3


def test_goals_page_bad_rating_is_a_4xx(client):
    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    assert client.post("/progress/goals/", {"activity": "Walk", "rating": "99"}).status_code == 422
    goal = goal_add(member=member, activity="Walk", rating=2, today=member_today(member))
    client.post(f"/progress/goals/{goal.pk}/rate/", {"rating": "x"})
    assert [g.latest for g in active_goals(member=member)] == [2]


@pytest.mark.parametrize("ratings", [1, 20])
def test_progress_with_goals_and_checks_has_a_pinned_query_count(
    client, ratings, django_assert_num_queries
):
    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    for n in range(3):
        goal = goal_add(member=member, activity=f"Goal {n}", rating=2, today=DAY)
        for r in range(ratings):
            goal_rate(member=member, goal=goal, rating=r % 11, today=DAY + timedelta(days=r))
    for r in range(ratings):
        _answer(member, DAY + timedelta(days=28 * (r + 1)))
    # 18 for this member (no session history, unlike test_progress's pinned member), counted
    # with the goals' ratings prefetched in one query; the same for 1 or 20 ratings and checks.
    # +1: the milestones (rating a goal 2 points up raises one).
    # Intake, enrolment and the stored totals of earlier weeks come in one query (+3 to read
    # those weeks while no totals are stored, as here); +1 the fingerprint on PostgreSQL.
    # -3: the user's row brings their membership, profile and bell count (member_context).
    with django_assert_num_queries(built(16 + 3)):
        assert client.get("/progress/").status_code == 200
    # Kept while nothing changed: session, user (with membership, profile, bell), fingerprint.
    with django_assert_num_queries(served(16 + 3, kept_queries=3)):
        assert client.get("/progress/").status_code == 200


# --- the intake's optional goals section ---------------------------------------------------


def _screened(client):
    from programs.services.intake import intake_screen_submit

    member = MemberFactory()
    intake_screen_submit(member=member, answers={})
    client.force_login(member)
    return member


def test_first_intake_offers_goals_and_saves_them_with_the_baseline(client):
    from tests.integration.programs.test_intake import INTAKE_URL, details_post

    member = _screened(client)
    assert b"Your goals (optional)" in client.get(INTAKE_URL).content
    data = details_post(
        goal_activity_1="Tying my shoes", goal_rating_1="3", goal_activity_2="", goal_rating_2="5"
    )
    response = client.post(INTAKE_URL, data)
    assert response.status_code == 302 and response["Location"] == "/today/"
    (goal,) = active_goals(member=member)
    assert (goal.goal.activity, goal.latest) == ("Tying my shoes", 3)
    assert OutcomeCheck.objects.get(member=member).pain_usual == 3
    assert b"Your goals (optional)" not in client.get(INTAKE_URL).content, "offered once"


def test_an_intake_goal_without_a_rating_is_refused_and_nothing_is_saved(client):
    from tests.integration.programs.test_intake import INTAKE_URL, details_post

    member = _screened(client)
    response = client.post(INTAKE_URL, details_post(goal_activity_1="Gardening"))
    assert response.status_code == 422
    assert b"Rate it from 0 to 10" in response.content
    assert Intake.objects.get(member=member).completed_at is None
    assert not Goal.objects.filter(member=member).exists()


# --- re-checks that reach a coach ----------------------------------------------------------


def _alert_causes(member):
    from programs.models import CoachAlert

    return set(CoachAlert.objects.filter(member=member).values_list("cause", flat=True))


def test_pain_not_easing_after_four_weeks_tells_a_coach_and_the_member():
    member = MemberFactory()
    enrol(member, today=DAY, pain_now=6)
    result = _answer(member, DAY + timedelta(days=28), usual=6)
    assert [c.value for c in result.concerns] == ["no_improvement"]
    assert _alert_causes(member) == {"no_improvement"}


def test_pain_that_eases_or_is_already_low_tells_nobody():
    eased, low = MemberFactory(), MemberFactory()
    enrol(eased, today=DAY, pain_now=6)
    enrol(low, today=DAY, pain_now=2)
    assert _answer(eased, DAY + timedelta(days=28), usual=4).concerns == ()
    assert _answer(low, DAY + timedelta(days=28), usual=2).concerns == ()
    assert _alert_causes(eased) == _alert_causes(low) == set()


def test_harder_everyday_tasks_or_a_goal_slipping_is_a_worsening():
    tasks, goal_member = MemberFactory(), MemberFactory()
    enrol(tasks, today=DAY, pain_now=5)
    enrol(goal_member, today=DAY, pain_now=5)
    # The start: the intake's everyday-tasks total (ALL_EASY adds up to 2).
    OutcomeCheck.objects.filter(member=tasks, kind="intake").update(function_score=2)
    harder = {**ALL_EASY, "socks": 2, "sitting": 2}  # total 5: three points harder
    recheck_submit(
        member=tasks,
        today=DAY + timedelta(days=28),
        pain_usual=2,
        pain_worst=4,
        function_answers=harder,
        goal_ratings={},
    )
    goal = goal_add(member=goal_member, activity="Carrying shopping", rating=6, today=DAY)
    _answer(goal_member, DAY + timedelta(days=28), usual=2, goals={goal.pk: 3})
    assert _alert_causes(goal_member) == {"function_worse"}
    assert _alert_causes(tasks) == {"function_worse"}


def test_the_member_reads_what_happens_next(client):
    member = MemberFactory()
    enrol(member, pain_now=7, today=member_today(member) - timedelta(days=30))
    client.force_login(member)
    form = {"pain_usual": "7", "pain_worst": "8", **{k: str(v) for k, v in ALL_EASY.items()}}
    response = client.post("/today/recheck/", form, follow=True)
    assert b"a coach has been told" in response.content.lower()
    assert _alert_causes(member) == {"no_improvement"}


def test_recheck_concerns_are_coach_alert_causes():
    from programs.coach_models import AlertCause
    from programs.engine.outcomes import Concern

    assert {c.value for c in Concern} <= set(AlertCause.values)
