"""Milestones: raised once per member by the service that sees the event, never on a page read."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from programs.engine.milestones import SESSION_MILESTONES
from programs.models import Enrolment, Milestone, MilestoneKind, Phase, PlannedSession
from programs.selectors.milestones import milestones_for, milestones_unseen
from programs.services.milestones import (
    WeekReviewed,
    milestones_after_session,
    milestones_after_weekly_review,
    milestones_mark_seen,
)
from programs.services.outcomes import goal_add, goal_rate, recheck_submit
from programs.services.sessions import session_finish, session_log_item
from tests.factories import MemberFactory, enrol
from tests.factories.programs import review_due_weeks
from tests.factories.sessions import PlannedSessionFactory, session_with_items
from tests.integration.programs.test_weekly_rules import at, train_week

pytestmark = pytest.mark.django_db
WEEK = date(2026, 11, 16)  # a Monday
DAY = date(2026, 9, 7)


def _finished(member, count: int, *, until: date) -> None:
    for n in range(count):
        PlannedSessionFactory(
            member=member, date=until - timedelta(days=n + 1), status="completed", pain_during=1
        )


def _finish_today(member, day: date) -> PlannedSession:
    session = session_with_items(member=member, day=day, holds=(20,), reps=())
    item = session.items.get()
    session_log_item(member=member, item=item, actual_seconds=20, actual_sets=2)
    return session_finish(member=member, session=session, pain_during=1, sharp_pain=False, effort=4)


def _kinds(member) -> list[tuple]:
    return sorted(
        Milestone.objects.filter(member=member).values_list("kind", "sessions", "phase__slug")
    )


# --- sessions (deposits) -------------------------------------------------------------------


def test_the_tenth_finished_session_raises_one_milestone(time_machine):
    time_machine.move_to(datetime(2026, 9, 20, 12, tzinfo=UTC))
    member = MemberFactory()
    enrol(member, today=DAY)
    today = date(2026, 9, 20)
    _finished(member, 8, until=today)
    _finish_today(member, today - timedelta(days=10))  # the ninth: nothing yet
    assert not Milestone.objects.filter(member=member).exists()
    session = _finish_today(member, today)
    [milestone] = Milestone.objects.filter(member=member)
    assert (milestone.kind, milestone.sessions, milestone.reached_on) == ("sessions", 10, today)
    # Finishing again, or the service reporting again, never makes a second one.
    session_finish(member=member, session=session, pain_during=1, sharp_pain=False, effort=4)
    for _ in range(3):
        milestones_after_session(member=member, today=today)
    assert Milestone.objects.filter(member=member).count() == 1


@pytest.mark.parametrize("done", [0, 9, 10, 29, 30, 99, 100, 150])
def test_each_count_is_raised_once_whatever_the_history(done):
    member = MemberFactory()
    _finished(member, done, until=DAY)
    for _ in range(2):
        milestones_after_session(member=member, today=DAY)
    counts = sorted(
        Milestone.objects.filter(member=member, kind="sessions").values_list("sessions", flat=True)
    )
    assert counts == [n for n in SESSION_MILESTONES if n <= done]


def test_the_database_refuses_a_second_milestone_of_a_kind():
    member = MemberFactory()
    Milestone.objects.create(member=member, kind="sessions", sessions=10, reached_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(member=member, kind="sessions", sessions=10, reached_on=DAY)
    Milestone.objects.create(member=member, kind="green_week", week_start=WEEK, reached_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(
            member=member, kind="green_week", week_start=WEEK + timedelta(days=7), reached_on=DAY
        )
    # A kind carries its own details and nothing else; counts are 10, 30 or 100.
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(member=member, kind="sessions", sessions=11, reached_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.create(member=member, kind="phase", reached_on=DAY)


# --- goals ---------------------------------------------------------------------------------


def test_a_goal_up_two_points_from_its_first_rating_is_raised_once():
    member = MemberFactory()
    goal = goal_add(member=member, activity="Tying my shoes", rating=3, today=DAY)
    goal_rate(member=member, goal=goal, rating=4, today=DAY + timedelta(days=7))
    assert not Milestone.objects.filter(member=member).exists()  # one point: not yet
    goal_rate(member=member, goal=goal, rating=5, today=DAY + timedelta(days=14))
    goal_rate(member=member, goal=goal, rating=7, today=DAY + timedelta(days=21))
    [milestone] = Milestone.objects.filter(member=member)
    assert (milestone.kind, milestone.goal_id, milestone.goal_from, milestone.goal_to) == (
        "goal",
        goal.pk,
        3,
        5,
    )
    assert milestone.reached_on == DAY + timedelta(days=14)
    [shown] = milestones_for(member=member)
    assert shown.title == "Tying my shoes: 3 → 5"


def test_a_recheck_raising_a_goal_raises_its_milestone_and_a_falling_one_does_not():
    member = MemberFactory()
    enrol(member, today=DAY)
    up = goal_add(member=member, activity="Carrying shopping", rating=2, today=DAY)
    down = goal_add(member=member, activity="Gardening", rating=6, today=DAY)
    answers = {
        "socks": 0,
        "sitting": 1,
        "shopping_bag": 0,
        "sleeping": 0,
        "walking": 0,
        "floor_reach": 1,
        "chair_rise": 0,
        "standing": 0,
    }
    for _ in range(2):
        recheck_submit(
            member=member,
            today=DAY + timedelta(days=28),
            pain_usual=2,
            pain_worst=4,
            function_answers=answers,
            goal_ratings={up.pk: 6, down.pk: 3},
        )
    assert list(Milestone.objects.filter(member=member).values_list("goal_id", flat=True)) == [
        up.pk
    ]


# --- the weekly review: phases and the first green week ------------------------------------


def test_moving_on_to_a_phase_raises_it_once_on_the_day_it_starts(time_machine):
    time_machine.move_to(at(WEEK, 0))
    member = MemberFactory()
    enrol(member, today=WEEK)
    first = Enrolment.objects.get(member=member).phase
    for index in range(10):
        monday = WEEK + timedelta(weeks=index)
        time_machine.move_to(at(monday, 12))
        train_week(member, monday, sunday_morning=1)
        time_machine.move_to(at(monday + timedelta(days=7), 1))
        review_due_weeks()
        enrolment = Enrolment.objects.select_related("phase").get(member=member)
        if enrolment.phase != first:
            break
    else:
        pytest.fail("ten green weeks never moved the member on")
    review_due_weeks()
    [reached] = Milestone.objects.filter(member=member, kind="phase")
    assert reached.phase == enrolment.phase
    assert reached.reached_on == enrolment.phase_started_on
    assert not Milestone.objects.filter(member=member, kind="phase", phase=first).exists()
    # A step back and a second advance to the same phase is still one milestone.
    milestones_after_weekly_review(
        week_start=WEEK,
        reviewed=[WeekReviewed(member.pk, (), reached_phase=enrolment.phase)],
    )
    assert Milestone.objects.filter(member=member, kind="phase").count() == 1
    # Every green week was reviewed, but the first is the milestone.
    [green] = Milestone.objects.filter(member=member, kind="green_week")
    assert green.week_start == WEEK


def test_a_week_with_one_amber_session_is_not_all_green(time_machine):
    time_machine.move_to(at(WEEK, 0))
    member = MemberFactory()
    enrol(member, today=WEEK, training_days="1010100")
    time_machine.move_to(at(WEEK, 12))
    train_week(member, WEEK)
    PlannedSession.objects.filter(member=member, date=WEEK).update(pain_during=4)
    time_machine.move_to(at(WEEK + timedelta(days=7), 1))
    assert review_due_weeks()["members_reviewed"] == 1
    assert not Milestone.objects.filter(member=member, kind="green_week").exists()


def test_a_week_with_a_missed_session_is_not_all_green(time_machine):
    time_machine.move_to(at(WEEK, 0))
    member = MemberFactory()
    enrol(member, today=WEEK, training_days="1010100")
    time_machine.move_to(at(WEEK, 12))
    train_week(member, WEEK)
    PlannedSession.objects.filter(member=member, date=WEEK + timedelta(days=2)).update(
        status="planned", pain_during=None, effort=None
    )
    time_machine.move_to(at(WEEK + timedelta(days=7), 1))
    review_due_weeks()
    assert not Milestone.objects.filter(member=member, kind="green_week").exists()


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Auckland (UTC+13 in November): its Monday begins at 11:00 UTC on Sunday.
        ("Pacific/Auckland", at(WEEK + timedelta(days=6), 10), at(WEEK + timedelta(days=6), 12)),
        # Los Angeles (UTC-8): its Monday begins at 08:00 UTC on Monday.
        ("America/Los_Angeles", at(WEEK + timedelta(days=7), 7), at(WEEK + timedelta(days=7), 9)),
    ],
)
def test_the_green_week_is_the_members_own_week(time_machine, zone, before, after):
    time_machine.move_to(at(WEEK - timedelta(days=1), 12))
    member = MemberFactory()
    member.profile.timezone = zone
    member.profile.save(update_fields=["timezone"])
    enrol(member, today=WEEK, training_days="1010001")
    time_machine.move_to(at(WEEK, 12))
    train_week(member, WEEK)  # Sunday's check-in not in yet: judged on what is known
    time_machine.move_to(before)  # still Sunday where they live
    review_due_weeks()
    assert not Milestone.objects.filter(member=member).exists()
    time_machine.move_to(after)
    for _ in range(2):
        review_due_weeks()
    [green] = Milestone.objects.filter(member=member)
    assert (green.kind, green.week_start, green.reached_on) == (
        "green_week",
        WEEK,
        WEEK + timedelta(days=7),
    )
    [shown] = milestones_unseen(member=member)
    assert "week of 16 November" in shown.text


# --- seen once -----------------------------------------------------------------------------


def test_marking_seen_is_once_and_only_for_the_member():
    member, other = MemberFactory(), MemberFactory()
    mine = Milestone.objects.create(member=member, kind="sessions", sessions=10, reached_on=DAY)
    theirs = Milestone.objects.create(member=other, kind="sessions", sessions=10, reached_on=DAY)
    assert milestones_mark_seen(member=member, ids=[mine.pk, theirs.pk]) == 1
    assert milestones_mark_seen(member=member, ids=[mine.pk]) == 0
    assert milestones_unseen(member=member) == []
    assert [m.id for m in milestones_unseen(member=other)] == [theirs.pk]
    assert [m.id for m in milestones_for(member=member)] == [mine.pk]


def test_every_kind_has_words():
    member = MemberFactory()
    goal = goal_add(member=member, activity="Sitting through a film", rating=2, today=DAY)
    phase = Phase.objects.order_by("order")[1]
    Milestone.objects.bulk_create(
        [
            Milestone(member=member, kind=MilestoneKind.PHASE, phase=phase, reached_on=DAY),
            Milestone(member=member, kind=MilestoneKind.SESSIONS, sessions=30, reached_on=DAY),
            Milestone(
                member=member, kind=MilestoneKind.GREEN_WEEK, week_start=WEEK, reached_on=DAY
            ),
            Milestone(
                member=member,
                kind=MilestoneKind.GOAL,
                goal=goal,
                goal_from=2,
                goal_to=5,
                reached_on=DAY,
            ),
        ]
    )
    titles = {m.kind: m.title for m in milestones_for(member=member)}
    assert titles == {
        "phase": f"On to {phase.name}",
        "sessions": "30 sessions done",
        "green_week": "A week with every session green",
        "goal": "Sitting through a film: 2 → 5",
    }


# --- pages ---------------------------------------------------------------------------------


def test_today_shows_a_new_milestone_until_dismissed_and_progress_keeps_it(client, time_machine):
    time_machine.move_to(datetime(2026, 9, 20, 12, tzinfo=UTC))
    member = MemberFactory()
    enrol(member, today=DAY)
    today = date(2026, 9, 20)
    _finished(member, 9, until=today)
    _finish_today(member, today)
    client.force_login(member)
    for _ in range(2):  # reading Today writes nothing: a reload (or a prefetch) keeps it
        page = client.get("/today/").content.decode()
        assert "10 sessions done" in page and "A milestone" in page
    milestone = Milestone.objects.get(member=member)
    assert milestone.seen_at is None
    response = client.post("/today/milestones/seen/", {"ids": [milestone.pk]})
    assert response.status_code == 302 and response["Location"] == "/today/"
    assert Milestone.objects.get(member=member).seen_at is not None
    assert "10 sessions done" not in client.get("/today/").content.decode()
    progress = client.get("/progress/").content.decode()
    assert "10 sessions done" in progress and 'datetime="2026-09-20"' in progress


def test_dismissing_takes_a_post_and_only_the_members_own(client):
    member, other = MemberFactory(), MemberFactory()
    mine = Milestone.objects.create(member=member, kind="sessions", sessions=10, reached_on=DAY)
    theirs = Milestone.objects.create(member=other, kind="sessions", sessions=10, reached_on=DAY)
    client.force_login(member)
    assert client.get("/today/milestones/seen/").status_code == 405
    for bad in ({}, {"ids": ["x"]}, {"ids": ["²"]}, {"ids": [str(2**70)]}):
        assert client.post("/today/milestones/seen/", bad).status_code == 400
    response = client.post(
        "/today/milestones/seen/", {"ids": [mine.pk, theirs.pk]}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response.content == b""
    assert Milestone.objects.get(pk=mine.pk).seen_at is not None
    assert Milestone.objects.get(pk=theirs.pk).seen_at is None


def test_today_shows_only_the_members_own_milestones(client):
    member, other = MemberFactory(), MemberFactory()
    enrol(member)
    Milestone.objects.create(member=other, kind="sessions", sessions=30, reached_on=DAY)
    client.force_login(member)
    assert "30 sessions done" not in client.get("/today/").content.decode()
    assert "30 sessions done" not in client.get("/progress/").content.decode()
    assert Milestone.objects.get(member=other).seen_at is None


def test_new_milestones_cost_today_no_query_more(client, django_assert_num_queries):
    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    client.get("/today/")  # plans the day
    Milestone.objects.create(member=member, kind="sessions", sessions=10, reached_on=DAY)
    Milestone.objects.create(member=member, kind="sessions", sessions=30, reached_on=DAY)
    with django_assert_num_queries(
        11
    ):  # the page's pinned 11 (fingerprint with the gate): no write
        response = client.get("/today/")
    assert "2 milestones" in response.content.decode()
