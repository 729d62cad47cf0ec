"""Safety actions a coach takes from an alert: lift an emergency block, record a clearance.
Each needs a note and a confirmation, is recorded on the alert, and tells the member."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from programs.coach_models import AlertAction, AlertCause, CoachAlert
from programs.models import Intake
from programs.services import coach_alerts, conversations
from programs.services import intake as intake_services

NOTE_MIN = 10


def _checked(*, alert: CoachAlert, coach, note: str, confirmed: bool) -> str:
    if not (coach.is_staff and coach.is_coach):
        raise PermissionDenied("Only coaches can do that.")
    if alert.member_id is None:
        raise ValidationError("This member's account no longer exists.")
    note = (note or "").strip()
    errors = {}
    if len(note) < NOTE_MIN:
        errors["note"] = "Write a short note: who checked the member, and what they said."
    if not confirmed:
        errors["confirm"] = "Tick the box to confirm."
    if errors:
        raise ValidationError(errors)
    return note


@transaction.atomic
def coach_alert_lift_emergency(
    *, alert: CoachAlert, coach, note: str, confirmed: bool, message: str
) -> CoachAlert:
    """Lift the member's emergency block. The member answers the safety screen again before
    training; they get the coach's message (bell + email)."""
    note = _checked(alert=alert, coach=coach, note=note, confirmed=confirmed)
    intake = Intake.objects.filter(member_id=alert.member_id).first()
    if intake is None or not (intake.emergency_flagged_at or intake.has_emergency_flag):
        raise ValidationError("This member has no emergency block to lift.")
    # The safety gate's lift: keeps its own record and asks the member for a fresh screen.
    intake_services.redflag_emergency_lift(intake=intake, coach=coach, note=note)
    coach_alerts.coach_alert_record(alert=alert, coach=coach, action=AlertAction.LIFTED, note=note)
    conversations.message_send_coach(
        coach=coach,
        member=alert.member,
        body=message
        or "Your coach has lifted the pause on your programme. Before your next session, "
        "please answer the safety questions again.",
    )
    coach_alerts.coach_alerts_resolve_open(
        member_id=alert.member_id, causes=[AlertCause.EMERGENCY], coach=coach, note="Block lifted."
    )
    return CoachAlert.objects.get(pk=alert.pk)


@transaction.atomic
def coach_alert_record_clearance(
    *, alert: CoachAlert, coach, cleared_on: date, note: str, confirmed: bool, message: str
) -> CoachAlert:
    """Record the clinician's clearance the member reported to a coach."""
    note = _checked(alert=alert, coach=coach, note=note, confirmed=confirmed)
    intake_services.intake_confirm_clearance(member=alert.member, cleared_on=cleared_on)
    coach_alerts.coach_alert_record(
        alert=alert, coach=coach, action=AlertAction.CLEARED, note=f"{cleared_on}: {note}"
    )
    conversations.message_send_coach(
        coach=coach,
        member=alert.member,
        body=message
        or "Your coach has recorded your clinician's clearance. Please check the safety "
        "questions once more, then your plan continues.",
    )
    coach_alerts.coach_alerts_resolve_open(
        member_id=alert.member_id,
        causes=[AlertCause.CLEARANCE_WAITING, AlertCause.PAUSED_FOR_PAIN],
        coach=coach,
        note="Clearance recorded.",
    )
    return CoachAlert.objects.get(pk=alert.pk)
