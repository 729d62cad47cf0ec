import csv
import io
import json
from datetime import date, time

import pytest
from django.contrib.auth import get_user_model

from programs.models import PlannedItem, PlannedSession, ReminderSettings
from programs.services.calendar import calendar_feed_create
from programs.services.reminders import reminder_settings_update
from tests.factories import MemberFactory
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db


def history(member, *, day):
    session = session_with_items(
        member=member,
        day=day,
        holds=(20,),
        reps=(8,),
        status="completed",
        pain_during=3,
        effort=6,
        notes=f"notes of {member.email}",
    )
    first, second = session.items.order_by("order")
    PlannedItem.objects.filter(pk=first.pk).update(
        actual_seconds=18, actual_sets=2, completed_at=session.created_at
    )
    # The second item was planned but never done: not a logged exercise.
    return session, first, second


def test_csv_has_one_row_per_logged_exercise_and_only_mine(client, member):
    mine, first, _ = history(member, day=date(2026, 3, 2))
    other = MemberFactory()
    history(other, day=date(2026, 3, 2))
    client.force_login(member)
    response = client.get("/account/data/log.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.streaming  # streamed from a server-side cursor, never built in memory
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["date"] == "2026-03-02"
    assert row["exercise"] == first.exercise.name
    assert (row["actual_seconds"], row["actual_sets"], row["pain_during"]) == ("18", "2", "3")


def test_json_has_everything_i_own_and_nothing_else(client, member):
    mine, first, second = history(member, day=date(2026, 3, 2))
    reminder_settings_update(
        member=member,
        enabled=True,
        local_time=time(7, 0),
        weekdays=[0, 1],
        timezone="Europe/London",
        morning_checkins=True,
    )
    feed = calendar_feed_create(member=member)
    other = MemberFactory()
    history(other, day=date(2026, 3, 3))
    client.force_login(member)
    response = client.get("/account/data/data.json")
    assert response.status_code == 200
    raw = b"".join(response.streaming_content)
    data = json.loads(raw)
    assert data["format"] == "backcore-export-2"
    assert data["account"]["email"] == member.email
    assert data["profile"]["display_name"] == member.profile.display_name
    assert data["membership"]["source"] == "free"
    assert [s["date"] for s in data["sessions"]] == ["2026-03-02"]
    assert data["sessions"][0]["notes"] == f"notes of {member.email}"
    assert [i["id"] for i in data["sessions"][0]["items"]] == [first.pk, second.pk]
    assert data["reminder_settings"]["weekdays"] == "1100000"
    assert len(data["calendar_feeds"]) == 1
    body = raw.decode()
    assert feed.token not in body  # secrets stay out of files that get passed around
    assert other.email not in body
    assert "2026-03-03" not in body


def test_export_pages_need_login(client):
    for url in (
        "/account/data/",
        "/account/data/log.csv",
        "/account/data/data.json",
        "/account/data/data.zip",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_delete_needs_the_exact_email(client, member):
    history(member, day=date(2026, 3, 2))
    client.force_login(member)
    assert client.get("/account/data/").status_code == 200
    response = client.post("/account/delete/", {"confirm_email": "someone@else.org"})
    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode()
    assert get_user_model().objects.filter(pk=member.pk).exists()


def test_delete_removes_personal_data(client, member):
    history(member, day=date(2026, 3, 2))
    reminder_settings_update(
        member=member,
        enabled=True,
        local_time=time(7, 0),
        weekdays=[0],
        timezone="UTC",
        morning_checkins=True,
    )
    other = MemberFactory()
    history(other, day=date(2026, 3, 2))
    client.force_login(member)
    response = client.post("/account/delete/", {"confirm_email": member.email.upper()})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=member.pk).exists()
    assert not PlannedSession.objects.filter(member_id=member.pk).exists()
    assert not PlannedItem.objects.filter(session__member_id=member.pk).exists()
    assert not ReminderSettings.objects.filter(member_id=member.pk).exists()
    assert PlannedSession.objects.filter(member=other).count() == 1  # others untouched
    assert client.get("/progress/").status_code == 302  # logged out


def test_delete_anonymises_forum_posts(member):
    from backcore.accounts.services import user_delete
    from community.models import FORMER_MEMBER
    from tests.factories import PostFactory

    post = PostFactory(author=member)
    user_delete(user=member)
    post.refresh_from_db()
    assert post.author_id is None
    assert post.author_name == FORMER_MEMBER


def test_export_query_count_is_constant(client, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for sessions in (1, 8):
        member = MemberFactory()
        for n in range(sessions):
            history(member, day=date(2026, 3, 1 + n))
        client.force_login(member)
        for url in ("/account/data/data.json", "/account/data/log.csv"):
            with CaptureQueriesContext(connection) as ctx:
                b"".join(client.get(url).streaming_content)  # the queries run as it streams
            counts.append((url, len(ctx.captured_queries)))
    assert counts[:2] == counts[2:]
