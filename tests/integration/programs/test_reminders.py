import re
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from programs.models import ReminderSent, ReminderSettings
from programs.services.reminders import (
    member_id_from_token,
    reminder_candidates,
    reminder_send,
    reminder_settings_update,
    reminders_due,
    unsubscribe_token,
)
from programs.tasks import send_due_reminders, send_reminder
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


EVERY_DAY = range(7)


def turn_on(member, *, at=time(7, 30), zone="Europe/London", days=EVERY_DAY, morning=True):
    return reminder_settings_update(
        member=member,
        enabled=True,
        local_time=at,
        weekdays=days,
        timezone=zone,
        morning_checkins=morning,
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def beat(django_capture_on_commit_callbacks):
    """Run the beat task as a worker would: the queued sends go out once the run commits."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_due_reminders()

    return run


def test_due_members_across_timezones():
    london, new_york, kolkata, sydney = (MemberFactory() for _ in range(4))
    turn_on(london, at=time(7, 0), zone="Europe/London")
    turn_on(new_york, at=time(7, 0), zone="America/New_York")
    turn_on(kolkata, at=time(7, 0), zone="Asia/Kolkata")
    turn_on(sydney, at=time(7, 0), zone="Australia/Sydney")
    off = MemberFactory()
    turn_on(off, at=time(7, 0), zone="Europe/London")
    ReminderSettings.objects.filter(member=off).update(enabled=False)

    def due_at(moment):
        return {(d.member_id, d.local_date) for d in reminders_due(now=moment)}

    # 15 January 2026 (winter in the north, summer in Sydney).
    assert due_at(utc(2026, 1, 15, 7, 0)) == {(london.pk, date(2026, 1, 15))}
    assert due_at(utc(2026, 1, 15, 12, 0)) == {(new_york.pk, date(2026, 1, 15))}
    assert due_at(utc(2026, 1, 15, 1, 30)) == {(kolkata.pk, date(2026, 1, 15))}
    assert due_at(utc(2026, 1, 14, 20, 0)) == {(sydney.pk, date(2026, 1, 15))}
    assert due_at(utc(2026, 1, 15, 6, 55)) == set()


def test_dst_spring_forward_with_time_machine(beat):
    member = MemberFactory()
    turn_on(member, at=time(2, 30), zone="America/New_York")
    sent = []
    # Beat every five minutes across the night of 8 March 2026 (02:00 → 03:00 EDT).
    start = utc(2026, 3, 8, 5, 0)
    for step in range(36):
        with time_machine.travel(start + timedelta(minutes=5 * step), tick=False):
            if beat() and mail.outbox and len(sent) < len(mail.outbox):
                sent.append(start + timedelta(minutes=5 * step))
    assert sent == [utc(2026, 3, 8, 7, 0)]  # 03:00 EDT, when the clocks land
    assert list(ReminderSent.objects.values_list("local_date", flat=True)) == [date(2026, 3, 8)]
    assert len(mail.outbox) == 1


def test_dst_fall_back_sends_once(beat):
    member = MemberFactory()
    turn_on(member, at=time(1, 30), zone="Europe/London")
    start = utc(2026, 10, 24, 23, 0)  # the night of 25 October 2026: 01:00–02:00 happens twice
    for step in range(48):
        with time_machine.travel(start + timedelta(minutes=5 * step), tick=False):
            beat()
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get().local_date == date(2026, 10, 25)


def test_reminder_email_content_and_unsubscribe_header(member, beat):
    session_with_items(member=member, day=date(2026, 2, 3), holds=(20,), reps=(8,))
    yesterday = session_with_items(
        member=member,
        day=date(2026, 2, 2),
        holds=(20,),
        reps=(),
        status="completed",
        pain_during=2,
        effort=5,
    )
    turn_on(member, at=time(8, 0), zone="Europe/London")
    with time_machine.travel(utc(2026, 2, 3, 8, 0), tick=False):
        assert beat() == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.subject == "Today's session: 2 exercises"
    names = [i.exercise.name for i in yesterday.items.all()]
    assert names
    html = message.alternatives[0][0]
    assert "Today's session" in html and "check-in" in message.body
    match = re.search(r"http://\S+/reminders/unsubscribe/([^/\s]+)/", message.body)
    assert match and member_id_from_token(match.group(1)) == member.pk
    url = match.group(0)
    assert url in html
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{url}>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_morning_question_left_out_when_turned_off(member):
    session_with_items(
        member=member, day=date(2026, 2, 2), holds=(20,), reps=(), status="completed", pain_during=2
    )
    turn_on(member, at=time(8, 0), zone="UTC", morning=False)
    assert reminder_send(member_id=member.pk, local_date=date(2026, 2, 3))
    assert "check-in" not in mail.outbox[0].body


def test_exactly_once_under_duplicate_task_runs(member, beat):
    turn_on(member, at=time(7, 0), zone="UTC")
    with time_machine.travel(utc(2026, 1, 15, 7, 2), tick=False):
        assert beat() == 1
        assert beat() == 0  # beat fired twice: the second run finds nothing due
    send_reminder(member.pk, "2026-01-15")  # a retry of the per-member task
    assert send_reminder.delay(member.pk, "2026-01-15").get() is False  # a second worker
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(member=member).count() == 1


def test_failed_send_can_be_retried(member, monkeypatch):
    turn_on(member, at=time(7, 0), zone="UTC")

    def boom(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", boom)
    with pytest.raises(ConnectionError):
        reminder_send(member_id=member.pk, local_date=date(2026, 1, 15))
    assert not ReminderSent.objects.exists()  # rolled back: the retry may send
    monkeypatch.undo()
    assert reminder_send(member_id=member.pk, local_date=date(2026, 1, 15))
    assert len(mail.outbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_once():
    member = MemberFactory()
    turn_on(member, at=time(7, 0), zone="UTC")
    results = []
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        try:
            results.append(reminder_send(member_id=member.pk, local_date=date(2026, 1, 15)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(member=member).count() == 1


def test_due_query_count_is_constant(django_assert_num_queries):
    # Settings saved today but read by a scan in January are stale (worked out for a later
    # clock): the stale rows, their last sends, one write of the next reminders, the due rows.
    for _ in range(3):
        turn_on(MemberFactory(), at=time(7, 0), zone="UTC")
    with django_assert_num_queries(4):
        assert len(reminders_due(now=utc(2026, 1, 15, 7, 0))) == 3
    for _ in range(20):
        turn_on(MemberFactory(), at=time(7, 0), zone="UTC")
    with django_assert_num_queries(4):
        assert len(reminders_due(now=utc(2026, 1, 15, 7, 0))) == 23
    with django_assert_num_queries(2):  # the steady state: no stale row, the due rows in SQL
        assert len(reminders_due(now=utc(2026, 1, 15, 7, 0))) == 23


def test_the_scan_reads_only_members_due_by_now(django_assert_num_queries):
    early, late = MemberFactory(), MemberFactory()
    turn_on(early, at=time(7, 0), zone="UTC")
    turn_on(late, at=time(20, 0), zone="Asia/Tokyo")  # 11:00 UTC
    assert [r.member_id for r in reminders_due(now=utc(2026, 1, 15, 7, 0))] == [early.pk]
    stored = ReminderSettings.objects.get(member=late).next_due_at
    assert stored == utc(2026, 1, 15, 11, 0)
    assert list(reminder_candidates(now=utc(2026, 1, 15, 7, 5))) == [
        ReminderSettings.objects.get(member=early)
    ]  # still due (not sent yet); Tokyo is not read until 11:00 UTC
    # by 11:00 the 07:00 reminder is past its grace; Tokyo's 20:00 is due
    assert [r.member_id for r in reminders_due(now=utc(2026, 1, 15, 11, 0))] == [late.pk]


def test_a_settings_change_is_picked_up_by_the_next_scan():
    member = MemberFactory()
    turn_on(member, at=time(20, 0), zone="UTC")
    assert reminders_due(now=utc(2026, 1, 15, 7, 0)) == []
    turn_on(member, at=time(7, 0), zone="UTC")
    assert [r.member_id for r in reminders_due(now=utc(2026, 1, 15, 7, 1))] == [member.pk]


def test_a_sent_reminder_moves_the_next_instant_to_the_next_day(beat):
    member = MemberFactory()
    turn_on(member, at=time(7, 0), zone="UTC")
    with time_machine.travel(utc(2026, 1, 15, 7, 0), tick=False):
        assert beat() == 1
    assert reminders_due(now=utc(2026, 1, 15, 7, 10)) == []
    assert ReminderSettings.objects.get(member=member).next_due_at == utc(2026, 1, 16, 7, 0)


@pytest.mark.postgres
def test_postgres_scan_uses_the_next_due_index():
    turn_on(MemberFactory(), at=time(7, 0), zone="UTC")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = reminder_candidates(now=utc(2026, 1, 15, 7, 0)).explain()
    assert "reminder_next_due" in plan


def test_settings_page_saves_and_validates(client, member):
    client.force_login(member)
    page = client.get("/account/reminders/")
    assert page.status_code == 200
    assert "data-browser-default" in page.content.decode()
    bad = client.post(
        "/account/reminders/",
        {"enabled": "on", "local_time": "25:00", "timezone": "Mars/Olympus", "weekdays": ["0"]},
    )
    assert bad.status_code == 400
    assert "Enter a time such as 07:30." in bad.content.decode()
    assert not ReminderSettings.objects.filter(member=member).exists()
    none = client.post(
        "/account/reminders/", {"enabled": "on", "local_time": "07:15", "timezone": "Asia/Kolkata"}
    )
    assert none.status_code == 400
    assert "Pick at least one day" in none.content.decode()
    ok = client.post(
        "/account/reminders/",
        {
            "enabled": "on",
            "local_time": "07:15",
            "timezone": "Asia/Kolkata",
            "weekdays": ["0", "2", "4"],
            "morning_checkins": "on",
        },
    )
    assert ok.status_code == 302
    saved = ReminderSettings.objects.get(member=member)
    assert (saved.enabled, saved.local_time, saved.weekdays, saved.timezone) == (
        True,
        time(7, 15),
        "1010100",
        "Asia/Kolkata",
    )
    assert "data-browser-default" not in client.get("/account/reminders/").content.decode()


def test_unsubscribe_get_confirms_post_unsubscribes(client, member):
    turn_on(member)
    url = reverse("programs:reminder_unsubscribe", args=[unsubscribe_token(member_id=member.pk)])
    page = client.get(url)
    assert page.status_code == 200 and "Stop reminder emails?" in page.content.decode()
    assert ReminderSettings.objects.get(member=member).enabled
    # RFC 8058 one-click: a POST from the mail provider, no login and no CSRF token.
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not ReminderSettings.objects.get(member=member).enabled
    assert (
        client.get(reverse("programs:reminder_unsubscribe", args=["forged:token"])).status_code
        == 404
    )


def test_beat_runs_the_reminder_task_every_five_minutes(settings):
    from backcore.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["programs-send-due-reminders"]
    assert entry["task"] == "programs.tasks.send_due_reminders"
    assert entry["schedule"] == 300
    assert entry["task"] in app.tasks


def test_timezone_falls_back_to_the_browser_then_the_profile(client, member):
    client.force_login(member)
    base = {"enabled": "on", "local_time": "07:00", "weekdays": ["0"]}
    client.post("/account/reminders/", {**base, "browser_timezone": "America/New_York"})
    assert ReminderSettings.objects.get(member=member).timezone == "America/New_York"
    member.profile.timezone = "Asia/Kolkata"
    member.profile.save(update_fields=["timezone"])
    client.post("/account/reminders/", {**base, "browser_timezone": "Not/AZone"})
    assert ReminderSettings.objects.get(member=member).timezone == "Asia/Kolkata"
