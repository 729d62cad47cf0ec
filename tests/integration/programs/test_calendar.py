from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from programs.models import CalendarFeed, PlannedSession
from programs.services.calendar import calendar_feed_create
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    """A member whose intake is done with no red flags: the safety gate is open, as it must be
    before any session is shown, logged, emailed or put in the calendar."""
    person = MemberFactory()
    enrol(person)
    return person


def feed_url(feed):
    return f"/calendar/{feed.token}.ics"


def events(response):
    cal = Calendar.from_ical(response.content)
    return list(cal.walk("VEVENT"))


def test_feed_lists_planned_sessions_for_the_next_14_days(client, member):
    today = timezone.localdate()
    session_with_items(member=member, day=today + timedelta(days=1), holds=(20,), reps=(8,))
    session_with_items(member=member, day=today + timedelta(days=20), holds=(20,), reps=())
    session_with_items(member=member, day=today - timedelta(days=1), holds=(20,), reps=())
    rest = session_with_items(member=member, day=today + timedelta(days=2), holds=(), reps=())
    rest.is_rest_day = True
    rest.save(update_fields=["is_rest_day"])
    session_with_items(member=MemberFactory(), day=today + timedelta(days=3), holds=(20,), reps=())
    feed = calendar_feed_create(member=member)
    response = client.get(feed_url(feed))  # no login: calendar apps fetch it anonymously
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = {e.decoded("dtstart"): e for e in events(response)}
    # The stored plans within 14 days (other days are projected; see the enrolled test below).
    assert today - timedelta(days=1) not in found
    assert today + timedelta(days=2) not in found  # a stored rest day
    assert today + timedelta(days=20) not in found
    assert max(found) <= today + timedelta(days=13)
    event = found[today + timedelta(days=1)]
    assert str(event.get("summary")).startswith("BackCore: 2 exercises")
    assert "20 s hold" in str(event.get("description"))
    assert (
        str(event.get("uid"))
        == f"session-{member.pk}-{(today + timedelta(days=1)).isoformat()}@backcore"
    )


def test_token_can_be_revoked_and_regenerated(client, member):
    client.force_login(member)
    assert client.post("/account/calendar/", {"action": "create"}).status_code == 302
    first = CalendarFeed.objects.get(member=member, revoked_at__isnull=True)
    assert client.get(feed_url(first)).status_code == 200
    page = client.get("/account/reminders/").content.decode()
    assert first.token in page
    client.post("/account/calendar/", {"action": "regenerate"})
    second = CalendarFeed.objects.get(member=member, revoked_at__isnull=True)
    assert second.token != first.token
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    client.post("/account/calendar/", {"action": "revoke"})
    assert client.get(feed_url(second)).status_code == 404
    assert not CalendarFeed.objects.filter(member=member, revoked_at__isnull=True).exists()


def test_unknown_token_and_lapsed_member_get_404(client, member):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    feed = calendar_feed_create(member=member)
    member.membership.delete()
    assert client.get(feed_url(feed)).status_code == 404


def test_managing_the_feed_needs_membership(client, user):
    client.force_login(user)
    response = client.post("/account/calendar/", {"action": "create"})
    assert response.status_code == 302 and response["Location"].startswith("/join/")
    assert not CalendarFeed.objects.exists()


def test_enrolled_member_feed_projects_training_days(client, member):

    today = timezone.localdate()
    enrol(member, today=today, training_days="1010100")
    feed = calendar_feed_create(member=member)
    found = events(client.get(feed_url(feed)))
    days = [e.decoded("dtstart") for e in found]
    assert days, "training days in the next two weeks are listed"
    assert all(d.weekday() in (0, 2, 4) for d in days)
    assert all(today <= d < today + timedelta(days=14) for d in days)
    assert len(days) == sum((today + timedelta(days=n)).weekday() in (0, 2, 4) for n in range(14))
    assert not PlannedSession.objects.filter(member=member, date__gt=today).exists()  # not stored
