"""The scan picks due reminders in SQL from each member's stored next reminder. Whatever the
zone, time, days and clock changes, it must send exactly what the exact rule (`due_local_date`,
asked at every scan with the last date sent) would: the same local dates at the same scans.

Each example has one member in every zone (own time and days), all read by the same scans: the
queries, most of the cost, are shared, and every start date meets the zones whose clocks change
in its two days (6 examples: 36 members and 6 scan runs; one member an example gave 15 of
each, for twice the time)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programs.models import ReminderSent, ReminderSettings
from programs.reminder_times import due_local_date
from programs.services.reminders import (
    reminder_next_store,
    reminder_settings_update,
    reminders_due,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ZONES = [
    "UTC",
    "Europe/London",  # clocks change at 01:00 UTC
    "America/New_York",
    "Australia/Lord_Howe",  # a half-hour change
    "Asia/Kolkata",
    "Pacific/Chatham",  # +12:45 / +13:45
]
# Spans around the 2027 changes: Europe 28 Mar and 31 Oct, the US 14 Mar and 7 Nov, Lord Howe
# and Chatham 4 Apr and 3 Oct.
STARTS = [
    datetime(2027, 3, 13, tzinfo=UTC),
    datetime(2027, 3, 27, tzinfo=UTC),
    datetime(2027, 4, 3, tzinfo=UTC),
    datetime(2027, 10, 2, tzinfo=UTC),
    datetime(2027, 10, 30, tzinfo=UTC),
    datetime(2027, 11, 6, tzinfo=UTC),
]


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # One member in each zone: (time, days).
    members=st.tuples(
        *[
            st.tuples(
                st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 30, 59])),
                st.sets(st.integers(0, 6), min_size=1),
            )
            for _ in ZONES
        ]
    ),
    start=st.sampled_from(STARTS),
    offset_minutes=st.integers(0, 24 * 60),
    step_minutes=st.sampled_from([7, 29, 55]),
)
def test_the_scan_sends_what_the_exact_rule_would(members, start, offset_minutes, step_minutes):
    ReminderSent.objects.all().delete()
    ReminderSettings.objects.all().delete()
    rules = {}  # member id -> (their reminder settings, zone, time, days)
    for zone, (at, days) in zip(ZONES, members, strict=True):
        member = MemberFactory()
        reminder = reminder_settings_update(
            member=member,
            enabled=True,
            local_time=at,
            weekdays=days,
            timezone=zone,
            morning_checkins=False,
        )
        rules[member.pk] = (reminder, zone, at, days)
    now = start + timedelta(minutes=offset_minutes)
    expected = {pk: [] for pk in rules}
    sent = {pk: [] for pk in rules}
    last_sent = dict.fromkeys(rules)
    for _ in range(2 * 24 * 60 // step_minutes):  # two days of scans
        for pk, (_reminder, zone, at, days) in rules.items():
            day = due_local_date(
                now=now, at=at, weekdays=days, timezone=zone, last_sent=last_sent[pk]
            )
            if day is not None:
                expected[pk].append((now, day))
                last_sent[pk] = day
        for due in reminders_due(now=now):
            assert due.member_id in rules
            sent[due.member_id].append((now, due.local_date))
            # What `reminder_send` does once the email is out.
            ReminderSent.objects.create(member_id=due.member_id, local_date=due.local_date)
            reminder = rules[due.member_id][0]
            reminder.refresh_from_db()
            reminder_next_store(reminder=reminder, now=now)
        now += timedelta(minutes=step_minutes)
    assert sent == expected
    for days_sent in sent.values():
        assert len({day for _, day in days_sent}) == len(days_sent)  # never twice a local date
