"""When is a member's reminder due? Pure date arithmetic, no database.

A member picks a local time of day, weekdays and an IANA timezone. Each local day they get at
most one reminder, at the first instant on or after that time:

- Spring forward: a time that does not exist that day (02:30 when clocks jump from 02:00 to
  03:00) fires when the clocks land, at 03:00 local.
- Fall back: a time that happens twice (01:30 when clocks go from 02:00 back to 01:00) fires at
  the first occurrence; the sent-record for the local date stops the second.
- A beat run that arrives a little late still sends (within `GRACE`), also across midnight, so a
  23:58 reminder is not lost when the run lands at 00:02 the next day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from programs.engine.wording import WEEKDAY_NAMES

GRACE = timedelta(hours=2)


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def local_instant(*, day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of `at` on local `day`, moved forward out of a DST gap if needed."""
    naive = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    step = timedelta(minutes=1)
    probe = naive.replace(second=0, microsecond=0)
    if not _exists(naive, zone):
        # Walk to the first wall-clock minute that exists: the moment the clocks landed.
        for _ in range(24 * 60):
            probe += step
            if _exists(probe, zone):
                naive = probe
                break
    # fold=0 picks the first of two identical wall-clock times on a fall-back day.
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def due_local_date(
    *,
    now: datetime,
    at: time,
    weekdays: Iterable[int],
    timezone: str,
    last_sent: date | None,
    grace: timedelta = GRACE,
) -> date | None:
    """The local date whose reminder is due at `now`, or None.

    `weekdays` uses Python's numbering (Monday = 0). `last_sent` is the latest local date a
    reminder went out for; nothing is due for that date or any earlier one.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(timezone)
    days = set(weekdays)
    today = now.astimezone(zone).date()
    for candidate in (today, today - timedelta(days=1)):
        if candidate.weekday() not in days:
            continue
        if last_sent is not None and candidate <= last_sent:
            continue
        due = local_instant(day=candidate, at=at, zone=zone)
        if due <= now < due + grace:
            return candidate
    return None


def next_sendable_day(
    *,
    ref: datetime,
    at: time,
    weekdays: Iterable[int],
    timezone: str,
    last_sent: date | None,
    grace: timedelta = GRACE,
) -> tuple[datetime, date | None]:
    """The earliest due instant (UTC) still sendable at `ref` for a date after `last_sent`, and
    the local date that instant's reminder is for.

    Stored per member (`ReminderSettings.next_due_at`, `next_due_local_date`) so a scan at any
    `now >= ref` only needs the members whose stored instant is `<= now`: any reminder
    `due_local_date` would find due then has an instant at or after this one, and it is due
    exactly when `instant <= now < instant + grace` and that date has not been sent. With
    nothing in the coming week, `ref` plus a week and no date: look again then.
    """
    zone = ZoneInfo(timezone)
    days = set(weekdays)
    start = ref.astimezone(zone).date() - timedelta(days=1)
    for offset in range(9):
        day = start + timedelta(days=offset)
        if day.weekday() not in days or (last_sent is not None and day <= last_sent):
            continue
        due = local_instant(day=day, at=at, zone=zone)
        if due + grace > ref:
            return due, day
    return ref + timedelta(days=7), None


def next_due(
    *, after: datetime, at: time, weekdays: Iterable[int], timezone: str, horizon_days: int = 8
) -> datetime | None:
    """The next instant (UTC) a reminder fires strictly after `after`; for the settings page."""
    zone = ZoneInfo(timezone)
    days = set(weekdays)
    start = after.astimezone(zone).date()
    for offset in range(horizon_days):
        day = start + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        due = local_instant(day=day, at=at, zone=zone)
        if due > after:
            return due
    return None


def describe_weekdays(weekdays: Iterable[int]) -> str:
    days = sorted(set(weekdays))
    if days == list(range(7)):
        return "every day"
    if days == list(range(5)):
        return "weekdays"
    if not days:
        return "no days"
    return ", ".join(WEEKDAY_NAMES[d] for d in days)
