"""Thin Celery tasks: take ids, call a service, safe to retry."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from backcore.dispatch import send_now
from backcore.notifications import selectors, services


@shared_task(acks_late=True)
def send_notification_email(notification_id: int) -> None:
    services.notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True)
def send_digest(member_id: int) -> None:
    services.digest_send(member_id=member_id)


@shared_task(acks_late=True)
def send_daily_digests() -> None:
    for member_id in services.digest_member_ids():
        send_digest.delay(member_id)


@shared_task(acks_late=True)
def send_overdue_notification_emails() -> int:
    """Beat: queue again instant emails of the last day still unsent after 5 minutes."""
    now = timezone.now()
    ids = selectors.notification_ids_email_overdue(
        created_before=now - timedelta(minutes=5), created_after=now - timedelta(days=1)
    )
    for notification_id in ids:
        send_now(send_notification_email, notification_id)
    return len(ids)
