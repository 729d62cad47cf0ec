"""Doing a session: start it, save each exercise the moment it is done, finish it, and answer
the next-morning check-in. Every write checks that the session belongs to the member."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from programs.choices import SessionStatus
from programs.coach_models import AlertCause
from programs.models import PlannedItem, PlannedSession
from programs.selectors.member import pain_light
from programs.selectors.sessions import member_today
from programs.services.coach_alerts import coach_alert_raise, coach_alerts_after_session
from programs.services.milestones import milestones_after_session
from programs.services.planning import plans_refresh
from programs.services.progression import progression_after_report
from programs.services.safety_gate import safety_gate_ensure_open

MAX_HOLD_SECONDS = 600
MAX_REPS = 200
MAX_SETS = 10
LATE_LOG_DAYS = 7
NOTES_MAX = 2000


def _own(obj_member_id: int, member) -> None:
    """The session is the member's, and the safety gate is open (no red flag, no pause, no
    overdue safety screen): otherwise ProgrammeBlocked, a PermissionDenied."""
    if obj_member_id != member.pk:
        raise PermissionDenied("This session belongs to someone else.")
    safety_gate_ensure_open(member=member)


def _check_range(errors: dict, field: str, value: int | None, low: int, high: int) -> None:
    """The last guard on typed values (forms give the member-facing messages)."""
    if value is not None and not low <= value <= high:
        errors[field] = f"Expected a whole number from {low} to {high}."


def _lock_session(session_id: int) -> PlannedSession:
    return PlannedSession.objects.select_for_update().get(pk=session_id)


@transaction.atomic
def session_start(*, member, session: PlannedSession) -> PlannedSession:
    """Mark a planned session as under way. Starting again (a reload, a resume) changes nothing."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    if session.is_rest_day:
        raise ValidationError("Today is a rest day: there is no session to start.")
    _mark_started(session)
    return session


def _clean_changed(obj, fields: list[str]) -> None:
    """Validate only the fields about to be saved, without queries: no foreign-key look-ups and
    no SELECT per check constraint (the database enforces those on the UPDATE itself)."""
    obj.clean_fields(exclude=[f.name for f in obj._meta.concrete_fields if f.name not in fields])


def _mark_started(session: PlannedSession) -> None:
    if session.status in (SessionStatus.PLANNED, SessionStatus.SKIPPED):
        session.status = SessionStatus.IN_PROGRESS
        session.started_at = session.started_at or timezone.now()
        _clean_changed(session, ["status", "started_at"])
        session.save(update_fields=["status", "started_at"])


@transaction.atomic
def session_log_item(
    *,
    member,
    item: PlannedItem,
    actual_seconds: int | None = None,
    actual_reps: int | None = None,
    actual_sets: int,
    sides_done: int | None = None,
) -> PlannedItem:
    """Save one exercise as done, right away, so closing the tab loses nothing completed.

    A hold needs its seconds, anything else its reps. Bad values raise ValidationError with a
    message per field; nothing is written then, and exercises saved earlier stay saved.
    """
    item = PlannedItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    _own(item.session.member_id, member)
    errors: dict[str, str] = {}
    is_hold = item.hold_seconds is not None
    seconds, reps, sets, sides = actual_seconds, actual_reps, actual_sets, sides_done
    _check_range(errors, "actual_seconds", seconds, 1, MAX_HOLD_SECONDS)
    _check_range(errors, "actual_reps", reps, 1, MAX_REPS)
    _check_range(errors, "actual_sets", sets, 1, MAX_SETS)
    _check_range(errors, "sides_done", sides, 1, 2)
    if is_hold and seconds is None:
        errors["actual_seconds"] = "Enter how many seconds you held."
    if not is_hold and reps is None:
        errors["actual_reps"] = "Enter how many reps you did."
    if errors:
        raise ValidationError(errors)
    if item.session.is_rest_day:
        raise ValidationError("Rest days have nothing to log.")

    _mark_started(item.session)  # already locked with the item; ownership checked above

    item.actual_seconds = seconds if is_hold else None
    item.actual_reps = None if is_hold else reps
    item.actual_sets = sets
    item.sides_done = (sides if sides is not None else 2) if item.per_side else None
    done = seconds if is_hold else reps
    planned = item.hold_seconds if is_hold else item.reps
    item.target_met = (
        done >= planned and sets >= item.sets and (not item.per_side or item.sides_done == 2)
    )
    item.completed_at = timezone.now()
    changed = [
        "actual_seconds",
        "actual_reps",
        "actual_sets",
        "sides_done",
        "target_met",
        "completed_at",
    ]
    _clean_changed(item, changed)
    item.save(update_fields=changed)
    return item


@transaction.atomic
def session_finish(
    *,
    member,
    session: PlannedSession,
    pain_during: int,
    sharp_pain: bool,
    effort: int,
    notes: str = "",
    pain_spread: bool | None = None,
) -> PlannedSession:
    """Finish a session with its pain and effort (0–10 each; the model checks the range).
    `pain_spread` (sciatica members are asked) says whether pain spread further down the leg:
    that counts as red."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    was = pain_light(session)
    notes = notes.strip()
    if len(notes) > NOTES_MAX:  # a TextField's max_length is not checked by full_clean
        raise ValidationError({"notes": f"Notes can be at most {NOTES_MAX} characters."})
    if session.is_rest_day:
        raise ValidationError("Rest days have nothing to log.")
    if not session.items.filter(completed_at__isnull=False).exists():
        raise ValidationError("Save at least one exercise before finishing the session.")
    session.pain_during = pain_during
    session.sharp_pain = sharp_pain
    session.effort = effort
    session.notes = notes
    session.pain_spread = pain_spread
    session.status = SessionStatus.COMPLETED
    session.started_at = session.started_at or timezone.now()
    session.completed_at = timezone.now()
    session.full_clean()
    session.save(
        update_fields=[
            "pain_during",
            "sharp_pain",
            "effort",
            "notes",
            "pain_spread",
            "status",
            "started_at",
            "completed_at",
        ]
    )
    coach_alerts_after_session(session=session)
    if session.pain_spread:
        coach_alert_raise(
            member=session.member,
            cause=AlertCause.LEG_PAIN_SPREADING,
            detail=f"Session on {session.date:%-d %b %Y}: pain spread further down the leg.",
        )
    progression_after_report(session=session, was=was)
    today = member_today(member)
    milestones_after_session(member=member, today=today)
    if session.date < today:  # a late log: today's plan reads that day's history now
        plans_refresh(member=member, today=today)
    return session


@transaction.atomic
def session_record_pain_before(
    *, member, session: PlannedSession, pain_before: int
) -> PlannedSession:
    """Pain just before the session (one tap, 0–10), so next morning can be compared with it."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    if session.is_rest_day:
        raise ValidationError("Rest days have nothing to log.")
    if session.status == SessionStatus.COMPLETED:
        raise ValidationError("This session is already finished.")
    session.pain_before = pain_before
    session.full_clean()
    session.save(update_fields=["pain_before"])
    return session


@transaction.atomic
def session_answer_morning(*, member, session: PlannedSession, morning_pain: int) -> PlannedSession:
    """The next-morning check-in: how the back feels now (0–10). The engine's pain rule reads
    it."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    if session.status != SessionStatus.COMPLETED:
        raise ValidationError("Only a finished session has a next-morning check-in.")
    was = pain_light(session)
    session.morning_pain = morning_pain
    session.morning_answered_at = timezone.now()
    session.full_clean()
    session.save(update_fields=["morning_pain", "morning_answered_at"])
    progression_after_report(session=session, was=was)
    if pain_light(session) != was:
        # The answer changed how that session counts (a sore morning can make today a rest
        # day): a plan not yet begun is made again from it.
        plans_refresh(member=member)
    return session


def late_log_window(*, today: date) -> tuple[date, date]:
    """The days a missed session can still be logged: the seven days before today."""
    return today - timedelta(days=LATE_LOG_DAYS), today - timedelta(days=1)


@transaction.atomic
def session_mark_late(*, member, session: PlannedSession, today: date) -> PlannedSession:
    """Open a past day's session for logging, if it is within the last seven days."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    first, last = late_log_window(today=today)
    if not first <= session.date <= last:
        raise ValidationError(
            f"A missed session can be logged up to {LATE_LOG_DAYS} days back "
            f"({first:%-d %B} to {last:%-d %B})."
        )
    if session.is_rest_day:
        raise ValidationError("That day was a rest day: there is nothing to log.")
    if session.status == SessionStatus.COMPLETED:
        return session
    session.logged_late = True
    session.status = SessionStatus.IN_PROGRESS
    session.started_at = session.started_at or timezone.now()
    session.full_clean()
    session.save(update_fields=["logged_late", "status", "started_at"])
    return session
