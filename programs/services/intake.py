"""Intake: the red-flag screen first, then clearance if needed, then the rest of the questions."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from programs.choices import CLINICIAN_FLAGS, EMERGENCY_FLAGS, AgeBand, EnrolmentStatus, Track
from programs.models import EmergencyLift, Enrolment, Intake, SafetyScreen
from programs.selectors.sessions import member_today
from programs.services.coach_alerts import coach_alerts_after_screen
from programs.services.outcomes import outcome_baseline_record
from programs.services.planning import enrolment_start_or_update, plans_refresh
from programs.services.safety_gate import clearance_date_error, enrolment_status_for

LIFT_NOTE_MIN = 10
LIFT_NOTE_MAX = 2000

FLAG_FIELDS = tuple(EMERGENCY_FLAGS) + tuple(CLINICIAN_FLAGS)
DETAIL_FIELDS = (
    "pain_now",
    "pain_worst",
    "pain_low_back",
    "pain_buttock",
    "pain_leg",
    "duration",
    "age_band",
    "activity_level",
    "equipment",
    "minutes_per_day",
    "training_days",
    "goals",
    "fear_bending_harms",
    "fear_pain_means_harm",
    "fear_rest_until_better",
    "function_answers",
    "function_score",
    "track_choice",
)
OLDER_AGE_BANDS = {AgeBand.AGE_65_74, AgeBand.AGE_75_PLUS}


def track_for(*, pain_leg: bool, age_band: str, choice: str = "") -> str:
    """Leg pain means the sciatica track (its nerve glides and leg checks keep the member safe,
    so no choice overrides it); otherwise the member's own choice, else 65 and over active
    ageing, else general."""
    if pain_leg:
        return Track.SCIATICA
    if choice:
        return choice
    if pain_leg:
        return Track.SCIATICA
    if age_band in OLDER_AGE_BANDS:
        return Track.ACTIVE_AGEING
    return Track.GENERAL


def _sync_enrolment_status(intake: Intake, *, lift_pause: bool = False) -> None:
    """Keep the enrolment's status in step with the intake's red flags (a pause for pain
    stays unless `lift_pause`: only a recorded clearance lifts it)."""
    enrolment = Enrolment.objects.filter(member_id=intake.member_id).first()
    if enrolment is None:
        return
    current = None if lift_pause else enrolment.status
    status = enrolment_status_for(intake=intake, current=current)
    changes = {"status": status, "updated_at": timezone.now()}
    if lift_pause and enrolment.status == EnrolmentStatus.PAUSED_FOR_PAIN:
        changes.update(red_weeks=0, red_weeks_at_floor=0)  # the count starts again
    if status != enrolment.status or len(changes) > 2:
        Enrolment.objects.filter(pk=enrolment.pk).update(**changes)


@transaction.atomic
def intake_screen_submit(*, member, answers: dict[str, bool]) -> Intake:
    """Record one red-flag screening. An emergency sign blocks the programme until a coach
    reviews it in admin; a new clinician sign asks for clearance again."""
    intake, _ = Intake.objects.select_for_update().get_or_create(member=member)
    previous_clinician = set(intake.clinician_flags)
    for field in FLAG_FIELDS:
        setattr(intake, field, bool(answers.get(field, False)))
    if intake.has_emergency_flag and intake.emergency_flagged_at is None:
        intake.emergency_flagged_at = timezone.now()
    if not intake.has_clinician_flag or set(intake.clinician_flags) - previous_clinician:
        intake.clinician_cleared_on = None
    intake.rescreen_required_since = None  # answered: a lifted block may now lead to a plan
    intake.full_clean(exclude=["member"])
    intake.save(
        update_fields=[
            *FLAG_FIELDS,
            "emergency_flagged_at",
            "clinician_cleared_on",
            "rescreen_required_since",
            "updated_at",
        ]
    )
    screen = SafetyScreen(
        member=member,
        has_emergency=intake.has_emergency_flag,
        has_clinician=intake.has_clinician_flag,
        clinician_cleared_on=intake.clinician_cleared_on,
        **{field: getattr(intake, field) for field in FLAG_FIELDS},
    )
    screen.full_clean(exclude=["member"])
    screen.save()
    _sync_enrolment_status(intake)

    coach_alerts_after_screen(intake=intake)
    # The gate may have opened (a lifted block answered) or closed (a new red flag).
    plans_refresh(member=member)
    return intake


@transaction.atomic
def intake_confirm_clearance(*, member, cleared_on: date) -> Intake:
    """Record that a clinician has cleared the member: for the clinician signs of the last
    screen, or for a pause for pain (which this lifts). The date must be a real one."""
    intake = Intake.objects.select_for_update().filter(member=member).first()
    if intake is None or intake.emergency_flagged_at:
        raise PermissionDenied("Clearance cannot be recorded for this member.")
    paused = Enrolment.objects.filter(
        member=member, status=EnrolmentStatus.PAUSED_FOR_PAIN
    ).exists()
    if not intake.has_clinician_flag and not paused:
        raise ValidationError("There is nothing to clear: no clinician signs were reported.")

    error = clearance_date_error(intake=intake, cleared_on=cleared_on, today=member_today(member))
    if error:
        raise ValidationError({"cleared_on": error})
    intake.clinician_cleared_on = cleared_on
    intake.save(update_fields=["clinician_cleared_on", "updated_at"])
    SafetyScreen.objects.filter(
        pk=SafetyScreen.objects.filter(member=member)
        .order_by("-screened_at", "-id")
        .values("pk")[:1]
    ).update(clinician_cleared_on=cleared_on)
    _sync_enrolment_status(intake, lift_pause=True)

    plans_refresh(member=member)  # cleared: today's session is there when they next look
    return intake


@transaction.atomic
def intake_complete(*, member, data: dict, today: date | None = None) -> Intake:
    """Save the rest of the intake, derive the track, and start (or update) the enrolment."""

    intake = Intake.objects.select_for_update().filter(member=member).first()
    if intake is None:
        raise ValidationError("Answer the safety questions first.")
    if intake.emergency_flagged_at:
        raise PermissionDenied("The programme is paused: please seek urgent care.")
    if intake.needs_clearance:
        raise PermissionDenied("Please confirm a clinician has cleared you first.")
    for field in DETAIL_FIELDS:
        if field in data:
            setattr(intake, field, data[field])
    intake.track = track_for(
        pain_leg=intake.pain_leg, age_band=intake.age_band, choice=intake.track_choice
    )
    intake.completed_at = intake.completed_at or timezone.now()
    intake.full_clean(exclude=["member"])
    intake.save(update_fields=[*DETAIL_FIELDS, "track", "completed_at", "updated_at"])
    if today is None:
        today = member_today(member)
    enrolment_start_or_update(member=member, intake=intake, today=today)
    outcome_baseline_record(member=member, intake=intake, today=today)  # once; never moved
    # The first plan, or (settings changed) plans not yet begun made again with them.
    plans_refresh(member=member, today=today)
    return intake


def track_reason(intake: Intake) -> str:
    """Why the member is on their track, in plain words (shown beside it)."""
    if intake.pain_leg:
        return (
            "You told us pain travels down a leg, so your sessions include gentle nerve glides "
            "and we ask after each one whether the leg pain spread."
        )
    if intake.track_choice:
        return "You chose this track yourself; you can change it with your answers."
    if intake.track == Track.ACTIVE_AGEING:
        return "You are 65 or over, so balance and everyday strength get extra room."
    return "Your answers point to the general programme for the lower back."


@transaction.atomic
def redflag_emergency_lift(*, intake: Intake, coach, note: str) -> EmergencyLift:
    """A coach lifts an emergency block once the member has been checked by a doctor.

    The note (why it is safe to lift) is required and kept. The emergency answers are
    cleared and the member must answer the safety screen again before any plan is made.
    """
    if not (coach.is_staff and coach.has_perm("programs.change_enrolment")):
        raise PermissionDenied("Only coaches can lift an emergency block.")
    note = (note or "").strip()
    if len(note) < LIFT_NOTE_MIN:
        raise ValidationError(
            {"note": "Write a short note on why the block can be lifted (who checked the member)."}
        )
    if len(note) > LIFT_NOTE_MAX:
        raise ValidationError({"note": f"The note can be at most {LIFT_NOTE_MAX} characters."})
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if not (intake.emergency_flagged_at or intake.has_emergency_flag):
        raise ValidationError("This member has no emergency block to lift.")
    lift = EmergencyLift(
        member_id=intake.member_id, coach=coach, note=note, flagged_at=intake.emergency_flagged_at
    )
    lift.full_clean(exclude=["member", "coach"])
    lift.save()
    for field in EMERGENCY_FLAGS:
        setattr(intake, field, False)
    intake.emergency_flagged_at = None
    intake.rescreen_required_since = timezone.now()
    intake.save(
        update_fields=[
            *EMERGENCY_FLAGS,
            "emergency_flagged_at",
            "rescreen_required_since",
            "updated_at",
        ]
    )
    _sync_enrolment_status(intake)
    return lift
