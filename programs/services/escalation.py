"""Pain that needs more than the programme: record it, tell a coach, show the member clear advice,
and pause the programme when even the lightest doses keep hurting.

The engine decides *when* (programs.engine.progression: a session at 8/10 or more, two reds in a
week, red weeks in a row, three red weeks at the lightest doses, pain no better after four
weeks); this module stores it and raises the coach alert from it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from programs import engine
from programs.choices import EnrolmentStatus, EscalationKind
from programs.coach_models import AlertCause
from programs.models import Enrolment, PainEscalation
from programs.services.coach_alerts import coach_alert_raise

ALERT_CAUSES = {
    EscalationKind.SEVERE_SESSION: AlertCause.SESSION_PAIN,
    EscalationKind.TWO_REDS: AlertCause.RED_SESSIONS,
    EscalationKind.RED_WEEKS: AlertCause.RED_WEEKS,
    EscalationKind.PAUSE: AlertCause.PAUSED_FOR_PAIN,
    EscalationKind.NOT_IMPROVING: AlertCause.NO_IMPROVEMENT,
}
ADVICE_DAYS = 7  # the advice stays on Today for a week


def _detail(escalation: engine.Escalation) -> str:
    label = EscalationKind(escalation.kind.value).label
    return f"{label} (from {escalation.day:%-d %b %Y})."


@transaction.atomic
def escalations_record(
    *, member, escalations: Iterable[engine.Escalation], alert_kinds: Iterable[str] | None = None
) -> list[PainEscalation]:
    """Store each escalation once (per member, kind and day), raise its coach alert, and pause
    the programme for a PAUSE. `alert_kinds` limits which kinds raise an alert (a caller that
    already raised one, e.g. for a session logged at 8/10, leaves it out). Idempotent."""

    recorded = []
    alerting = None if alert_kinds is None else set(alert_kinds)
    for escalation in escalations:
        kind = EscalationKind(escalation.kind.value)
        row, created = PainEscalation.objects.get_or_create(
            member=member,
            kind=kind,
            day=escalation.day,
            defaults={"advice": escalation.advice[:500]},
        )
        recorded.append(row)
        if not created:
            continue
        if alerting is None or kind in alerting:
            coach_alert_raise(member=member, cause=ALERT_CAUSES[kind], detail=_detail(escalation))
        if kind == EscalationKind.PAUSE:
            programme_pause_for_pain(member=member)
    return recorded


def programme_pause_for_pain(*, member) -> None:
    """The safety gate reads this status: nothing is shown, sent or recorded until a recorded
    clinician clearance (programs.services.intake.intake_confirm_clearance lifts it)."""
    Enrolment.objects.filter(member=member, status=EnrolmentStatus.ACTIVE).update(
        status=EnrolmentStatus.PAUSED_FOR_PAIN, updated_at=timezone.now()
    )
