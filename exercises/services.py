"""Writes for the exercise library."""

import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from PIL import Image

from backcore.dispatch import send_on_commit
from backcore.images import clean_uploaded_image
from exercises import library_changes
from exercises.cache import library_changed, tags_bulk_changed
from exercises.choices import TAG_VOCABULARY
from exercises.models import Exercise, ExerciseImage, ExerciseTag

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


def exercise_image_clean(*, upload) -> ContentFile:
    """A validated, EXIF-free copy of an upload; raises ValidationError with a clear message."""
    return clean_uploaded_image(upload, max_bytes=MAX_IMAGE_BYTES, max_pixels=MAX_IMAGE_PIXELS)


def _schedule_thumbnails(image_id: int) -> None:
    send_on_commit(
        "exercises.tasks.make_thumbnails", image_id
    )  # a missed send is picked up by the sweeper


def _delete_thumbnails(image: ExerciseImage) -> list[str]:
    cleared = []
    for width in ExerciseImage.THUMB_WIDTHS:
        thumb = getattr(image, f"thumb_{width}")
        if thumb:
            thumb.storage.delete(thumb.name)
            setattr(image, f"thumb_{width}", "")
            cleared.append(f"thumb_{width}")
    return cleared


@transaction.atomic
def exercise_image_add(
    *, exercise: Exercise, upload, alt_text: str, order: int = 0, is_main: bool = False
) -> ExerciseImage:
    """Validate an upload, store it and make thumbnails after commit."""
    clean = exercise_image_clean(upload=upload)
    if is_main:
        exercise.images.filter(is_main=True).update(is_main=False)
    image = ExerciseImage(
        exercise=exercise, image=clean, alt_text=alt_text, order=order, is_main=is_main
    )
    image.full_clean()
    image.save()
    _schedule_thumbnails(image.pk)
    return image


@transaction.atomic
def exercise_image_save(*, image: ExerciseImage, image_changed: bool) -> ExerciseImage:
    """Save an image row edited in admin (file already validated by the form).

    A new or replaced file gets fresh thumbnails after commit; the original is kept.
    """
    if image.is_main:
        ExerciseImage.objects.filter(exercise_id=image.exercise_id, is_main=True).exclude(
            pk=image.pk
        ).update(is_main=False)
    if image_changed and image.pk:
        _delete_thumbnails(image)
    image.full_clean()
    image.save()
    if image_changed:
        _schedule_thumbnails(image.pk)
    return image


def _webp_thumbnail(original, width: int) -> bytes:
    original.open("rb")
    try:
        with Image.open(original) as source:
            source.load()
            picture = source.convert("RGBA" if source.mode in ("RGBA", "LA", "P") else "RGB")
    finally:
        original.close()
    if picture.width > width:
        height = max(1, round(picture.height * width / picture.width))
        picture = picture.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="WEBP", quality=82, method=4)
    return out.getvalue()


@transaction.atomic
def exercise_image_thumbnails_make(*, image_id: int) -> ExerciseImage | None:
    """Make the 320 and 960 px WebP thumbnails that are missing. Safe to run any number of times."""
    image = ExerciseImage.objects.select_for_update().filter(pk=image_id).first()
    if image is None:
        return None
    made = []
    for width in ExerciseImage.THUMB_WIDTHS:
        field_name = f"thumb_{width}"
        thumb = getattr(image, field_name)
        if thumb and thumb.storage.exists(thumb.name):
            continue
        data = _webp_thumbnail(image.image, width)
        name = f"{image.pk}-{width}.webp"
        storage = image._meta.get_field(field_name).storage
        target = image._meta.get_field(field_name).generate_filename(image, name)
        if storage.exists(target):
            storage.delete(target)  # left by an interrupted run: replace, don't duplicate
        getattr(image, field_name).save(name, ContentFile(data), save=False)
        made.append(field_name)
    if made:
        image.save(update_fields=made)
    return image


@transaction.atomic
def exercise_tags_set(*, exercise: Exercise, kind: str, values: list[str]) -> None:
    """Replace the tags of one kind with `values` (validated against the kind's vocabulary)."""
    vocabulary = TAG_VOCABULARY[kind]
    wanted = list(dict.fromkeys(values))
    for value in wanted:
        if value not in vocabulary.values:
            raise ValueError(f"{value!r} is not a valid {kind}")
    ExerciseTag.objects.filter(exercise=exercise, kind=kind).exclude(value__in=wanted).delete()
    present = set(
        ExerciseTag.objects.filter(exercise=exercise, kind=kind).values_list("value", flat=True)
    )
    ExerciseTag.objects.bulk_create(
        ExerciseTag(exercise=exercise, kind=kind, value=value)
        for value in wanted
        if value not in present
    )
    library_changed()  # bulk inserts send no post_save
    tags_bulk_changed.send(sender=ExerciseTag)


@transaction.atomic
def exercise_publish_set(*, exercises: QuerySet[Exercise], published: bool) -> list[Exercise]:
    """Publish or unpublish; returns the exercises whose flag changed."""
    changed = list(exercises.exclude(is_published=published))
    for exercise in changed:
        exercise.is_published = published
        exercise.save(update_fields=["is_published", "updated_at"])
    verb = "published" if published else "withdrawn (unpublished)"
    exercise_changes_announce(
        exercise_ids=[exercise.pk for exercise in changed],
        summary=f"{len(changed)} exercise(s) {verb}",
    )
    return changed


def exercise_changes_announce(*, exercise_ids, summary: str) -> None:
    """Tell the apps that use the library (plans already made) that coaches changed these
    exercises; they act once the current transaction commits."""
    library_changes.announce(exercise_ids=exercise_ids, summary=summary)
