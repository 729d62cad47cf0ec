from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from programs.models import PlannedItem, PlannedSession
from programs.selectors import session_record
from programs.services.sessions import (
    session_answer_morning,
    session_finish,
    session_log_item,
    session_start,
)
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items
from tests.page_pins import served, without_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    """A member whose intake is done with no red flags: the safety gate is open, as it must be
    before any session is shown, logged, emailed or put in the calendar."""
    person = MemberFactory()
    enrol(person)
    return person


PLAYER = "/today/session/"


def today():
    return timezone.localdate()


def done_url(item):
    return reverse("programs:session_item_done", args=[item.pk])


def test_urls_are_where_the_issue_says():
    assert reverse("programs:session_player") == PLAYER
    assert reverse("programs:session_finish") == "/today/session/finish/"
    assert reverse("programs:morning_checkin") == "/today/morning/"
    assert reverse("programs:log_late") == "/sessions/log-late/"


def test_player_needs_membership(client, user):
    client.force_login(user)
    response = client.get(PLAYER)
    assert response.status_code == 302
    assert response["Location"].startswith("/join/")


def test_player_shows_first_item_with_steps_dose_and_timer(client, member):
    session = session_with_items(member=member, day=today(), holds=(20,), reps=(10,))
    first = session.items.order_by("order").first()
    client.force_login(member)
    response = client.get(PLAYER)
    assert response.status_code == 200
    html = response.content.decode()
    assert first.exercise.name in html
    assert "Exercise 1 of 2" in html
    assert "Get set." in html  # the exercise's steps
    assert 'data-mode="hold"' in html and 'data-hold="20"' in html
    assert "programs/player.js" in html
    assert f'action="{done_url(first)}"' in html


def test_abandoned_session_keeps_completed_items_and_resumes(client, member):
    session = session_with_items(member=member, day=today(), holds=(20, 30), reps=(10,))
    first, second, third = session.items.order_by("order")
    client.force_login(member)
    response = client.post(done_url(first), {"actual_seconds": "20", "actual_sets": "2"})
    assert response.status_code == 302
    # The tab closes here. Later, a fresh client (new browser) comes back.
    first.refresh_from_db()
    assert first.completed_at is not None and first.actual_seconds == 20
    session.refresh_from_db()
    assert session.status == "in_progress" and session.started_at is not None
    client.logout()
    client.force_login(member)
    html = client.get(PLAYER).content.decode()
    assert "Exercise 2 of 3" in html
    assert f'action="{done_url(second)}"' in html
    assert "Done so far" in html
    # Finish the rest; the finish link appears.
    client.post(done_url(second), {"actual_seconds": "25", "actual_sets": "2"})
    client.post(done_url(third), {"actual_reps": "10", "actual_sets": "2", "sides_done": "2"})
    html = client.get(PLAYER).content.decode()
    assert "All exercises saved" in html
    second.refresh_from_db()
    assert second.target_met is False  # 25 s of a planned 30 s
    third.refresh_from_db()
    assert (third.actual_reps, third.sides_done, third.target_met) == (10, 2, True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"actual_seconds": "-5", "actual_sets": "2"}, "Hold time cannot be negative."),
        ({"actual_seconds": "601", "actual_sets": "2"}, "Hold time can be at most 600 seconds."),
        ({"actual_seconds": "20", "actual_sets": "11"}, "Sets can be at most 10."),
        ({"actual_seconds": "abc", "actual_sets": "2"}, "Hold time must be a whole number."),
        ({"actual_sets": "2"}, "Enter how many seconds you held."),
    ],
)
def test_bad_hold_values_are_refused_with_a_message_and_nothing_is_lost(
    client, member, data, message
):
    session = session_with_items(member=member, day=today(), holds=(20, 20), reps=())
    first, second = session.items.order_by("order")
    client.force_login(member)
    assert (
        client.post(done_url(first), {"actual_seconds": "20", "actual_sets": "2"}).status_code
        == 302
    )
    response = client.post(done_url(second), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.completed_at is not None and first.actual_seconds == 20
    assert second.completed_at is None and second.actual_seconds is None


def test_too_many_reps_are_refused(client, member):
    session = session_with_items(member=member, day=today(), holds=(), reps=(10,))
    item = session.items.get()
    client.force_login(member)
    response = client.post(done_url(item), {"actual_reps": "201", "actual_sets": "1"})
    assert response.status_code == 422
    assert "Reps can be at most 200." in response.content.decode()
    item.refresh_from_db()
    assert item.actual_reps is None


def test_cannot_log_someone_elses_item(client, member):
    other = MemberFactory()
    session = session_with_items(member=other, day=today(), holds=(20,), reps=())
    item = session.items.get()
    client.force_login(member)
    assert (
        client.post(done_url(item), {"actual_seconds": "20", "actual_sets": "1"}).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        session_log_item(member=member, item=item, actual_seconds=20, actual_sets=1)
    with pytest.raises(PermissionDenied):
        session_start(member=member, session=session)
    item.refresh_from_db()
    assert item.completed_at is None


def test_finish_records_pain_effort_and_notes(client, member):
    session = session_with_items(member=member, day=today(), holds=(20,), reps=())
    item = session.items.get()
    client.force_login(member)
    client.post(done_url(item), {"actual_seconds": "20", "actual_sets": "2"})
    url = reverse("programs:session_finish")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"pain_during": "11", "effort": "5", "sharp_pain": "no"})
    assert bad.status_code == 422
    assert "Pain can be at most 10." in bad.content.decode()
    response = client.post(
        url, {"pain_during": "3", "effort": "6", "sharp_pain": "no", "notes": "Felt steady."}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.status, session.pain_during, session.effort, session.sharp_pain) == (
        "completed",
        3,
        6,
        False,
    )
    assert session.notes == "Felt steady." and session.completed_at is not None


def test_finish_needs_at_least_one_exercise(member):
    session = session_with_items(member=member, day=today(), holds=(20,), reps=())
    with pytest.raises(ValidationError, match="at least one exercise"):
        session_finish(member=member, session=session, pain_during=2, sharp_pain=False, effort=5)


def test_morning_checkin_feeds_morning_pain(client, member):
    yesterday = today() - timedelta(days=1)
    session = session_with_items(
        member=member,
        day=yesterday,
        holds=(20,),
        reps=(),
        status="completed",
        pain_during=3,
        effort=5,
    )
    client.force_login(member)
    # A GET (a bookmarked or emailed link) shows the question, never an empty 405.
    page = client.get("/today/morning/")
    assert page.status_code == 200 and b'name="morning_pain"' in page.content
    bad = client.post("/today/morning/", {"session": session.pk, "morning_pain": "-1"})
    assert bad.status_code == 422
    response = client.post("/today/morning/", {"session": session.pk, "morning_pain": "2"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.morning_pain == 2 and session.morning_answered_at is not None
    other = MemberFactory()
    with pytest.raises(PermissionDenied):
        session_answer_morning(member=other, session=session, morning_pain=1)


def test_morning_checkin_page_without_a_question_goes_to_today(client, member):
    client.force_login(member)
    response = client.get("/today/morning/")
    assert response.status_code == 302 and response["Location"] == "/today/"


def test_morning_checkin_only_for_finished_sessions(member):
    session = session_with_items(member=member, day=today(), holds=(20,), reps=())
    with pytest.raises(ValidationError, match="finished session"):
        session_answer_morning(member=member, session=session, morning_pain=1)


def test_log_late_within_seven_days(client, member):
    day = today() - timedelta(days=3)
    session = session_with_items(member=member, day=day, holds=(20,), reps=())
    client.force_login(member)
    page = client.get("/sessions/log-late/")
    assert page.status_code == 200
    assert day.strftime("%A") in page.content.decode()
    response = client.post("/sessions/log-late/", {"day": day.isoformat()})
    assert response.status_code == 302
    assert response["Location"] == f"{PLAYER}?day={day.isoformat()}"
    session.refresh_from_db()
    assert session.logged_late and session.status == "in_progress"
    item = session.items.get()
    assert (
        client.post(done_url(item), {"actual_seconds": "20", "actual_sets": "2"}).status_code == 302
    )
    finish = client.post(
        "/today/session/finish/",
        {"day": day.isoformat(), "pain_during": "2", "effort": "4", "sharp_pain": "no"},
    )
    assert finish.status_code == 302
    session.refresh_from_db()
    assert session.status == "completed" and session.logged_late


def test_log_late_refuses_older_days(client, member):
    old = today() - timedelta(days=8)
    session_with_items(member=member, day=old, holds=(20,), reps=())
    client.force_login(member)
    response = client.post("/sessions/log-late/", {"day": old.isoformat()})
    assert response.status_code == 400
    assert "7 days back" in response.content.decode()
    assert client.get(f"{PLAYER}?day={old.isoformat()}").status_code == 400
    assert not PlannedSession.objects.get(member=member, date=old).logged_late


@pytest.mark.parametrize("items", [1, 6])
def test_player_query_count_is_pinned(client, member, items, django_assert_num_queries):
    session_with_items(member=member, day=today(), holds=(20,) * items, reps=(8,) * items)
    # Complete all but the last item, so the "done so far" list grows with the session too.
    PlannedItem.objects.filter(session__member=member).exclude(order=2 * items).update(
        completed_at=timezone.now(), actual_seconds=20, actual_sets=1
    )
    client.force_login(member)
    # session, user (with membership, profile and the notifications bell), the safety gate
    # (intake + enrolment + last screen, one query), the session, its items, steps, images.
    # The player only reads the stored plan (planning is not a side effect of GET).
    # +1: the session's row alone first (where it redirects), its items only when the body is
    # built; on PostgreSQL the player's fingerprint, under which the body is kept, comes with
    # that row (no query of its own). -1: the profile comes with the safety gate's row.
    with django_assert_num_queries(8):
        response = client.get(PLAYER)
    assert f"Exercise {2 * items} of {2 * items}" in response.content.decode()
    # Kept while nothing changed: the session's row (and fingerprint), and no items, steps or
    # images.
    with django_assert_num_queries(served(8, kept_queries=4)):
        again = client.get(PLAYER)
    assert without_tokens(again.content) == without_tokens(response.content)


def test_today_page_asks_the_morning_question(client, member):
    from django.template import Context, Template
    from django.test import RequestFactory

    yesterday = today() - timedelta(days=1)
    session = session_with_items(
        member=member, day=yesterday, holds=(20,), reps=(), status="completed", pain_during=3
    )
    request = RequestFactory().get("/today/")
    request.user = member
    html = Template("{% load programs_checkin %}{% morning_checkin %}").render(
        Context({"request": request})
    )
    assert "Did " in html and f'value="{session.pk}"' in html
    assert 'name="morning_pain"' in html
    session_answer_morning(member=member, session=session, morning_pain=1)
    html = Template("{% load programs_checkin %}{% morning_checkin %}").render(
        Context({"request": request})
    )
    assert "morning_pain" not in html


def test_enrolled_member_today_player_finish_and_morning(client, member):
    """The whole loop on a real plan: /today/ → player → each exercise → finish → next morning."""

    enrol(member, today=today() - timedelta(days=1))
    client.force_login(member)
    assert client.get("/today/").status_code == 200
    session = PlannedSession.objects.get(member=member, date=today())
    assert not session.is_rest_day
    items = list(session.items.order_by("order"))
    assert items
    for position, item in enumerate(items, start=1):
        page = client.get(PLAYER).content.decode()
        assert f"Exercise {position} of {len(items)}" in page
        data = {"actual_sets": str(item.sets), "sides_done": "2"}
        if item.hold_seconds:
            data["actual_seconds"] = str(item.hold_seconds)
        else:
            data["actual_reps"] = str(item.reps)
        assert client.post(done_url(item), data).status_code == 302
    assert "All exercises saved" in client.get(PLAYER).content.decode()
    finish = client.post(
        "/today/session/finish/", {"pain_during": "2", "effort": "5", "sharp_pain": "no"}
    )
    assert finish.status_code == 302
    session.refresh_from_db()
    assert session.status == "completed"
    assert all(i.target_met for i in session.items.all())
    # Next morning, /today/ asks whether it settled (the day before's own plan, made when the
    # intake finished, makes way for the moved session).
    yesterday = today() - timedelta(days=1)
    PlannedSession.objects.filter(member=member, date=yesterday).delete()
    PlannedSession.objects.filter(pk=session.pk).update(date=yesterday)
    html = client.get("/today/").content.decode()
    assert 'name="morning_pain"' in html and f'value="{session.pk}"' in html


def test_morning_checkin_bad_answer_without_js_gets_a_page(client, member):
    session = session_with_items(
        member=member,
        day=today() - timedelta(days=1),
        holds=(20,),
        reps=(),
        status="completed",
        pain_during=3,
    )
    client.force_login(member)
    response = client.post("/today/morning/", {"session": session.pk, "morning_pain": "12"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "<h1>Morning check-in</h1>" in html and "Morning pain can be at most 10." in html


@pytest.mark.parametrize(("morning", "light"), [(1, "green"), (7, "red")])
def test_morning_answer_feeds_the_engine_pain_rule(member, morning, light):
    from programs.engine.pain import classify_session
    from programs.selectors.member import session_record

    session = session_with_items(member=member, day=today(), holds=(20,), reps=())
    item = session.items.get()
    session_log_item(member=member, item=item, actual_seconds=20, actual_sets=2)
    session_finish(member=member, session=session, pain_during=2, sharp_pain=False, effort=5)
    session_answer_morning(member=member, session=session, morning_pain=morning)
    stored = PlannedSession.objects.prefetch_related("items").get(pk=session.pk)
    verdict = classify_session(session_record(stored, {item.exercise_id: item.exercise.slug}))
    assert verdict.light == light


def test_engine_sees_only_the_exercises_actually_logged(member):
    """A planned exercise the member never logged must not count as done (or as a met target)."""
    session = session_with_items(
        member=member,
        day=timezone.localdate() - timedelta(days=3),
        holds=(20, 30),
        reps=(),
        status="completed",
    )
    logged, skipped = session.items.order_by("order")
    logged.completed_at = timezone.now()
    logged.save(update_fields=["completed_at"])
    slugs = {logged.exercise_id: "logged-one", skipped.exercise_id: "skipped-one"}
    record = session_record(session, slugs)
    assert [done.exercise for done in record.exercises] == ["logged-one"]


def test_no_logging_once_an_emergency_sign_is_reported(client, member):
    """A plan made before the red flag cannot be shown or logged afterwards."""
    from programs.models import Intake

    session = session_with_items(
        member=member, day=timezone.localdate(), holds=(20,), reps=(), status="in_progress"
    )
    Intake.objects.filter(member=member).update(
        flag_saddle_numbness=True, emergency_flagged_at=timezone.now()
    )
    item = session.items.get()
    with pytest.raises(PermissionDenied):
        session_log_item(member=member, item=item, actual_seconds=20, actual_sets=1)
    client.force_login(member)
    response = client.get(reverse("programs:session_player"))
    assert "urgent" in response.content.decode().lower()
    item.refresh_from_db()
    assert item.completed_at is None


def test_log_late_offers_neither_days_before_sign_up_nor_rest_days(client, member):
    from programs.models import Enrolment
    from tests.factories.programs import enrol

    # Trains Monday to Friday; enrolled four days ago.
    enrol(member, training_days="1111100")
    four_days_ago = timezone.now() - timedelta(days=4)
    Enrolment.objects.filter(member=member).update(created_at=four_days_ago)
    client.force_login(member)
    days = client.get("/sessions/log-late/").context["days"]
    shown = [entry.day for entry in days]
    assert shown == [today() - timedelta(days=n) for n in range(1, 5)]
    for entry in days:
        assert entry.is_rest_day == (entry.day.weekday() >= 5)


ITEM_SAVE_QUERIES = 10  # 12 before the profile came with the gate's row, 11 before member_context


@pytest.mark.parametrize("items", [1, 6])
def test_saving_an_item_in_the_player_is_cheap(client, member, items, django_assert_num_queries):
    # session, user (with membership), the view's gate (with the profile) and item look-up; then
    # the service:
    # savepoint, item + session locked together, its own gate check, session started, item saved,
    # release. No SELECT per check constraint or foreign key, whatever the session's size.
    session = session_with_items(member=member, day=today(), holds=(20,) * items, reps=(8,))
    item = session.items.order_by("order").first()
    client.force_login(member)
    with django_assert_num_queries(ITEM_SAVE_QUERIES):
        response = client.post(done_url(item), {"actual_seconds": "20", "actual_sets": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.completed_at is not None and item.actual_seconds == 20
