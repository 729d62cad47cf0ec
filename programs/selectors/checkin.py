"""The community's check-in badge: a member's real streak and phase, read from their logs."""

from programs.choices import EnrolmentStatus
from programs.models import Enrolment, Intake
from programs.selectors.progress import streak_calendar
from programs.selectors.sessions import member_today


def checkin_badge(*, user) -> dict | None:
    """`{"streak_days": int, "phase_name": str}` for an active member; None otherwise."""
    enrolment = (
        Enrolment.objects.select_related("phase")
        .filter(member_id=user.pk, status=EnrolmentStatus.ACTIVE)
        .first()
    )
    if enrolment is None:
        return None
    training_days = (
        Intake.objects.filter(member_id=user.pk).values_list("training_days", flat=True).first()
    )
    _days, streak = streak_calendar(user, member_today(user), training_days or "")
    return {"streak_days": streak, "phase_name": enrolment.phase.name}
