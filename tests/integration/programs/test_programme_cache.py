"""The programme bundle is built once per version and rebuilt when a coach edits the programme."""

import pytest

from exercises.models import Exercise
from programs.models import Phase, PoolEntry
from programs.selectors import programme_build

pytestmark = pytest.mark.django_db

BUILD_QUERIES = 5  # phases, pool entries, catalogue (exercises + tags + images)


def test_built_once_then_read_from_the_cache(django_assert_num_queries):
    with django_assert_num_queries(BUILD_QUERIES):
        first = programme_build()
    with django_assert_num_queries(0):
        assert programme_build() is first


def test_a_cleared_cache_rebuilds(django_assert_num_queries):
    from django.core.cache import cache

    programme_build()
    cache.clear()
    with django_assert_num_queries(BUILD_QUERIES):
        programme_build()


def test_editing_a_phase_rebuilds_the_bundle():
    phase = Phase.objects.order_by("order").first()
    assert programme_build().programme.phase(phase.slug).name == phase.name
    phase.name = "Renamed by a coach"
    phase.save(update_fields=["name"])
    assert programme_build().programme.phase(phase.slug).name == "Renamed by a coach"


def test_editing_a_pool_entry_rebuilds_the_bundle():
    entry = PoolEntry.objects.exclude(start_reps=None).select_related("phase").first()
    before = programme_build()
    entry.start_reps = entry.ceiling_reps
    entry.save(update_fields=["start_reps"])
    after = programme_build()
    assert after is not before
    starts = {
        pool.exercise: pool.start.unit
        for pool in after.programme.phase(entry.phase.slug).entries_for(entry.track)
    }
    assert starts[Exercise.objects.get(pk=entry.exercise_id).slug] == entry.ceiling_reps


def test_editing_or_deleting_an_exercise_rebuilds_the_bundle():
    exercise = Exercise.objects.order_by("pk").first()
    programme_build()
    exercise.name = "A new name"
    exercise.save(update_fields=["name"])
    assert programme_build().exercise_names[exercise.slug] == "A new name"
    PoolEntry.objects.filter(exercise=exercise).delete()
    exercise.delete()
    assert exercise.slug not in programme_build().exercise_ids


def test_tags_added_in_bulk_rebuild_the_bundle():
    # Was: exercise_tags_set inserts tags in bulk (no post_save), so a newly needed piece of
    # equipment stayed unknown to the planner until the bundle aged out.
    from exercises.services import exercise_tags_set

    exercise = Exercise.objects.get(slug="cat-cow")
    before = programme_build()
    assert "chair" not in before.programme.exercises["cat-cow"].equipment
    exercise_tags_set(exercise=exercise, kind="equipment", values=["chair"])
    after = programme_build()
    assert after is not before
    assert "chair" in after.programme.exercises["cat-cow"].equipment


def test_no_copy_outlives_the_max_age(monkeypatch, django_assert_num_queries):
    from django.core.cache import cache

    from programs.selectors import programme

    programme_build()
    cache.delete(programme.BUNDLE_KEY.format(version=programme.programme_cache_version()))
    now = programme.time.monotonic()
    monkeypatch.setattr(programme.time, "monotonic", lambda: now + programme.BUNDLE_MAX_AGE + 1)
    with django_assert_num_queries(BUILD_QUERIES):
        programme_build()
