"""Planned sessions with items, for the session, progress, data and reminder tests."""

from datetime import date

import factory

from exercises.choices import MovementType
from programs.models import Phase, PlannedItem, PlannedSession
from tests.factories.exercises import ExerciseFactory


def first_phase() -> Phase:
    phase = Phase.objects.order_by("order").first()
    if phase is None:  # migrations seed the phases; this covers --nomigrations runs
        phase = Phase.objects.create(slug="reconnect", name="Reconnect", order=1)
    return phase


class PlannedSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedSession

    member = factory.SubFactory("tests.factories.accounts.MemberFactory")
    date = factory.Sequence(
        lambda n: date(2026, 1, 1).fromordinal(date(2026, 1, 1).toordinal() + n)
    )
    phase = factory.LazyFunction(first_phase)
    is_rest_day = False
    status = "planned"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Finishing the intake plans the member's day at once: a hand-made session for that
        # day takes its place.
        model_class.objects.filter(member=kwargs["member"], date=kwargs["date"]).delete()
        return super()._create(model_class, *args, **kwargs)


class HoldExerciseFactory(ExerciseFactory):
    movement_type = MovementType.ISOMETRIC_HOLD
    reps = None
    floor_reps = None
    ceiling_reps = None
    hold_seconds = 20
    floor_hold_seconds = 5
    ceiling_hold_seconds = 60


class PlannedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlannedItem

    session = factory.SubFactory(PlannedSessionFactory)
    order = factory.Sequence(lambda n: n + 1)
    exercise = factory.SubFactory(HoldExerciseFactory)
    hold_seconds = 20
    reps = None
    sets = 2
    per_side = False
    rest_seconds = 30
    reason = "Starting gently."


def session_with_items(*, member, day, holds=(20,), reps=(10,), status="planned", **fields):
    """A session with one hold item per entry in `holds` and one rep item per entry in `reps`."""
    session = PlannedSessionFactory(member=member, date=day, status=status, **fields)
    order = 1
    for seconds in holds:
        PlannedItemFactory(session=session, order=order, hold_seconds=seconds, reps=None)
        order += 1
    for count in reps:
        PlannedItemFactory(
            session=session,
            order=order,
            exercise=ExerciseFactory(),
            hold_seconds=None,
            reps=count,
            per_side=True,
        )
        order += 1
    return session
