import factory

from exercises.choices import MovementType, Position, TagKind
from exercises.models import Exercise, ExerciseImage, ExerciseStep, ExerciseTag
from tests.imaging import jpeg_upload


class ExerciseFactory(factory.django.DjangoModelFactory):
    """A published exercise. Pass phases=[...], tracks=[...], target_areas=[...], equipment=[...]."""

    class Meta:
        model = Exercise
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"test-exercise-{n}")
    name = factory.Sequence(lambda n: f"Test exercise {n}")
    purpose = "Practise a steady, pain-free movement."
    benefits = "Builds control."
    cautions = "Stop if pain spreads down a leg."
    movement_type = MovementType.CONTROLLED_RANGE
    position = Position.SUPINE
    reps = 8
    floor_reps = 5
    ceiling_reps = 12
    sets = 2
    floor_sets = 1
    ceiling_sets = 3
    rest_seconds = 30
    is_published = True

    @factory.post_generation
    def steps(obj, create, extracted, **kwargs):
        if create:
            texts = extracted if extracted is not None else ["Get set.", "Move slowly."]
            ExerciseStep.objects.bulk_create(
                ExerciseStep(exercise=obj, order=i, text=t) for i, t in enumerate(texts, 1)
            )

    @factory.post_generation
    def phases(obj, create, extracted, **kwargs):
        _tags(obj, create, TagKind.PHASE, extracted)

    @factory.post_generation
    def tracks(obj, create, extracted, **kwargs):
        _tags(obj, create, TagKind.TRACK, extracted)

    @factory.post_generation
    def target_areas(obj, create, extracted, **kwargs):
        _tags(obj, create, TagKind.TARGET_AREA, extracted)

    @factory.post_generation
    def equipment(obj, create, extracted, **kwargs):
        _tags(obj, create, TagKind.EQUIPMENT, extracted)


def _tags(obj, create, kind, values):
    if create and values:
        ExerciseTag.objects.bulk_create(
            ExerciseTag(exercise=obj, kind=kind, value=value) for value in values
        )


class ExerciseImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExerciseImage

    exercise = factory.SubFactory(ExerciseFactory)
    image = factory.LazyFunction(lambda: jpeg_upload((1200, 800), with_gps_exif=False))
    alt_text = "A person lying on a mat"
    order = 0
