import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exercises.choices import TagKind
from exercises.models import Exercise, ExerciseStep, ExerciseTag
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


def _violates(**changes) -> None:
    exercise = ExerciseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Exercise.objects.filter(pk=exercise.pk).update(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"floor_reps": 9},  # above default 8
        {"ceiling_reps": 7},  # below default 8
        {"floor_sets": 3},  # above default 2
        {"ceiling_sets": 1},
        {"sets": 0},
        {"hold_seconds": 20},  # both hold and reps
        {"reps": None},  # neither
        {"reps": None, "hold_seconds": 0, "floor_reps": None, "ceiling_reps": None},
        {"floor_hold_seconds": 10},  # a hold range on a reps exercise
        {"movement_type": "yoga"},
        {"position": "upside_down"},
        {"video_url": "http://example.org/v"},
    ],
)
def test_database_refuses_bad_exercise_rows(changes):
    _violates(**changes)


def test_database_refuses_self_links():
    exercise = ExerciseFactory()
    for field in ("easier", "harder"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Exercise.objects.filter(pk=exercise.pk).update(**{field: exercise})


def test_database_refuses_unknown_tags_and_duplicates():
    exercise = ExerciseFactory(phases=["reconnect"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseTag.objects.create(exercise=exercise, kind=TagKind.PHASE, value="glutes")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseTag.objects.create(exercise=exercise, kind="colour", value="red")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseTag.objects.create(exercise=exercise, kind=TagKind.PHASE, value="reconnect")


def test_step_order_is_unique_per_exercise():
    exercise = ExerciseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseStep.objects.create(exercise=exercise, order=1, text="Duplicate")


def test_full_clean_explains_dose_and_link_errors():
    exercise = ExerciseFactory()
    exercise.floor_reps = 10
    exercise.hold_seconds = 30
    exercise.easier = exercise
    with pytest.raises(ValidationError) as error:
        exercise.full_clean()
    assert {"floor_reps", "hold_seconds", "easier"} <= set(error.value.message_dict)


def test_placeholder_is_used_until_an_image_exists():
    exercise = ExerciseFactory(movement_type="nerve_glide")
    assert exercise.card_image_url.endswith("/exercises/placeholders/nerve_glide.svg")
    assert exercise.hero_image_url == exercise.card_image_url
