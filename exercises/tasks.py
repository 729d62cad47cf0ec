from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from backcore.dispatch import send_now
from exercises import selectors, services


@shared_task(acks_late=True)
def make_thumbnails(image_id: int) -> None:
    """WebP thumbnails (320 and 960 px) for one exercise image; idempotent."""
    services.exercise_image_thumbnails_make(image_id=image_id)


@shared_task(acks_late=True)
def make_missing_thumbnails() -> int:
    """Beat: queue thumbnails again for images of the last day still without them (> 5 min old)."""
    now = timezone.now()
    ids = selectors.exercise_image_ids_missing_thumbnails(
        uploaded_before=now - timedelta(minutes=5), uploaded_after=now - timedelta(days=1)
    )
    for image_id in ids:
        send_now(make_thumbnails, image_id)
    return len(ids)
