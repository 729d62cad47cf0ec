"""Thin Celery tasks for the programme; the work lives in programs.services."""

from datetime import date

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True)
def weekly_progression(week_start: str | None = None) -> dict:
    """Hourly: send again the chunks of any run that stopped part-way, then start a run for
    every member whose last week (Monday to Sunday in their own timezone) has ended. With
    `week_start`, that week for everyone. Each chunk is its own task. Idempotent."""
    from programs.services.progression import progression_run_start, progression_runs_resume

    now = timezone.now()
    resent = progression_runs_resume(now=now)
    run = progression_run_start(
        now=now, week_start=date.fromisoformat(week_start) if week_start else None
    )
    return {"run": run.pk if run else None, "members": run.members if run else 0, "resent": resent}


@shared_task(acks_late=True)
def progression_review_chunk(chunk_id: int) -> dict:
    """One chunk of a weekly run, in one transaction; a chunk already done is left alone."""
    from programs.services.progression import progression_run_chunk

    return vars(progression_run_chunk(chunk_id=chunk_id))


@shared_task(acks_late=True)
def plan_new_days(after_id: int = 0) -> int:
    """Hourly: today's plan for every active member whose own day began without one, a chunk
    of members per run; each run queues the next chunk. Idempotent."""
    from backcore.dispatch import send_on_commit
    from programs.services.planning import plans_make_due

    run = plans_make_due(now=timezone.now(), after_id=after_id)
    if not run.finished:
        send_on_commit(plan_new_days, run.last_id)
    return run.made


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


# Coaches' programme edits ---------------------------------------------------------------------


@shared_task(acks_late=True)
def programme_edit_fan_out(edit_id: int) -> int:
    """The members a coach's edit reaches, split into chunks once; each chunk is sent as its
    own task after commit. Idempotent: an edit already split is left alone."""
    from programs.services.programme_edits import programme_edit_fan_out as fan_out

    return fan_out(edit_id=edit_id)


@shared_task(acks_late=True)
def replan_after_programme_edit(edit_id: int) -> int:
    """The name messages queued before the fan-out carry: the same as programme_edit_fan_out."""
    from programs.services.programme_edits import programme_edit_fan_out as fan_out

    return fan_out(edit_id=edit_id)


@shared_task(acks_late=True)
def programme_edit_replan_chunk(chunk_id: int) -> dict:
    """One chunk of an edit's members replanned, in one transaction; a chunk already done (or
    held by another worker) is left alone."""
    from programs.services.programme_edits import programme_edit_replan_chunk as replan

    return vars(replan(chunk_id=chunk_id))


@shared_task(acks_late=True)
def programme_edits_resume() -> int:
    """Every 10 minutes: replans that stopped part-way or were never sent, sent again
    (bounded: after a few sends an edit shows as failed for an operator)."""
    from programs.services.programme_edits import programme_edits_resume as resume

    return resume()


@shared_task(acks_late=True)
def progress_totals_roll(member_id: int, through_week: str) -> bool:
    """Move a member's stored Progress totals up to the first charted week. Idempotent."""
    from datetime import date

    from programs.services.progress_totals import progress_totals_roll as roll

    return roll(member_id=member_id, through_week=date.fromisoformat(through_week)) is not None
