from datetime import date, timedelta

import pytest
from django.utils import timezone

from exercises.models import Exercise
from programs.models import MemberDose, PlannedItem, PlannedSession
from programs.services import plan_day
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)


def test_planning_the_same_day_twice_creates_nothing_new(member):
    enrol(member, today=MONDAY)
    first = plan_day(member=member, day=MONDAY)
    counts = PlannedSession.objects.count(), PlannedItem.objects.count()
    second = plan_day(member=member, day=MONDAY)
    assert second.pk == first.pk
    assert (PlannedSession.objects.count(), PlannedItem.objects.count()) == counts
    assert first.items.count() >= 2


def test_plan_items_carry_doses_reasons_and_roles(member):
    enrol(member, today=MONDAY)
    session = plan_day(member=member, day=MONDAY)
    items = list(session.items.select_related("exercise").order_by("order"))
    roles = [item.role for item in items]
    assert roles[0] == "warm_up" and "main" in roles
    assert roles == sorted(roles, key=lambda role: role != "warm_up")
    for item in items:
        assert item.reason
        assert (item.hold_seconds is None) != (item.reps is None)
        assert item.sets >= 1
    doses = {dose.exercise_id: dose for dose in MemberDose.objects.filter(member=member)}
    for item in items:
        if item.pool_exercise_id in doses and item.exercise_id == item.pool_exercise_id:
            dose = doses[item.pool_exercise_id]
            assert (item.hold_seconds, item.reps, item.sets) == (
                dose.hold_seconds,
                dose.reps,
                dose.sets,
            )


def test_equipment_is_honoured(member):
    enrol(member, today=MONDAY, equipment=[], minutes_per_day=20)
    days = [MONDAY + timedelta(days=offset) for offset in range(7)]
    used = set()
    for day in days:
        session = plan_day(member=member, day=day)
        used |= {item.exercise_id for item in session.items.all()}
    needs_kit = [
        exercise
        for exercise in Exercise.objects.filter(pk__in=used).prefetch_related("tags")
        if set(exercise.equipment) - {"none"}
    ]
    assert needs_kit == []

    with_wall = MemberFactory()
    enrol(with_wall, today=MONDAY, equipment=["wall"], minutes_per_day=20)
    wall_used = set()
    for day in days:
        session = plan_day(member=with_wall, day=day)
        wall_used |= {item.exercise_id for item in session.items.all()}
        # Done and green, so the planner rotates through the pool.
        PlannedSession.objects.filter(pk=session.pk).update(
            status="completed", pain_during=1, effort=4, morning_pain=1
        )
        session.items.update(completed_at=timezone.now())
    kit = {
        tag
        for exercise in Exercise.objects.filter(pk__in=wall_used).prefetch_related("tags")
        for tag in exercise.equipment
    }
    assert kit <= {"none", "wall"}
    assert "wall" in kit  # the Reconnect pool has a wall exercise; it gets its turn this week


def test_rest_days_are_honoured(member):
    enrol(member, today=MONDAY, training_days="1010100")
    tuesday = plan_day(member=member, day=MONDAY + timedelta(days=1))
    assert tuesday.is_rest_day and tuesday.items.count() == 0
    assert "Rest" in tuesday.reason
    wednesday = plan_day(member=member, day=MONDAY + timedelta(days=2))
    assert not wednesday.is_rest_day and wednesday.items.exists()


def test_minutes_per_day_bound_the_session(member):
    enrol(member, today=MONDAY, minutes_per_day=5)
    session = plan_day(member=member, day=MONDAY)
    assert 0 < session.estimated_seconds <= 5 * 60


def test_changing_the_intake_replans_an_untouched_today(member):
    enrol(member, today=MONDAY, minutes_per_day=5)
    first = plan_day(member=member, day=MONDAY)
    enrol(member, today=MONDAY, minutes_per_day=20)
    second = plan_day(member=member, day=MONDAY)
    assert second.pk != first.pk
    assert PlannedSession.objects.filter(member=member, date=MONDAY).count() == 1
