from celery import shared_task

from payments import services


@shared_task(acks_late=True)
def process_webhook_event(event_pk: int) -> str:
    """Idempotent: a processed event is left alone."""
    return services.webhook_event_process(event_id=event_pk).status


@shared_task(acks_late=True)
def retry_failed_webhook_events() -> int:
    """Beat: every 15 minutes, give failed Stripe events another go (bounded attempts and age)."""
    return services.webhook_events_retry_failed()


@shared_task(acks_late=True)
def requeue_pending_webhook_events() -> int:
    """Beat: every 5 minutes, queue again events whose queue message was never sent or was lost."""
    return services.webhook_events_requeue_pending()
