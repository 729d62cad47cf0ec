from celery import shared_task

from exercises import services


@shared_task(acks_late=True)
def make_thumbnails(image_id: int) -> None:
    """WebP thumbnails (320 and 960 px) for one exercise image; idempotent."""
    services.exercise_image_thumbnails_make(image_id=image_id)
