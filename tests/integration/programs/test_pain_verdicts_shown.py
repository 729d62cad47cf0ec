"""Pages say what the engine's pain light says: the morning check-in's reply and the coach's
strip of recent sessions follow its verdict, never a threshold of their own."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from programs.services.coach_alerts import coach_alert_raise
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    person = MemberFactory()
    enrol(person)
    return person


def _finished_yesterday(member, **answers):
    day = timezone.localdate() - timedelta(days=1)
    session = session_with_items(
        member=member, day=day, holds=(20,), reps=(), status="completed", **answers
    )
    session.items.update(completed_at=timezone.now(), actual_seconds=20, actual_sets=1)
    return session


@pytest.mark.parametrize(
    ("morning", "level", "says"),
    [
        (1, "success", "It settled"),
        (4, "warning", "hadn't settled by the next morning (4/10)"),
        (7, "warning", "left you at 7/10 the next morning"),
    ],
)
def test_the_morning_reply_follows_the_engine_verdict(client, member, morning, level, says):
    session = _finished_yesterday(member, pain_during=2, effort=5, pain_before=3)
    client.force_login(member)
    response = client.post(
        reverse("programs:morning_checkin"), {"session": session.pk, "morning_pain": morning}
    )
    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == level and says in message.message


def test_the_morning_reply_in_place_shows_the_saved_answer(client, member):
    session = _finished_yesterday(member, pain_during=2, effort=5)
    client.force_login(member)
    response = client.post(
        reverse("programs:morning_checkin"),
        {"session": session.pk, "morning_pain": "7"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved: 7/10 this morning." in html and "left you at 7/10" in html


def test_a_bad_session_id_is_a_400_and_someone_elses_a_404(client, member):
    other = _finished_yesterday(MemberFactory(), pain_during=2, effort=5)
    client.force_login(member)
    url = reverse("programs:morning_checkin")
    assert client.post(url, {"session": "²", "morning_pain": "1"}).status_code == 400
    assert client.post(url, {"session": other.pk, "morning_pain": "1"}).status_code == 404
    other.refresh_from_db()
    assert other.morning_pain is None


def test_the_coach_strip_marks_what_the_engine_calls_red(client, member, coach):
    # Low pain during, but 7/10 next morning: red by the engine's rule, though "during" is 2.
    _finished_yesterday(member, pain_during=2, effort=5, morning_pain=7)
    day = timezone.localdate() - timedelta(days=2)
    session_with_items(
        member=member,
        day=day,
        holds=(20,),
        reps=(),
        status="completed",
        pain_during=5,
        morning_pain=1,
    )
    alert = coach_alert_raise(member=member, cause="stalled")
    client.force_login(coach)
    html = client.get(reverse("coach:alert", args=[alert.pk])).content.decode()
    strip = html[html.index('class="pain-strip"') :]
    strip = strip[: strip.index("</ul>")]
    items = strip.split("<li")[1:]
    assert len(items) == 2
    assert 'class="is-red"' in items[0] and "(red)" in items[0]  # newest first
    assert 'class="is-red"' not in items[1]  # 5/10 during is amber, not red
