"""A coach withdraws the easier variation a member is on: the member is back on the harder
exercise at its start dose for their phase (what a newcomer to it gets), never at the
variation's dose, and reads why on Today, in the player, the email and the calendar. The same
holds when the member's equipment no longer allows the variation, and in the weekly review.

Reconnect (general track) has the wall hip hinge (8 reps × 1 set to 12 × 3); its easier
version, the standing pelvic tilt, goes up to 15 reps × 2 sets. Carried over as it was, 15 × 2
on the hinge would be its ceiling's reps at twice the start's sets: a load rise of 200 %."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from exercises.choices import TagKind
from exercises.models import Exercise, ExerciseTag
from programs.choices import DecisionKind, SessionStatus
from programs.models import (
    MemberDose,
    Phase,
    PlannedItem,
    PlannedSession,
    PoolEntry,
    ProgressionDecision,
)
from programs.selectors.member import week_start_of
from programs.selectors.programme import programme_cache_invalidate
from programs.selectors.sessions import member_today
from programs.services import plan_day
from programs.services.planning import plans_refresh
from programs.services.progression import progression_run_week
from tests.factories import CoachFactory, MemberFactory
from tests.factories.programs import enrol
from tests.integration.programs.test_programme_edits import (
    assert_everywhere,
    assert_nowhere,
    shown_everywhere,
    unpublish_by_action,
    unpublish_in_change_page,
)

pytestmark = pytest.mark.django_db

HARDER, EASIER = "wall-hip-hinge", "standing-pelvic-tilt"
START = "8 reps × 1 set"  # the hinge's start dose in Reconnect
ON_EASIER = "15 reps × 2 sets"
BACK = "Back to Wall hip hinge, starting at 8 reps × 1 set"


def _others_done_yesterday(member) -> None:
    """Every other main exercise of the pool done yesterday, so today's turn is the hinge's
    (plans rotate: least recently done first)."""
    yesterday = member_today(member) - timedelta(days=1)
    session = PlannedSession.objects.create(
        member=member,
        date=yesterday,
        phase=Phase.objects.get(slug="reconnect"),
        status=SessionStatus.COMPLETED,
        pain_during=1,
        effort=4,
        morning_pain=1,
        completed_at=timezone.now(),
    )
    others = PoolEntry.objects.filter(phase__slug="reconnect", track="general").exclude(
        exercise__slug=HARDER
    )
    PlannedItem.objects.bulk_create(
        PlannedItem(
            session=session,
            order=order,
            exercise_id=entry.exercise_id,
            pool_exercise_id=entry.exercise_id,
            hold_seconds=entry.start_hold_seconds,
            reps=entry.start_reps,
            sets=entry.start_sets,
            completed_at=timezone.now(),
            target_met=True,
        )
        for order, entry in enumerate(others, start=1)
    )


def _on_the_easier_version(member) -> None:
    """As the weekly review leaves a member who backed off at the hinge's floor."""
    _others_done_yesterday(member)
    hinge, tilt = Exercise.objects.get(slug=HARDER), Exercise.objects.get(slug=EASIER)
    MemberDose.objects.filter(member=member, exercise=hinge).update(
        variation=tilt,
        reps=15,
        sets=2,
        hold_seconds=None,
        kind=DecisionKind.BACK_OFF,
        reason="Switched to Standing pelvic tilt, an easier version.",
    )
    plans_refresh(member=member)


def _hinge_item(member) -> PlannedItem | None:
    return (
        PlannedItem.objects.filter(
            session__member=member,
            session__date=member_today(member),
            pool_exercise__slug=HARDER,
        )
        .select_related("exercise")
        .first()
    )


@pytest.fixture
def on_easier():
    member = MemberFactory()
    enrol(member, minutes_per_day=20, equipment=["wall"])
    _on_the_easier_version(member)
    item = _hinge_item(member)
    assert item is not None and item.exercise.slug == EASIER and (item.reps, item.sets) == (15, 2)
    return member


@pytest.mark.parametrize("withdraw", [unpublish_by_action, unpublish_in_change_page])
def test_withdrawn_easier_version_puts_the_member_back_at_the_harder_exercises_start(
    client, on_easier, withdraw
):
    client.force_login(CoachFactory())
    withdraw(client, EASIER)

    dose = MemberDose.objects.get(member=on_easier, exercise__slug=HARDER)
    assert (dose.variation_id, dose.reps, dose.sets) == (None, 8, 1)
    assert dose.kind == DecisionKind.START and dose.reason.startswith(BACK)
    decision = ProgressionDecision.objects.get(
        member=on_easier,
        week_start=week_start_of(member_today(on_easier)),
        exercise__slug=HARDER,
    )
    assert (decision.before_reps, decision.before_sets) == (15, 2)
    assert (decision.after_reps, decision.after_sets) == (8, 1)
    assert "no longer part of the programme" in decision.reason

    item = _hinge_item(on_easier)
    assert item.exercise.slug == HARDER and (item.reps, item.sets) == (8, 1)
    pages = shown_everywhere(client, on_easier)
    assert_everywhere(pages, "Wall hip hinge")
    assert_nowhere(pages, ON_EASIER)
    assert BACK in pages["today"]  # the reason the member reads, on Today


def test_a_member_with_no_plan_showing_the_variation_is_reached_too(client):
    member = MemberFactory()
    enrol(member, minutes_per_day=20, equipment=["wall"])
    _on_the_easier_version(member)
    PlannedSession.objects.filter(member=member).delete()  # nothing stored shows it
    client.force_login(CoachFactory())
    unpublish_by_action(client, EASIER)
    dose = MemberDose.objects.get(member=member, exercise__slug=HARDER)
    assert (dose.variation_id, dose.reps, dose.sets) == (None, 8, 1)


def test_today_plans_the_harder_exercise_at_its_start_even_before_the_replan(on_easier):
    """The replanning has not reached the member yet (a worker down): the plan made on their
    next visit to Today already starts the hinge light, whatever the stored dose says."""
    Exercise.objects.filter(slug=EASIER).update(is_published=False)  # no signal, no replan
    programme_cache_invalidate()
    PlannedSession.objects.filter(member=on_easier, date__gte=member_today(on_easier)).delete()
    client = Client()
    client.force_login(on_easier)
    page = client.get(reverse("programs:today")).content.decode()
    item = _hinge_item(on_easier)
    assert item.exercise.slug == HARDER and (item.reps, item.sets) == (8, 1)
    assert BACK in page and ON_EASIER not in page


def test_equipment_no_longer_listed_brings_the_member_back_the_same_way(on_easier):
    tilt = Exercise.objects.get(slug=EASIER)
    ExerciseTag.objects.filter(exercise=tilt, kind=TagKind.EQUIPMENT).delete()
    ExerciseTag.objects.create(exercise=tilt, kind=TagKind.EQUIPMENT, value="chair")
    programme_cache_invalidate()
    enrol(on_easier, minutes_per_day=20, equipment=["wall"])  # saved again, no chair
    dose = MemberDose.objects.get(member=on_easier, exercise__slug=HARDER)
    assert (dose.variation_id, dose.reps, dose.sets) == (None, 8, 1)
    assert "needs equipment you haven't listed" in dose.reason
    item = _hinge_item(on_easier)
    assert (item.exercise.slug, item.reps, item.sets) == (HARDER, 8, 1)


def test_the_weekly_review_never_lifts_the_harder_exercise_above_its_start(on_easier):
    Exercise.objects.filter(slug=EASIER).update(is_published=False)  # no replan ran
    programme_cache_invalidate()
    today = member_today(on_easier)
    progression_run_week(week_start=week_start_of(today) - timedelta(days=7))
    dose = MemberDose.objects.get(member=on_easier, exercise__slug=HARDER)
    assert dose.variation_id is None
    assert dose.reps * dose.sets <= 8
    plan_day(member=on_easier)


@pytest.mark.parametrize("how", ["delete page", "delete action"])
def test_deleting_the_easier_version_a_member_is_on_is_refused_and_unpublishing_is_the_way(
    client, on_easier, how
):
    """Deleted, the easier exercise would leave its dose on the harder one: admin refuses and
    names what holds it; the dose stays where it was until the coach unpublishes instead."""
    tilt = Exercise.objects.get(slug=EASIER)
    PlannedItem.objects.filter(exercise=tilt).delete()  # only the member's dose holds it
    client.force_login(CoachFactory())
    if how == "delete page":
        url = reverse("admin:exercises_exercise_delete", args=[tilt.pk])
        response = client.post(url, {"post": "yes"})
    else:
        response = client.post(
            reverse("admin:exercises_exercise_changelist"),
            {"action": "delete_selected", "_selected_action": [tilt.pk], "post": "yes"},
        )
    assert "protected" in response.content.decode()
    assert Exercise.objects.filter(pk=tilt.pk).exists()
    dose = MemberDose.objects.get(member=on_easier, exercise__slug=HARDER)
    assert (dose.variation_id, dose.reps, dose.sets) == (tilt.pk, 15, 2)
