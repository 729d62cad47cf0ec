"""Honest endings: after saving a session the member reads what happened, what the
programme does next (from the engine's pain verdict), and whether the day counts toward the
streak."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Enrolment, PlannedSession
from programs.selectors.outcome import counts_for_streak, session_outcome
from programs.selectors.progress import progress_for
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db
FINISH = "/today/session/finish/"


@pytest.fixture
def member(db):
    person = MemberFactory()
    enrol(person, today=timezone.localdate() - timedelta(days=7))
    Enrolment.objects.filter(member=person).update(created_at=timezone.now() - timedelta(days=7))
    return person


def do(client, item):
    data = {"actual_sets": str(item.sets), "sides_done": "2"}
    if item.hold_seconds:
        data["actual_seconds"] = str(item.hold_seconds)
    else:
        data["actual_reps"] = str(item.reps)
    response = client.post(reverse("programs:session_item_done", args=[item.pk]), data)
    assert response.status_code == 302


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def test_counts_for_streak_needs_half_the_exercises():
    assert counts_for_streak(done=2, total=4) and counts_for_streak(done=1, total=1)
    assert not counts_for_streak(done=1, total=4) and not counts_for_streak(done=0, total=1)


def test_a_painful_short_session_says_what_happened_and_what_comes_next(client, member):
    today = timezone.localdate()
    yesterday = session_with_items(member=member, day=today - timedelta(days=1), holds=(20,))
    PlannedSession.objects.filter(pk=yesterday.pk).update(
        status="completed", pain_during=1, effort=4
    )
    yesterday.items.update(completed_at=timezone.now())
    session = session_with_items(member=member, day=today, holds=(20, 30), reps=(8, 10))
    client.force_login(member)
    do(client, session.items.order_by("order").first())
    response = client.post(
        FINISH, {"pain_during": "7", "effort": "6", "sharp_pain": "yes"}, follow=True
    )
    page = text(response)
    assert "Done today" not in page and "well done" not in page.lower()
    assert "1 of 4 exercises done." in page
    assert "Pain during the session: 7/10." in page and "You reported sharp pain." in page
    assert "tomorrow is a rest day" in page  # the engine's red verdict
    assert "doesn't add to your streak, and it doesn't break it either" in page

    today_page = text(client.get("/today/"))
    assert "Saved: that session hurt" in today_page
    assert "1 of 4 exercises done." in today_page and "What happens next" in today_page
    assert "Done today" not in today_page

    # Yesterday's full session still makes a streak of one: today's short one neither adds
    # nor breaks.
    progress = progress_for(member=member, today=today)
    assert progress.current_streak == 1
    assert next(d for d in progress.streak if d.day == today).short


def test_a_full_green_session_counts_and_says_the_morning_decides(client, member):
    session = session_with_items(member=member, day=timezone.localdate(), holds=(20,), reps=(8,))
    client.force_login(member)
    for item in session.items.all():
        do(client, item)
    response = client.post(
        FINISH, {"pain_during": "2", "effort": "5", "sharp_pain": "no"}, follow=True
    )
    page = text(response)
    assert "2 of 2 exercises done." in page
    assert "Tomorrow morning we ask how your back feels" in page
    assert "This session counts toward your streak." in page
    assert progress_for(member=member, today=timezone.localdate()).current_streak == 1


def test_severe_pain_passes_on_the_engines_advice(member):
    session = session_with_items(member=member, day=timezone.localdate(), holds=(20,))
    PlannedSession.objects.filter(pk=session.pk).update(status="completed", pain_during=9, effort=5)
    session.items.update(completed_at=timezone.now())
    outcome = session_outcome(session=PlannedSession.objects.get(pk=session.pk))
    assert outcome.light == "red" and outcome.escalations
    assert outcome.escalations[0].advice in outcome.what_next
    assert outcome.counts_for_streak
