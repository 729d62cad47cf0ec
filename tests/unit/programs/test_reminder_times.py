from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from programs.reminder_times import (
    describe_weekdays,
    due_local_date,
    local_instant,
    next_due,
    next_sendable_day,
)

EVERY_DAY = range(7)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: str, *args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "day", "expected_utc"),
    [
        ("Europe/London", date(2026, 1, 15), utc(2026, 1, 15, 7, 0)),  # GMT
        ("Europe/London", date(2026, 7, 15), utc(2026, 7, 15, 6, 0)),  # BST
        ("America/New_York", date(2026, 1, 15), utc(2026, 1, 15, 12, 0)),  # EST
        ("America/New_York", date(2026, 7, 15), utc(2026, 7, 15, 11, 0)),  # EDT
        ("Asia/Kolkata", date(2026, 7, 15), utc(2026, 7, 15, 1, 30)),  # +05:30, no DST
        ("Australia/Sydney", date(2026, 1, 15), utc(2026, 1, 14, 20, 0)),  # AEDT +11
        ("Australia/Sydney", date(2026, 7, 15), utc(2026, 7, 14, 21, 0)),  # AEST +10
    ],
)
def test_seven_am_local_in_each_zone(zone, day, expected_utc):
    assert local_instant(day=day, at=time(7, 0), zone=ZoneInfo(zone)) == expected_utc


def test_spring_forward_gap_fires_when_clocks_land_new_york():
    # 8 March 2026: New York clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist.
    due = local_instant(day=date(2026, 3, 8), at=time(2, 30), zone=ZoneInfo("America/New_York"))
    assert due == utc(2026, 3, 8, 7, 0)
    assert due.astimezone(ZoneInfo("America/New_York")).time() == time(3, 0)


def test_spring_forward_gap_london():
    # 29 March 2026: London jumps 01:00 GMT → 02:00 BST; 01:15 does not exist.
    due = local_instant(day=date(2026, 3, 29), at=time(1, 15), zone=ZoneInfo("Europe/London"))
    assert due.astimezone(ZoneInfo("Europe/London")).time() == time(2, 0)
    assert due == utc(2026, 3, 29, 1, 0)


def test_spring_forward_gap_sydney():
    # 4 October 2026: Sydney jumps 02:00 AEST → 03:00 AEDT.
    due = local_instant(day=date(2026, 10, 4), at=time(2, 30), zone=ZoneInfo("Australia/Sydney"))
    assert due.astimezone(ZoneInfo("Australia/Sydney")).time() == time(3, 0)


def test_gap_day_reminder_is_due_once_from_three_am():
    zone = "America/New_York"
    kwargs = {"at": time(2, 30), "weekdays": EVERY_DAY, "timezone": zone}
    assert due_local_date(now=utc(2026, 3, 8, 6, 59), last_sent=date(2026, 3, 7), **kwargs) is None
    assert due_local_date(now=utc(2026, 3, 8, 7, 0), last_sent=date(2026, 3, 7), **kwargs) == date(
        2026, 3, 8
    )
    assert due_local_date(now=utc(2026, 3, 8, 7, 5), last_sent=date(2026, 3, 8), **kwargs) is None


def test_fall_back_fires_once_at_first_occurrence():
    # 1 November 2026: New York goes from 02:00 EDT back to 01:00 EST; 01:30 happens twice.
    zone = "America/New_York"
    first = local_instant(day=date(2026, 11, 1), at=time(1, 30), zone=ZoneInfo(zone))
    assert first == utc(2026, 11, 1, 5, 30)  # 01:30 EDT
    kwargs = {"at": time(1, 30), "weekdays": EVERY_DAY, "timezone": zone}
    # Every five minutes through both 01:30s: due exactly once, then the sent date blocks it.
    last_sent = date(2026, 10, 31)
    sent = []
    now = utc(2026, 11, 1, 4, 0)
    while now < utc(2026, 11, 1, 9, 0):
        day = due_local_date(now=now, last_sent=last_sent, **kwargs)
        if day:
            sent.append((now, day))
            last_sent = day
        now += timedelta(minutes=5)
    assert sent == [(utc(2026, 11, 1, 5, 30), date(2026, 11, 1))]


def test_fall_back_london_fires_once():
    zone = "Europe/London"  # 25 October 2026: 02:00 BST → 01:00 GMT, so 01:30 happens twice
    kwargs = {"at": time(1, 30), "weekdays": EVERY_DAY, "timezone": zone}
    last_sent = date(2026, 10, 24)
    sent = []
    now = utc(2026, 10, 24, 23, 0)
    while now < utc(2026, 10, 25, 5, 0):
        day = due_local_date(now=now, last_sent=last_sent, **kwargs)
        if day:
            sent.append((now, day))
            last_sent = day
        now += timedelta(minutes=5)
    assert sent == [(utc(2026, 10, 25, 0, 30), date(2026, 10, 25))]  # 01:30 BST


def test_weekdays_are_respected_in_local_time():
    # 07:00 in Sydney on Monday 13 July 2026 is still Sunday in UTC.
    kwargs = {"at": time(7, 0), "timezone": "Australia/Sydney", "last_sent": None}
    now = utc(2026, 7, 12, 21, 0)
    assert now.weekday() == 6
    assert due_local_date(now=now, weekdays=[0], **kwargs) == date(2026, 7, 13)
    assert due_local_date(now=now, weekdays=[6], **kwargs) is None


def test_kolkata_half_hour_offset():
    kwargs = {
        "at": time(18, 45),
        "weekdays": EVERY_DAY,
        "timezone": "Asia/Kolkata",
        "last_sent": None,
    }
    assert due_local_date(now=utc(2026, 5, 1, 13, 14), **kwargs) is None
    assert due_local_date(now=utc(2026, 5, 1, 13, 15), **kwargs) == date(2026, 5, 1)


def test_late_run_across_midnight_still_sends_for_yesterday():
    kwargs = {"at": time(23, 58), "weekdays": EVERY_DAY, "timezone": "Europe/London"}
    now = local("Europe/London", 2026, 1, 16, 0, 2).astimezone(UTC)
    assert due_local_date(now=now, last_sent=date(2026, 1, 14), **kwargs) == date(2026, 1, 15)
    assert due_local_date(now=now, last_sent=date(2026, 1, 15), **kwargs) is None


def test_not_due_long_after_the_time():
    kwargs = {
        "at": time(7, 0),
        "weekdays": EVERY_DAY,
        "timezone": "Europe/London",
        "last_sent": None,
    }
    assert due_local_date(now=utc(2026, 1, 15, 6, 59), **kwargs) is None
    assert due_local_date(now=utc(2026, 1, 15, 8, 59), **kwargs) == date(2026, 1, 15)
    assert due_local_date(now=utc(2026, 1, 15, 9, 0), **kwargs) is None


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        due_local_date(
            now=datetime(2026, 1, 1, 7),
            at=time(7),
            weekdays=EVERY_DAY,
            timezone="UTC",
            last_sent=None,
        )


def test_next_due_skips_days_off():
    # Friday 16 Jan 2026 08:00 London; reminders on Mondays only → Monday 19th 07:00 GMT.
    after = utc(2026, 1, 16, 8, 0)
    assert next_due(after=after, at=time(7), weekdays=[0], timezone="Europe/London") == utc(
        2026, 1, 19, 7, 0
    )
    assert next_due(after=after, at=time(7), weekdays=[], timezone="Europe/London") is None


def test_describe_weekdays():
    assert describe_weekdays(range(7)) == "every day"
    assert describe_weekdays([0, 1, 2, 3, 4]) == "weekdays"
    assert describe_weekdays([0, 2]) == "Monday, Wednesday"


ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


@settings(deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
)
def test_due_instant_is_on_that_local_day_and_never_before_the_time(zone, day, hour, minute):
    due = local_instant(day=day, at=time(hour, minute), zone=ZoneInfo(zone))
    wall = due.astimezone(ZoneInfo(zone))
    assert wall.date() == day
    assert wall.time() >= time(hour, minute)
    # Only a DST gap (at most an hour) moves it.
    assert datetime.combine(day, wall.time()) - datetime.combine(
        day, time(hour, minute)
    ) <= timedelta(hours=1)


@settings(deadline=None, max_examples=60)  # three days of polling per example
@given(
    zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2029, 12, 1)),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
)
def test_polling_every_five_minutes_sends_exactly_once_a_day(zone, start, hour, minute):
    at = time(hour, minute)
    now = start.replace(tzinfo=UTC, second=0, microsecond=0)
    now -= timedelta(minutes=now.minute % 5)
    last_sent = None
    sent: list[date] = []
    for _ in range(3 * 24 * 12):  # three days of beat runs
        day = due_local_date(now=now, at=at, weekdays=EVERY_DAY, timezone=zone, last_sent=last_sent)
        if day is not None:
            sent.append(day)
            last_sent = day
        now += timedelta(minutes=5)
    assert len(sent) == len(set(sent))
    assert len(sent) >= 2  # three days of polling always cover at least two whole local days


# The stored next instant never hides a due reminder -----------------------------------------

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    at=st.times(),
    days=st.sets(st.integers(0, 6), min_size=1),
    ref=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
    later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9)),
    last_sent_offset=st.one_of(st.none(), st.integers(-3, 1)),
)
def test_a_reminder_due_later_is_never_before_the_stored_instant(
    zone, at, days, ref, later, last_sent_offset
):
    at = at.replace(second=0, microsecond=0)
    last_sent = None if last_sent_offset is None else ref.date() + timedelta(last_sent_offset)
    stored, _day = next_sendable_day(
        ref=ref, at=at, weekdays=days, timezone=zone, last_sent=last_sent
    )
    now = ref + later
    due = due_local_date(now=now, at=at, weekdays=days, timezone=zone, last_sent=last_sent)
    if due is not None:
        assert stored <= now  # the scan at `now` reads this member
