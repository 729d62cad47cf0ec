"""Where each dose number comes from: a coach who changes an exercise's library dose sees that
plans take theirs from each phase's pool, on the library page and in the exercise admin."""

import pytest
from django.urls import reverse

from exercises.models import Exercise
from programs.models import PoolEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat_cow():
    """The seeded Cat-cow, changed by a coach to 10 reps in the library; Reconnect's pools
    give 9–14 reps (the sciatica track 6–10)."""
    exercise = Exercise.objects.get(slug="cat-cow")
    Exercise.objects.filter(pk=exercise.pk).update(reps=10, floor_reps=None, ceiling_reps=None)
    entries = PoolEntry.objects.filter(exercise=exercise, phase__slug="reconnect")
    entries.update(start_reps=9, ceiling_reps=14, start_sets=1, ceiling_sets=2)
    entries.filter(track="sciatica").update(start_reps=6, ceiling_reps=10)
    assert entries.filter(track="general").exists() and entries.filter(track="sciatica").exists()
    return exercise


def test_library_page_says_where_plan_doses_come_from(client, cat_cow):
    html = client.get(cat_cow.get_absolute_url()).content.decode()
    assert (
        "In Reconnect, active ageing and general tracks: 9–14 reps × 1–2 sets, start 9 reps × 1 set"
        in html
    )
    assert "In Reconnect, sciatica track: 6–10 reps × 1–2 sets, start 6 reps × 1 set" in html
    # The library's own number is shown as what it is: the exercise on its own.
    assert "On its own" in html
    assert "10 reps × 1 set" in html


def test_phase_with_one_dose_for_every_track_reads_once(client, cat_cow):
    PoolEntry.objects.filter(exercise=cat_cow, phase__slug="reconnect").update(
        start_reps=9, ceiling_reps=14
    )
    html = client.get(cat_cow.get_absolute_url()).content.decode()
    assert "In Reconnect: 9–14 reps × 1–2 sets, start 9 reps × 1 set" in html
    assert "sciatica track" not in html


def test_exercise_admin_shows_pool_doses_and_calls_its_own_a_default(client, coach, cat_cow):
    client.force_login(coach)
    html = client.get(reverse("admin:exercises_exercise_change", args=[cat_cow.pk])).content
    html = html.decode()
    assert "Doses in plans" in html
    assert (
        "In Reconnect, active ageing and general tracks: 9–14 reps × 1–2 sets, start 9 reps × 1 set"
        in html
    )
    assert "Library dose (a default, not the plan)" in html


def test_exercise_in_no_pool_says_so(client, coach):
    exercise = Exercise.objects.exclude(pk__in=PoolEntry.objects.values("exercise_id")).first()
    assert exercise is not None
    client.force_login(coach)
    html = client.get(reverse("admin:exercises_exercise_change", args=[exercise.pk])).content
    assert "In no phase&#x27;s pool yet" in html.decode()
