"""Thin Celery tasks: take ids, call a service, safe to retry."""

from celery import shared_task

from backcore.notifications import services


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
