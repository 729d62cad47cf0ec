"""Thin Celery tasks for the programme; the work lives in programs.services."""

from datetime import date

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True)
def weekly_progression(week_start: str | None = None) -> dict:
    """Hourly: review each member's last week (Monday to Sunday in their own timezone) once it
    has ended. With `week_start`, review that week for everyone. Idempotent."""
    from programs.services import progression_run_week
    from programs.services.progression import progression_run_due

    if week_start is None:
        return vars(progression_run_due(now=timezone.now()))
    return vars(progression_run_week(week_start=date.fromisoformat(week_start)))


# Reminders -------------------------------------------------------------------------------------


@shared_task(acks_late=True)
def send_due_reminders() -> int:
    """Every five minutes: find members whose reminder is due and queue one send each."""
    from backcore.dispatch import send_on_commit
    from programs.services.reminders import reminders_due

    due = reminders_due(now=timezone.now())
    for reminder in due:
        send_on_commit(send_reminder, reminder.member_id, reminder.local_date.isoformat())
    return len(due)


@shared_task(acks_late=True)
def send_reminder(member_id: int, local_date: str) -> bool:
    """Idempotent: the unique sent-record makes a repeat (retry, second worker) a no-op."""
    from programs.services.reminders import reminder_send

    return reminder_send(member_id=member_id, local_date=date.fromisoformat(local_date))


# Coach alerts ----------------------------------------------------------------------------------


@shared_task(acks_late=True)
def send_coach_alert(alert_id: int) -> int:
    from programs.services.coach_alerts import coach_alert_send

    return coach_alert_send(alert_id=alert_id)


@shared_task(acks_late=True)
def resend_coach_alert(alert_id: int) -> int:
    """Re-send an unresolved emergency (the service checks it is due)."""
    from programs.services.coach_alerts import coach_alert_send

    return coach_alert_send(alert_id=alert_id, resend=True)


@shared_task(acks_late=True)
def coach_alerts_sweep() -> dict:
    """Hourly: clearance waiting, stalled members, unresolved emergencies to re-send."""
    from programs.services.coach_alerts import coach_alerts_sweep as sweep

    return sweep()
