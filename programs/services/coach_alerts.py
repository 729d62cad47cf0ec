"""Coach alerts: raised once per cause per member while open, sent to every coach after commit,
worked through in the coach inbox (acknowledge, assign, note, resolve), re-sent when an
emergency stays unresolved."""

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from backcore.accounts.models import COACHES_GROUP, User
from backcore.dispatch import send_on_commit
from backcore.notifications import services as notifications
from backcore.notifications.models import Topic
from programs.choices import EnrolmentStatus, SessionStatus
from programs.coach_models import (
    CAUSE_SEVERITY,
    AlertAction,
    AlertCause,
    AlertSeverity,
    CoachAlert,
    CoachAlertEvent,
)
from programs.models import Enrolment, Intake, PlannedSession, SafetyScreen

SESSION_PAIN_ALERT_AT = 8  # 0–10: this or more during a session tells a coach
CLEARANCE_WAIT = timedelta(days=3)
STALLED_AFTER = timedelta(days=14)
EMERGENCY_RESEND_AFTER = timedelta(hours=24)
UNSENT_GRACE = timedelta(minutes=5)
NOTE_MAX = 2000


def coach_ids() -> list[int]:
    """Every active coach: the Coaches group, and superusers."""
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=COACHES_GROUP) | Q(is_superuser=True))
        .values_list("pk", flat=True)
        .distinct()
    )


def _require_coach(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_staff and user.is_coach):
        raise PermissionDenied("Only coaches can do that.")


def _event(*, alert: CoachAlert, action: str, actor=None, note: str = "") -> CoachAlertEvent:
    return CoachAlertEvent.objects.create(
        alert=alert,
        action=action,
        actor=actor,
        actor_name=actor.public_name[:60] if actor is not None else "",
        note=note,
    )


@transaction.atomic
def coach_alert_raise(
    *, member, cause: str, detail: str = "", now: datetime | None = None
) -> CoachAlert:
    """Raise (or, while one is open, repeat) the alert for `cause`. Only a new alert is sent to
    coaches; a repeat updates the open one. The database keeps it to one open alert per
    member and cause, even when two requests race."""
    if cause not in AlertCause.values:
        raise ValueError(f"unknown alert cause {cause!r}")
    now = now or timezone.now()
    detail = detail[:300]
    try:
        with transaction.atomic():
            alert = CoachAlert.objects.create(
                member=member,
                cause=cause,
                severity=CAUSE_SEVERITY[cause],
                detail=detail,
                raised_at=now,
                last_raised_at=now,
            )
    except IntegrityError:
        alert = CoachAlert.objects.select_for_update().get(
            member=member, cause=cause, resolved_at__isnull=True
        )
        alert.occurrences = F("occurrences") + 1
        alert.last_raised_at = now
        fields = ["occurrences", "last_raised_at"]
        if detail:
            alert.detail = detail
            fields.append("detail")
        alert.save(update_fields=fields)
        alert.refresh_from_db()
        _event(alert=alert, action=AlertAction.REPEATED, note=detail)
        return alert
    _event(alert=alert, action=AlertAction.RAISED, note=detail)
    send_on_commit("programs.tasks.send_coach_alert", alert.pk)
    return alert


def _alert_url(alert: CoachAlert) -> str:
    return reverse("coach:alert", args=[alert.pk])


@transaction.atomic
def coach_alert_send(*, alert_id: int, resend: bool = False) -> int:
    """Tell every coach (bell + email by each coach's choice; emergencies always by email at
    once). Idempotent: a first send happens once; a re-send only when the last send is over
    24 hours old; the notification key holds the send number."""
    alert = (
        CoachAlert.objects.select_for_update(of=("self",))
        .select_related("member__profile")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None or not alert.is_open or alert.member is None:
        return 0
    if alert.sent_at is not None and not resend:
        return 0
    if resend and (
        alert.sent_at is None or alert.sent_at > timezone.now() - EMERGENCY_RESEND_AFTER
    ):
        return 0  # not due: a duplicate or early re-send task does nothing
    alert.send_count += 1
    alert.sent_at = timezone.now()
    alert.save(update_fields=["send_count", "sent_at"])
    recipients = coach_ids()
    notifications.notify(
        recipient_ids=recipients,
        topic=Topic.COACHING,
        kind="coach_alert",
        event_key=f"coach-alert:{alert.pk}:{alert.send_count}",
        verb=("still needs a coach:" if resend else "needs a coach:"),
        title=(
            f"Still open after 24 hours: {alert.get_cause_display()}"
            if resend
            else alert.get_cause_display()
        ),
        url=_alert_url(alert),
        actor=alert.member,  # so coaches' bells lose the name if the account is deleted
        actor_name=alert.member.public_name,
        urgent=alert.cause == AlertCause.EMERGENCY,
    )
    _event(alert=alert, action=AlertAction.RESENT if resend else AlertAction.SENT)
    return len(recipients)


# ---------------------------------------------------------------- coach actions


def _lock(alert: CoachAlert) -> CoachAlert:
    return CoachAlert.objects.select_for_update().get(pk=alert.pk)


@transaction.atomic
def coach_alert_acknowledge(*, alert: CoachAlert, coach) -> CoachAlert:
    _require_coach(coach)
    alert = _lock(alert)
    if alert.acknowledged_at is None:
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = coach
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _event(alert=alert, action=AlertAction.ACKNOWLEDGED, actor=coach)
    return alert


@transaction.atomic
def coach_alert_assign_self(*, alert: CoachAlert, coach) -> CoachAlert:
    _require_coach(coach)
    alert = _lock(alert)
    if alert.assigned_to_id != coach.pk:
        alert.assigned_to = coach
        alert.assigned_at = timezone.now()
        fields = ["assigned_to", "assigned_at"]
        if alert.acknowledged_at is None:
            alert.acknowledged_at, alert.acknowledged_by = alert.assigned_at, coach
            fields += ["acknowledged_at", "acknowledged_by"]
        alert.save(update_fields=fields)
        _event(alert=alert, action=AlertAction.ASSIGNED, actor=coach)
    return alert


def _clean_note(note: str, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError({"note": "Write a short note first."})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"Keep the note under {NOTE_MAX} characters."})
    return note


@transaction.atomic
def coach_alert_note(*, alert: CoachAlert, coach, note: str) -> CoachAlertEvent:
    _require_coach(coach)
    alert = _lock(alert)
    return _event(
        alert=alert, action=AlertAction.NOTE, actor=coach, note=_clean_note(note, required=True)
    )


@transaction.atomic
def coach_alert_resolve(*, alert: CoachAlert, coach, note: str = "") -> CoachAlert:
    _require_coach(coach)
    alert = _lock(alert)
    if alert.resolved_at is not None:
        return alert
    now = timezone.now()
    alert.resolved_at, alert.resolved_by = now, coach
    fields = ["resolved_at", "resolved_by"]
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, coach
        fields += ["acknowledged_at", "acknowledged_by"]
    alert.save(update_fields=fields)
    _event(
        alert=alert,
        action=AlertAction.RESOLVED,
        actor=coach,
        note=_clean_note(note, required=False),
    )
    return alert


@transaction.atomic
def coach_alerts_resolve_open(*, member_id: int, causes: list[str], coach, note: str) -> None:
    """Resolve the member's open alerts for these causes (the step that settled them)."""
    for alert in CoachAlert.objects.filter(
        member_id=member_id, cause__in=causes, resolved_at__isnull=True
    ):
        coach_alert_resolve(alert=alert, coach=coach, note=note)


def coach_alert_record(*, alert: CoachAlert, coach, action: str, note: str = "") -> None:
    """Record an action taken elsewhere (a reply, a lifted block, a clearance) on the alert."""
    _event(alert=alert, action=action, actor=coach, note=note)


# ---------------------------------------------------------------- what raises alerts


def coach_alerts_after_session(*, session: PlannedSession) -> CoachAlert | None:
    """A finished session at 8/10 or more, or with sharp pain, tells a coach."""
    pain = session.pain_during
    if not session.sharp_pain and (pain is None or pain < SESSION_PAIN_ALERT_AT):
        return None
    parts = []
    if pain is not None:
        parts.append(f"pain {pain}/10")
    if session.sharp_pain:
        parts.append("sharp pain")
    detail = f"Session on {session.date:%-d %b %Y}: {', '.join(parts)}."
    return coach_alert_raise(member=session.member, cause=AlertCause.SESSION_PAIN, detail=detail)


def coach_alerts_after_screen(*, intake: Intake) -> CoachAlert | None:
    if not intake.has_emergency_flag:
        return None
    labels = ", ".join(
        str(Intake._meta.get_field(flag).verbose_name) for flag in intake.emergency_flags
    )
    return coach_alert_raise(
        member=intake.member, cause=AlertCause.EMERGENCY, detail=f"Reported: {labels}."
    )


def coach_alerts_red_week(*, member_ids: list[int], week_end: date) -> int:
    """The weekly review suggested contacting a coach (two red sessions in a week)."""
    for member in User.objects.filter(pk__in=member_ids):
        coach_alert_raise(
            member=member,
            cause=AlertCause.RED_SESSIONS,
            detail=f"Two or more red sessions in the week to {week_end:%-d %b %Y}.",
        )
    return len(member_ids)


def _since_last(cause: str, since_field: str):
    """An alert for `cause` was already raised after the situation began (open or resolved)."""
    return Exists(
        CoachAlert.objects.filter(
            member_id=OuterRef("member_id"), cause=cause, raised_at__gte=OuterRef(since_field)
        )
    )


def coach_alerts_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Periodic: clearance waiting over 3 days, stalled members, unresolved emergencies to
    re-send. Safe to run as often as you like: each situation raises at most one alert."""
    now = now or timezone.now()
    raised = {"clearance_waiting": 0, "stalled": 0, "resent": 0, "unsent": 0}

    latest_screen = SafetyScreen.objects.filter(member_id=OuterRef("member_id")).order_by(
        "-screened_at", "-id"
    )
    waiting = (
        Intake.objects.filter(
            emergency_flagged_at__isnull=True,
            clinician_cleared_on__isnull=True,
            member__is_active=True,
        )
        .annotate(
            screened_at=Subquery(latest_screen.values("screened_at")[:1]),
            screen_clinician=Subquery(latest_screen.values("has_clinician")[:1]),
        )
        .filter(screen_clinician=True, screened_at__lte=now - CLEARANCE_WAIT)
        .annotate(already=_since_last(AlertCause.CLEARANCE_WAITING, "screened_at"))
        .filter(already=False)
        .select_related("member")
    )
    for intake in waiting:
        coach_alert_raise(
            member=intake.member,
            cause=AlertCause.CLEARANCE_WAITING,
            detail=f"Clinician signs reported on {intake.screened_at:%-d %b %Y}; no clearance yet.",
            now=now,
        )
        raised["clearance_waiting"] += 1

    last_done = PlannedSession.objects.filter(
        member_id=OuterRef("member_id"), status=SessionStatus.COMPLETED
    ).order_by("-completed_at")
    stalled = (
        Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE, member__is_active=True)
        .annotate(last_done=Subquery(last_done.values("completed_at")[:1]))
        .filter(
            Q(last_done__lte=now - STALLED_AFTER)
            | Q(last_done__isnull=True, created_at__lte=now - STALLED_AFTER)
        )
        .select_related("member")
    )
    for enrolment in stalled:
        since = enrolment.last_done or enrolment.created_at
        if CoachAlert.objects.filter(
            member_id=enrolment.member_id, cause=AlertCause.STALLED, raised_at__gte=since
        ).exists():
            continue
        coach_alert_raise(
            member=enrolment.member,
            cause=AlertCause.STALLED,
            detail=(
                f"Last session on {since:%-d %b %Y}."
                if enrolment.last_done
                else "No session since joining."
            ),
            now=now,
        )
        raised["stalled"] += 1

    for alert_id in CoachAlert.objects.filter(
        cause=AlertCause.EMERGENCY,
        severity=AlertSeverity.EMERGENCY,
        resolved_at__isnull=True,
        sent_at__lte=now - EMERGENCY_RESEND_AFTER,
        member__isnull=False,
    ).values_list("pk", flat=True):
        send_on_commit("programs.tasks.resend_coach_alert", alert_id)
        raised["resent"] += 1
    # A first send lost on the way to the broker is queued again.
    for alert_id in CoachAlert.objects.filter(
        resolved_at__isnull=True,
        sent_at__isnull=True,
        raised_at__lte=now - UNSENT_GRACE,
        member__isnull=False,
    ).values_list("pk", flat=True):
        send_on_commit("programs.tasks.send_coach_alert", alert_id)
        raised["unsent"] += 1
    return raised
