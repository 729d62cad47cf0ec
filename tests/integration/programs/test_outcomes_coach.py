"""Coaches see outcomes: each member's latest re-check and change since the start in the coach
inbox and the admin, and a filter for non-responders (the engine's verdict stored on the
re-check), at a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from programs.models import OutcomeCheck
from programs.services.coach_alerts import coach_alert_raise
from programs.services.outcomes import goal_add, recheck_submit
from tests.factories import MemberFactory, enrol

pytestmark = pytest.mark.django_db
START = date(2026, 9, 1)
ANSWERS = {
    "socks": 1,
    "sitting": 1,
    "shopping_bag": 1,
    "sleeping": 1,
    "walking": 1,
    "floor_reach": 1,
    "chair_rise": 1,
    "standing": 1,
}


def _member(*, now_pain, goal_from=None, goal_to=None, weeks=8):
    member = MemberFactory()
    enrol(member, today=START, pain_now=6)
    OutcomeCheck.objects.filter(member=member, kind="intake").update(function_score=10)
    ratings = {}
    if goal_from is not None:
        goal = goal_add(member=member, activity="Gardening", rating=goal_from, today=START)
        ratings = {goal.pk: goal_to}
    recheck_submit(
        member=member,
        today=START + timedelta(weeks=weeks),
        pain_usual=now_pain,
        pain_worst=min(now_pain + 1, 10),
        function_answers=ANSWERS,
        goal_ratings=ratings,
    )
    return member


def test_inbox_shows_each_members_latest_recheck_and_change_since_start(client, coach):
    stuck = _member(now_pain=6, goal_from=3, goal_to=6)
    client.force_login(coach)
    body = client.get(reverse("coach:inbox")).content.decode()
    assert f"{stuck.public_name}: Pain not improving" in body
    assert (
        "Re-check 27 Oct 2026 (8 weeks in): usual pain 6 → 6, everyday tasks 10 → 8 (better), "
        "goals: 1 of 1 meaningfully better." in body
    )
    assert "Not responding" in body
    assert stuck.public_name in body


def test_not_responding_filter_lists_members_whose_latest_recheck_says_so(client, coach):
    stuck = _member(now_pain=6)
    better = _member(now_pain=3)
    early = _member(now_pain=6, weeks=2)  # too soon to judge
    # Stuck once, better since: their latest re-check counts.
    recovered = _member(now_pain=6)
    recheck_submit(
        member=recovered,
        today=START + timedelta(weeks=12),
        pain_usual=3,
        pain_worst=4,
        function_answers=ANSWERS,
        goal_ratings={},
    )
    client.force_login(coach)
    body = client.get(reverse("coach:inbox"), {"show": "not_responding"}).content.decode()
    assert stuck.public_name in body
    for other in (better, early, recovered):
        assert other.public_name not in body
    from programs.models import CoachAlert

    alert = CoachAlert.objects.get(member=stuck, cause="no_improvement")
    assert reverse("coach:alert", args=[alert.pk]) in body


@pytest.mark.parametrize("members", [1, 12])
def test_not_responding_filter_has_constant_queries(
    client, coach, members, django_assert_num_queries
):
    for _n in range(members):
        _member(now_pain=6, goal_from=3, goal_to=3)
    client.force_login(coach)
    # session, user (with groups for is_coach, bell and profile), count, members page, recent
    # sessions, goals
    with django_assert_num_queries(6):
        response = client.get(reverse("coach:inbox"), {"show": "not_responding"})
    assert response.status_code == 200
    assert response.content.decode().count("Not responding</span>") == members


@pytest.mark.parametrize("alerts", [1, 12])
def test_inbox_with_outcomes_keeps_constant_queries(
    client, coach, alerts, django_assert_num_queries
):
    for _n in range(alerts):
        member = _member(now_pain=3, goal_from=2, goal_to=5)
        coach_alert_raise(member=member, cause="stalled", detail="quiet")
    client.force_login(coach)
    # The inbox's pin (test_coach_inbox) + 1: the page's members' goals, in one query.
    with django_assert_num_queries(6):
        assert client.get(reverse("coach:inbox")).status_code == 200


def test_admin_enrolment_list_shows_outcomes_and_filters_non_responders(client, coach):
    stuck = _member(now_pain=6)
    better = _member(now_pain=3)
    fresh = MemberFactory()
    enrol(fresh, today=START)
    client.force_login(coach)
    listing = client.get("/admin/programs/enrolment/").content.decode()
    assert "27 Oct 2026: Not responding" in listing
    assert "27 Oct 2026: Responding" in listing
    assert "usual pain 6 → 3 (better)" in listing
    only = client.get("/admin/programs/enrolment/", {"response": "not_responding"})
    body = only.content.decode()
    assert str(stuck) in body and str(better) not in body and str(fresh) not in body
    none_yet = client.get("/admin/programs/enrolment/", {"response": "none"}).content.decode()
    assert str(fresh) in none_yet and str(stuck) not in none_yet


@pytest.mark.parametrize("members", [1, 10])
def test_admin_enrolment_list_has_constant_queries(
    client, coach, members, django_assert_num_queries
):
    for _n in range(members):
        _member(now_pain=6)
    client.force_login(coach)
    client.get("/admin/programs/enrolment/")  # warm the session and caches
    with django_assert_num_queries(ENROLMENT_ADMIN_QUERIES):
        assert client.get("/admin/programs/enrolment/").status_code == 200


# session, user, permissions, phases for the filter, count, filtered count, the page (with
# each member's start and latest re-check as subqueries), and one more admin read.
ENROLMENT_ADMIN_QUERIES = 8


def test_admin_recheck_list_is_read_only_for_coaches(client, coach):
    stuck = _member(now_pain=6)
    client.force_login(coach)
    listing = client.get("/admin/programs/outcomecheck/", {"response": "not_responding"})
    assert listing.status_code == 200 and str(stuck) in listing.content.decode()
    check = OutcomeCheck.objects.get(member=stuck, kind="recheck")
    change = client.get(f"/admin/programs/outcomecheck/{check.pk}/change/")
    assert change.status_code == 200
    assert b'name="pain_usual"' not in change.content
    assert client.get("/admin/programs/outcomecheck/add/").status_code == 403
