"""Doing a session: start it, save each exercise the moment it is done, finish it, and answer
the next-morning check-in. Every write checks that the session belongs to the member."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from programs.choices import SessionStatus
from programs.models import PlannedItem, PlannedSession
from programs.selectors.sessions import member_today
from programs.services.milestones import milestones_after_session
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


def _whole(value, *, label: str, low: int, high: int, errors: dict, field: str, unit: str = ""):
    """Accept ints (or digit strings) in [low, high]; collect a clear message otherwise."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = f"{label} must be a whole number."
        return None
    if number < 0:
        errors[field] = f"{label} cannot be negative."
    elif number < low:
        errors[field] = f"{label} must be at least {low}{unit}."
    elif number > high:
        errors[field] = f"{label} can be at most {high}{unit}."
    return number


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
    actual_seconds: int | str | None = None,
    actual_reps: int | str | None = None,
    actual_sets: int | str | None = None,
    sides_done: int | str | None = None,
) -> PlannedItem:
    """Save one exercise as done, right away, so closing the tab loses nothing completed.

    Bad values raise ValidationError with a message per field; nothing is written then, and
    exercises saved earlier stay saved.
    """
    item = PlannedItem.objects.select_for_update().select_related("session").get(pk=item.pk)
    _own(item.session.member_id, member)
    errors: dict[str, str] = {}
    is_hold = item.hold_seconds is not None
    seconds = _whole(
        actual_seconds,
        label="Hold time",
        low=1,
        high=MAX_HOLD_SECONDS,
        errors=errors,
        field="actual_seconds",
        unit=" seconds",
    )
    reps = _whole(
        actual_reps, label="Reps", low=1, high=MAX_REPS, errors=errors, field="actual_reps"
    )
    sets = _whole(
        actual_sets, label="Sets", low=1, high=MAX_SETS, errors=errors, field="actual_sets"
    )
    sides = _whole(sides_done, label="Sides", low=1, high=2, errors=errors, field="sides_done")
    if is_hold and seconds is None and "actual_seconds" not in errors:
        errors["actual_seconds"] = "Enter how many seconds you held."
    if not is_hold and reps is None and "actual_reps" not in errors:
        errors["actual_reps"] = "Enter how many reps you did."
    if sets is None and "actual_sets" not in errors:
        errors["actual_sets"] = "Enter how many sets you did."
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
    pain_during: int | str | None,
    sharp_pain: bool,
    effort: int | str | None,
    notes: str = "",
    pain_spread: bool | None = None,
) -> PlannedSession:
    """Finish a session with its pain and effort. `pain_spread` (sciatica members are asked)
    says whether pain spread further down the leg: that counts as red."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    was = pain_light(session)
    errors: dict[str, str] = {}
    pain = _whole(pain_during, label="Pain", low=0, high=10, errors=errors, field="pain_during")
    effort_value = _whole(effort, label="Effort", low=0, high=10, errors=errors, field="effort")
    if pain is None and "pain_during" not in errors:
        errors["pain_during"] = "Choose how much it hurt during the session, from 0 to 10."
    if effort_value is None and "effort" not in errors:
        errors["effort"] = "Choose how hard it felt, from 0 to 10."
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        errors["notes"] = f"Notes can be at most {NOTES_MAX} characters."
    if errors:
        raise ValidationError(errors)
    if session.is_rest_day:
        raise ValidationError("Rest days have nothing to log.")
    if not session.items.filter(completed_at__isnull=False).exists():
        raise ValidationError("Save at least one exercise before finishing the session.")
    session.pain_during = pain
    session.sharp_pain = bool(sharp_pain)
    session.effort = effort_value
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
    from programs.services.coach_alerts import coach_alerts_after_session
    from programs.services.progression import progression_after_report

    coach_alerts_after_session(session=session)
    if session.pain_spread:
        from programs.coach_models import AlertCause
        from programs.services.coach_alerts import coach_alert_raise

        coach_alert_raise(
            member=session.member,
            cause=AlertCause.LEG_PAIN_SPREADING,
            detail=f"Session on {session.date:%-d %b %Y}: pain spread further down the leg.",
        )
    progression_after_report(session=session, was=was)
    milestones_after_session(member=member, today=member_today(member))
    return session


@transaction.atomic
def session_record_pain_before(
    *, member, session: PlannedSession, pain_before: int | str | None
) -> PlannedSession:
    """Pain just before the session (one tap, 0–10), so next morning can be compared with it."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    errors: dict[str, str] = {}
    value = _whole(pain_before, label="Pain", low=0, high=10, errors=errors, field="pain_before")
    if value is None and not errors:
        errors["pain_before"] = "Choose how much your back hurts right now, from 0 to 10."
    if errors:
        raise ValidationError(errors)
    if session.is_rest_day:
        raise ValidationError("Rest days have nothing to log.")
    if session.status == SessionStatus.COMPLETED:
        raise ValidationError("This session is already finished.")
    session.pain_before = value
    session.full_clean()
    session.save(update_fields=["pain_before"])
    return session


def pain_light(session: PlannedSession):
    """The session's traffic light from its stored answers (green when nothing is logged)."""
    from programs import engine
    from programs.selectors.member import pain_record

    record = pain_record(session)
    if not engine.pain.counts_for_pain(record):
        return engine.PainLight.GREEN
    return engine.classify_session(record, check_in_pending=session.morning_pain is None).light


@transaction.atomic
def session_answer_morning(
    *, member, session: PlannedSession, morning_pain: int | str | None
) -> PlannedSession:
    """The next-morning check-in: how the back feels now. The engine's pain rule reads it."""
    session = _lock_session(session.pk)
    _own(session.member_id, member)
    errors: dict[str, str] = {}
    value = _whole(
        morning_pain, label="Morning pain", low=0, high=10, errors=errors, field="morning_pain"
    )
    if value is None and not errors:
        errors["morning_pain"] = "Choose how your back feels this morning, from 0 to 10."
    if errors:
        raise ValidationError(errors)
    if session.status != SessionStatus.COMPLETED:
        raise ValidationError("Only a finished session has a next-morning check-in.")
    was = pain_light(session)
    session.morning_pain = value
    session.morning_answered_at = timezone.now()
    session.full_clean()
    session.save(update_fields=["morning_pain", "morning_answered_at"])
    from programs.services.progression import progression_after_report

    progression_after_report(session=session, was=was)
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
