"""The private calendar feed: create, revoke, and the .ics body for the next 14 days.

Days already planned show their stored plan; later days are projected with the engine from the
member's current state (nothing is stored), so the feed is a preview that may still change.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from programs import engine
from programs.engine.wording import describe_dose
from programs.models import CalendarFeed, MemberDose, PlannedSession
from programs.selectors.member import HISTORY_DAYS, sessions_for_members
from programs.selectors.programme import programme_build
from programs.services.planning import plan_for
from programs.services.safety_gate import safety_verdict

logger = logging.getLogger(__name__)
FEED_DAYS = 14


@transaction.atomic
def calendar_feed_create(*, member) -> CalendarFeed:
    """A new private feed URL; any earlier one stops working."""
    calendar_feed_revoke(member=member)
    feed = CalendarFeed(member=member, token=secrets.token_urlsafe(32))
    feed.full_clean(exclude=["member"])
    feed.save()
    return feed


@transaction.atomic
def calendar_feed_revoke(*, member) -> int:
    return CalendarFeed.objects.filter(member=member, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _stored_day(session: PlannedSession, names: dict[int, str]) -> tuple[list[str], int] | None:
    if session.is_rest_day:
        return None
    lines = [
        f"{names.get(item.exercise_id, 'Exercise')}: {item.dose_label}"
        for item in session.items.all()
    ]
    return lines, session.estimated_seconds


def _projected_day(plan, bundle) -> tuple[list[str], int] | None:
    if not isinstance(plan, engine.SessionPlan):
        return None
    lines = [
        f"{bundle.exercise_names.get(item.exercise, item.exercise)}: "
        f"{describe_dose(item.dose, per_side=item.per_side)}"
        for item in plan.items
    ]
    return lines, plan.estimated_seconds


def upcoming_days(*, member, today: date) -> list[tuple[date, list[str], int]]:
    """(day, exercise lines, estimated seconds) for each training day in the next 14 days.

    Asks the safety gate first: while it is closed the feed lists no session at all (not even
    plans stored earlier), and a safety screen falling overdue ends the list on that day."""
    verdict = safety_verdict(member=member, day=today)
    if not verdict.is_open:
        return []
    intake, enrolment = verdict.intake, verdict.enrolment
    last_day = today + timedelta(days=FEED_DAYS - 1)
    if verdict.rescreen_blocks_on is not None:
        last_day = min(last_day, verdict.rescreen_blocks_on - timedelta(days=1))
    sessions = sessions_for_members(
        member_ids=[member.pk], start=today - timedelta(days=HISTORY_DAYS), end=last_day
    ).get(member.pk, [])
    by_date = {s.date: s for s in sessions}
    bundle = programme_build()
    names_by_id = {bundle.exercise_ids[slug]: name for slug, name in bundle.exercise_names.items()}
    doses = list(MemberDose.objects.filter(member=member))
    history = [s for s in sessions if s.date < today]
    days = []
    day = today
    while day <= last_day:
        if day in by_date:
            entry = _stored_day(by_date[day], names_by_id)
        else:
            try:
                plan = plan_for(
                    bundle=bundle,
                    intake=intake,
                    enrolment=enrolment,
                    doses=doses,
                    sessions=history,
                    day=day,
                )
            except Exception:  # a projection that fails leaves the day out, not the feed
                logger.exception("Could not project %s for member %s", day, member.pk)
                plan = None
            entry = _projected_day(plan, bundle)
        if entry is not None:
            days.append((day, *entry))
        day += timedelta(days=1)
    return days


def calendar_ics(*, feed: CalendarFeed, today: date, now: datetime | None = None) -> bytes:
    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//BackCore//Planned sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "BackCore sessions")
    cal.add("x-published-ttl", "PT6H")
    today_url = settings.SITE_URL.rstrip("/") + reverse("programs:today")
    for day, lines, seconds in upcoming_days(member=feed.member, today=today):
        minutes = max(1, round(seconds / 60)) if seconds else None
        event = Event()
        event.add("uid", f"session-{feed.member_id}-{day.isoformat()}@backcore")
        event.add("dtstamp", now)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        count = len(lines)
        summary = f"BackCore: {count} exercise{'s' if count != 1 else ''}"
        if minutes:
            summary += f" (about {minutes} min)"
        event.add("summary", summary)
        event.add("description", "\n".join(lines) + f"\n\nStart it on the day: {today_url}")
        event.add("url", today_url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
