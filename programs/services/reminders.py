"""Daily reminder emails: settings, who is due, sending exactly once, and unsubscribing.

Exactly once per member per local day: the `ReminderSent` row is inserted in the same
transaction as the send. A second run (beat firing twice, a retry, another worker) hits the
unique constraint and skips; if sending fails the row rolls back, so a retry can still send.
"""

from __future__ import annotations

import logging
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone as django_timezone

from backcore.bulk import rows_update
from programs.models import ReminderSent, ReminderSettings
from programs.reminder_times import GRACE, describe_weekdays, next_sendable_day
from programs.selectors.sessions import morning_checkin_due, session_with_items
from programs.services.planning import plan_day
from programs.services.safety_gate import safety_verdict

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "programs.reminders.unsubscribe"


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def unsubscribe_token(*, member_id: int) -> str:
    """A signed, unguessable token naming the member; no login needed to use it."""
    return signing.dumps({"m": member_id}, salt=UNSUBSCRIBE_SALT)


def member_id_from_token(token: str) -> int | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    member_id = data.get("m") if isinstance(data, dict) else None
    return member_id if isinstance(member_id, int) else None


def weekdays_mask(weekdays: Iterable[int]) -> str:
    days = set(weekdays)
    return "".join("1" if i in days else "0" for i in range(7))


@transaction.atomic
def reminder_settings_update(
    *,
    member,
    enabled: bool,
    local_time: time,
    weekdays: Iterable[int],
    timezone: str,
    morning_checkins: bool,
) -> ReminderSettings:
    days = set(weekdays)
    errors: dict[str, str] = {}
    if timezone not in timezone_names():
        errors["timezone"] = "Choose a timezone from the list, for example Europe/London."
    if not days <= set(range(7)):
        errors["weekdays"] = "Days are Monday to Sunday."
    elif enabled and not days:
        errors["weekdays"] = "Pick at least one day, or turn reminders off."
    if errors:
        raise ValidationError(errors)
    reminder, _ = ReminderSettings.objects.select_for_update().get_or_create(member=member)
    reminder.enabled = enabled
    reminder.local_time = local_time.replace(second=0, microsecond=0, tzinfo=None)
    reminder.weekdays = weekdays_mask(days)
    reminder.timezone = timezone
    reminder.morning_checkins = morning_checkins
    reminder.full_clean(exclude=["member"])
    reminder.save(
        update_fields=[
            "enabled",
            "local_time",
            "weekdays",
            "timezone",
            "morning_checkins",
            "updated_at",
        ]
    )
    reminder_next_store(reminder=reminder, now=django_timezone.now())
    return reminder


@transaction.atomic
def reminder_unsubscribe(*, member_id: int) -> bool:
    """Turn reminders off. True when something changed; safe to repeat."""
    changed = ReminderSettings.objects.filter(member_id=member_id, enabled=True).update(
        enabled=False
    )
    return bool(changed)


@dataclass(frozen=True)
class DueReminder:
    member_id: int
    local_date: date


STALE_PER_SCAN = 2000  # bounded work per five-minute scan: a backfill converges over scans


def _next_reminder(reminder: ReminderSettings, *, ref: datetime, last_sent: date | None):
    """(instant, local date) of the reminder's next send worked out at `ref`."""
    return next_sendable_day(
        ref=ref,
        at=reminder.local_time,
        weekdays=reminder.weekday_numbers,
        timezone=reminder.timezone,
        last_sent=last_sent,
    )


def _last_sent(member_ids: list[int], *, since: date) -> dict[int, date]:
    return dict(
        ReminderSent.objects.filter(member_id__in=member_ids, local_date__gte=since)
        .values("member_id")
        .annotate(last=Max("local_date"))
        .values_list("member_id", "last")
    )


def _stale_reminders(*, now: datetime):
    """Rows whose stored next reminder cannot be read as is at `now`: never worked out (a
    backfill), past its grace unsent (an inactive member, a send that kept failing), worked
    out for a later clock, or with no day in reach. Each has an index to find it by."""
    return (
        ReminderSettings.objects.filter(enabled=True)
        .filter(
            Q(next_due_at__isnull=True)
            | Q(next_due_at__lte=now - GRACE)
            | Q(next_due_checked_at__gt=now)
            | Q(next_due_at__lte=now, next_due_local_date__isnull=True)
        )
        .order_by(F("next_due_at").asc(nulls_first=True))
        .only("member_id", "local_time", "weekdays", "timezone")[:STALE_PER_SCAN]
    )


def reminders_refresh_stale(*, now: datetime) -> int:
    """Work out the next reminder again for the stale rows (at most STALE_PER_SCAN)."""
    stale = list(_stale_reminders(now=now))
    if not stale:
        return 0
    recent = _last_sent(
        [r.member_id for r in stale], since=(now - GRACE - timedelta(days=2)).date()
    )
    rows = []
    for reminder in stale:
        try:
            at, day = _next_reminder(reminder, ref=now, last_sent=recent.get(reminder.member_id))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            logger.warning("Reminder settings %s have a bad timezone", reminder.pk)
            at, day = now + timedelta(days=1), None  # look again tomorrow, not every scan
        rows.append((reminder.pk, at, day, now))
    return rows_update(
        ReminderSettings,
        fields=["next_due_at", "next_due_local_date", "next_due_checked_at"],
        rows=rows,
    )


def reminder_candidates(*, now: datetime):
    """The reminders due at `now`, chosen in SQL: the stored instant has come and is within its
    grace, and its local date has not been sent. Read by the partial index on the instant."""
    sent = ReminderSent.objects.filter(
        member_id=OuterRef("member_id"), local_date=OuterRef("next_due_local_date")
    )
    return (
        ReminderSettings.objects.filter(
            enabled=True,
            member__is_active=True,
            next_due_at__lte=now,
            next_due_at__gt=now - GRACE,
            next_due_local_date__isnull=False,
            next_due_checked_at__lte=now,
        )
        .exclude(Exists(sent))
        .order_by("next_due_at", "member_id")
    )


def reminders_due(*, now: datetime) -> list[DueReminder]:
    """Everyone whose reminder is due at `now`.

    The next reminder of each member (instant and local date) is stored when settings change
    and when a reminder is sent, so in the steady state the scan is one indexed query for the
    members due now and one for stale rows (normally none), whatever the membership.
    """
    reminders_refresh_stale(now=now)
    return [
        DueReminder(member_id=member_id, local_date=day)
        for member_id, day in reminder_candidates(now=now).values_list(
            "member_id", "next_due_local_date"
        )
    ]


def reminder_next_store(*, reminder: ReminderSettings, now: datetime) -> None:
    """Store the member's next reminder as of `now` (after a settings change or a send)."""
    last = _last_sent([reminder.member_id], since=(now - GRACE - timedelta(days=2)).date())
    try:
        at, day = _next_reminder(reminder, ref=now, last_sent=last.get(reminder.member_id))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        at, day = None, None  # the scan looks at it again
    reminder.next_due_at, reminder.next_due_local_date, reminder.next_due_checked_at = (
        at,
        day,
        now,
    )
    reminder.save(update_fields=["next_due_at", "next_due_local_date", "next_due_checked_at"])


def _email_context(*, member, local_date: date, reminder: ReminderSettings) -> dict:
    """What the reminder says; reads only (`reminder_send` has the day planned first). It asks
    the safety gate: while the gate is closed it lists no session and links no player, only the
    page that says what to do instead."""

    site = settings.SITE_URL.rstrip("/")
    verdict = safety_verdict(member=member, day=local_date)
    session = session_with_items(member=member, day=local_date) if verdict.is_open else None
    checkin = (
        morning_checkin_due(member=member, today=local_date)
        if reminder.morning_checkins and verdict.is_open
        else None
    )
    token = unsubscribe_token(member_id=member.pk)
    return {
        "member": member,
        "day": local_date,
        "blocked": None if verdict.is_open else verdict,
        "blocked_url": "" if verdict.is_open else f"{site}{verdict.action_path}",
        "session": session,
        "items": list(session.items.all()) if session and not session.is_rest_day else [],
        "checkin": checkin,
        "today_url": f"{site}{reverse('programs:today')}",
        "player_url": f"{site}{reverse('programs:session_player')}",
        "settings_url": f"{site}{reverse('programs:reminders')}",
        "unsubscribe_url": f"{site}{reverse('programs:reminder_unsubscribe', args=[token])}",
        "schedule": describe_weekdays(reminder.weekday_numbers),
    }


def reminder_send(*, member_id: int, local_date: date) -> bool:
    """Send one member's reminder for one local date, at most once. True when sent now."""
    reminder = (
        ReminderSettings.objects.select_related("member", "member__profile")
        .filter(member_id=member_id, enabled=True, member__is_active=True)
        .first()
    )
    if reminder is None:
        return False
    if ReminderSent.objects.filter(member_id=member_id, local_date=local_date).exists():
        return False  # already sent: nothing to plan or send
    _plan_the_day(member=reminder.member, local_date=local_date)
    try:
        with transaction.atomic():
            ReminderSent.objects.create(member_id=member_id, local_date=local_date)
            context = _email_context(
                member=reminder.member, local_date=local_date, reminder=reminder
            )
            message = EmailMultiAlternatives(
                subject=_subject(context),
                body=render_to_string("emails/reminder.txt", context),
                to=[reminder.member.email],
                headers={
                    "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            message.attach_alternative(
                render_to_string("emails/reminder.html", context), "text/html"
            )
            message.send()
            reminder_next_store(
                reminder=reminder, now=django_timezone.now()
            )  # tomorrow's, or later
    except IntegrityError:
        return False  # already sent for that day: another run got there first
    return True


def _plan_the_day(*, member, local_date: date) -> None:
    """The day the email is about gets its plan, if the hourly planning has not made it yet
    (`plan_day` is idempotent and asks the safety gate). A programme that cannot be planned
    right now (a coach's half-finished edit) must not stop the reminder: it then names no
    session and points to Today."""
    from programs import engine

    try:
        with transaction.atomic():
            plan_day(member=member, day=local_date)
    except engine.ConfigurationError:
        logger.exception("Could not plan %s for member %s", local_date, member.pk)


def _subject(context: dict) -> str:
    if context["blocked"] is not None:
        return context["blocked"].heading
    session = context["session"]
    if session is not None and session.is_rest_day:
        return "Rest day today — and a quick check-in" if context["checkin"] else "Rest day today"
    count = len(context["items"])
    if count:
        return f"Today's session: {count} exercise{'s' if count != 1 else ''}"
    return "Your BackCore reminder"
