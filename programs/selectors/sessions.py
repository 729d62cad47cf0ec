"""Reads for the session player, the morning check-in and late logging."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from backcore.accounts.models import profile_of
from exercises.models import ExerciseImage, ExerciseStep
from programs.choices import SessionStatus
from programs.models import PlannedItem, PlannedSession
from programs.selectors.wording import plan_wording

MORNING_CHECKIN_DAYS = 2  # ask about sessions from yesterday or the day before


def zone_named(name: str | None) -> ZoneInfo:
    """The zone of that name; UTC for none or a name the zone database does not know."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def member_zone(member) -> ZoneInfo:
    profile = profile_of(member)
    return zone_named(profile.timezone if profile else None)


def member_today(member, *, now: datetime | None = None) -> date:
    """The member's own calendar date, in their profile timezone."""
    return timezone.localtime(now or timezone.now(), member_zone(member)).date()


def _items_prefetch() -> Prefetch:
    return Prefetch(
        "items",
        queryset=PlannedItem.objects.select_related("exercise")
        .prefetch_related(
            Prefetch("exercise__steps", queryset=ExerciseStep.objects.order_by("order")),
            Prefetch("exercise__images", queryset=ExerciseImage.objects.order_by("order", "id")),
        )
        .order_by("order"),
    )


def withdrawn_mid_session(*, member, item_id: int, today: date) -> bool:
    """An item the player offered that is gone now (a coach withdrew it while the member's
    session today was under way), rather than an id that was never theirs."""
    if PlannedItem.objects.filter(pk=item_id).exists():
        return False
    return PlannedSession.objects.filter(
        member=member, date=today, status=SessionStatus.IN_PROGRESS
    ).exists()


def _day_session(*, member, day: date) -> QuerySet[PlannedSession]:
    return PlannedSession.objects.filter(member=member, date=day).prefetch_related(
        _items_prefetch()
    )


def session_with_items(*, member, day: date) -> PlannedSession | None:
    return _day_session(member=member, day=day).select_related("phase").first()


def player_session(*, member, day: date) -> PlannedSession | None:
    """What the player's body draws, and no more (no phase): every table read here is in the
    player's fingerprint (programs/selectors/page_cache.py), under which the body is kept."""
    return _day_session(member=member, day=day).first()


@dataclass(frozen=True)
class PlayerState:
    session: PlannedSession
    items: list[PlannedItem]
    done: list[PlannedItem]
    current: PlannedItem | None
    notes: list[str] = field(default_factory=list)  # the plan's shared sentences, said once

    @property
    def position(self) -> int:
        return len(self.done) + 1

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def all_done(self) -> bool:
        return self.current is None

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / self.total) if self.total else 0


def player_state(*, session: PlannedSession, redo_item_id: int | None = None) -> PlayerState:
    """Where the member is: completed items stay done; it resumes at the first incomplete one.
    Sentences every exercise's reason shares (a phase welcome) are the session's `notes`, said
    before the first exercise; each item's `shown_reason` keeps only its own words."""
    items = list(session.items.all())
    wording = plan_wording(items, first_plan=False)
    for item in items:
        item.shown_reason = wording.reasons[item.pk]
    done = [item for item in items if item.completed_at is not None]
    current = next((item for item in items if item.completed_at is None), None)
    if redo_item_id is not None:
        current = next((item for item in items if item.pk == redo_item_id), current)
    return PlayerState(
        session=session, items=items, done=done, current=current, notes=wording.session_notes
    )


def morning_checkin_among(sessions, *, today: date) -> PlannedSession | None:
    """`morning_checkin_due` over sessions already read (they must cover the last two days)."""
    waiting = [
        session
        for session in sessions
        if session.status == SessionStatus.COMPLETED
        and session.morning_pain is None
        and today - timedelta(days=MORNING_CHECKIN_DAYS) <= session.date < today
    ]
    return max(waiting, key=lambda session: session.date, default=None)


def morning_checkin_due(*, member, today: date) -> PlannedSession | None:
    """The latest finished session from the last two days still waiting for its morning answer."""
    return (
        PlannedSession.objects.filter(
            member=member,
            status=SessionStatus.COMPLETED,
            morning_pain__isnull=True,
            date__lt=today,
            date__gte=today - timedelta(days=MORNING_CHECKIN_DAYS),
        )
        .order_by("-date")
        .first()
    )


@dataclass(frozen=True)
class LateLogDay:
    day: date
    session: PlannedSession | None
    is_rest_day: bool


def late_log_days(*, member, today: date, days: int = 7) -> list[LateLogDay]:
    """The last `days` days before today that could hold a session: from the day the member
    enrolled (never before), each with any stored session and whether it was a rest day."""
    from programs.models import Enrolment, Intake

    enrolment = Enrolment.objects.filter(member=member).only("created_at").first()
    intake = Intake.objects.filter(member=member).only("training_days").first()
    first = today - timedelta(days=days)
    enrolled_on = first
    if enrolment is not None:
        enrolled_on = member_today(member, now=enrolment.created_at)
    training = intake.training_weekdays if intake is not None else frozenset(range(7))
    sessions = {
        s.date: s
        for s in PlannedSession.objects.filter(member=member, date__gte=first, date__lt=today)
    }
    result = []
    for n in range(days):
        day = first + timedelta(days=n)
        session = sessions.get(day)
        if session is None and day < enrolled_on:
            continue  # before the programme began: nothing to log
        rest = session.is_rest_day if session else day.weekday() not in training
        result.append(LateLogDay(day=day, session=session, is_rest_day=rest))
    return result[::-1]


def asks_leg_spread(*, member) -> bool:
    """Sciatica members are asked after each session whether pain spread down the leg."""
    from programs.choices import Track
    from programs.models import Enrolment

    return Enrolment.objects.filter(member=member, track=Track.SCIATICA).exists()
