import os

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from exercises import services
from exercises.models import ExerciseImage
from exercises.tasks import make_thumbnails
from tests.factories import ExerciseFactory
from tests.imaging import jpeg_upload, oversized_upload, png_bomb, text_upload

pytestmark = pytest.mark.django_db


def thumb_files(settings) -> list[str]:
    found = []
    for root, _dirs, files in os.walk(settings.MEDIA_ROOT):
        found += [os.path.join(root, f) for f in files if "/thumbs" in root]
    return sorted(found)


@pytest.fixture
def added_image(django_capture_on_commit_callbacks):
    exercise = ExerciseFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image = services.exercise_image_add(
            exercise=exercise, upload=jpeg_upload((2000, 1000)), alt_text="Bridge", is_main=True
        )
    from exercises.cache import library_invalidate

    sent = [callback for callback in callbacks if callback is not library_invalidate]
    assert len(sent) == 1  # the thumbnail task is sent once, after commit
    image.refresh_from_db()
    return image


def test_upload_makes_webp_thumbnails_at_320_and_960_and_keeps_the_original(added_image, settings):
    assert added_image.image.storage.exists(added_image.image.name)
    for width in (320, 960):
        thumb = getattr(added_image, f"thumb_{width}")
        assert thumb.name.endswith(f"-{width}.webp")
        with Image.open(thumb.path) as picture:
            assert picture.format == "WEBP"
            assert picture.size == (width, width // 2)
    with Image.open(added_image.image.path) as original:
        assert original.size == (2000, 1000)
    assert len(thumb_files(settings)) == 2


def test_thumbnail_task_run_twice_makes_one_set(added_image, settings):
    names = (added_image.thumb_320.name, added_image.thumb_960.name)
    make_thumbnails.delay(added_image.pk)
    make_thumbnails(added_image.pk)
    added_image.refresh_from_db()
    assert (added_image.thumb_320.name, added_image.thumb_960.name) == names
    assert len(thumb_files(settings)) == 2


def test_thumbnail_task_replaces_a_missing_file_without_duplicates(added_image, settings):
    added_image.thumb_960.storage.delete(added_image.thumb_960.name)
    make_thumbnails(added_image.pk)
    added_image.refresh_from_db()
    assert added_image.thumb_960.storage.exists(added_image.thumb_960.name)
    assert len(thumb_files(settings)) == 2


def test_thumbnail_task_for_a_deleted_image_does_nothing(added_image):
    image_id = added_image.pk
    ExerciseImage.objects.filter(pk=image_id).delete()
    make_thumbnails(image_id)  # no error


def test_small_originals_are_not_upscaled(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = services.exercise_image_add(
            exercise=ExerciseFactory(), upload=jpeg_upload((400, 300)), alt_text="Small"
        )
    image.refresh_from_db()
    with Image.open(image.thumb_960.path) as picture:
        assert picture.size == (400, 300)


def test_exif_and_location_are_stripped(added_image):
    with Image.open(added_image.image.path) as stored:
        assert not stored.getexif()


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (text_upload(), "not_image"),
        (oversized_upload(11), "too_big"),
        (png_bomb(), "bomb"),
        (jpeg_upload((8000, 5100)), "too_many_pixels"),
    ],
)
def test_service_refuses_bad_uploads_and_saves_nothing(upload, code):
    exercise = ExerciseFactory()
    with pytest.raises(ValidationError) as error:
        services.exercise_image_add(exercise=exercise, upload=upload, alt_text="x")
    assert error.value.code == code
    assert not ExerciseImage.objects.exists()


def test_only_one_main_image_per_exercise(django_capture_on_commit_callbacks):
    exercise = ExerciseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.exercise_image_add(
            exercise=exercise, upload=jpeg_upload(), alt_text="1", is_main=True
        )
        second = services.exercise_image_add(
            exercise=exercise, upload=jpeg_upload(), alt_text="2", is_main=True
        )
    first.refresh_from_db()
    assert not first.is_main
    assert exercise.main_image == second
