"""Thin Celery tasks: take ids, call a service, safe to retry."""

from celery import shared_task

from backcore.notifications import tasks as notification_tasks
from community import services


@shared_task(acks_late=True)
def notify_post(post_id: int) -> None:
    services.notifications_for_post(post_id=post_id)


# Names kept for tasks queued, and beat rows stored, before notifications moved to backcore.
@shared_task(acks_late=True)
def send_notification_email(notification_id: int) -> None:
    notification_tasks.send_notification_email(notification_id)


@shared_task(acks_late=True)
def send_daily_digests() -> None:
    notification_tasks.send_daily_digests()
