"""Thin Celery tasks: take ids, call a service, safe to retry."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from backcore.dispatch import send_now
from backcore.notifications import tasks as notification_tasks
from community import selectors
from community.services.notifications import notifications_for_post


@shared_task(acks_late=True)
def notify_post(post_id: int) -> None:
    notifications_for_post(post_id=post_id)


@shared_task(acks_late=True)
def notify_unnotified_posts() -> int:
    """Beat: queue notifications again for posts of the last 3 days still waiting (> 5 min old)."""
    now = timezone.now()
    ids = selectors.post_ids_awaiting_notifications(
        posted_before=now - timedelta(minutes=5), posted_after=now - timedelta(days=3)
    )
    for post_id in ids:
        send_now(notify_post, post_id)
    return len(ids)


# Names kept for tasks queued, and beat rows stored, before notifications moved to backcore.
@shared_task(acks_late=True)
def send_notification_email(notification_id: int) -> None:
    notification_tasks.send_notification_email(notification_id)


@shared_task(acks_late=True)
def send_daily_digests() -> None:
    notification_tasks.send_daily_digests()
