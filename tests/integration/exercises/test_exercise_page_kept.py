"""The exercise page's body is drawn once per process and kept (exercises.views.exercise_detail)
under the exercise's row as each request reads it, the library version (tags, images, steps),
what staff see and the phase pools' doses read for that request. Whatever a coach changes, by
the admin or in bulk, the member's next visit shows it; a withdrawn exercise is gone at once."""

import pytest
from django.test import Client
from django.urls import reverse

from exercises import services
from exercises.choices import TagKind
from exercises.models import Exercise, ExerciseImage, ExerciseStep
from programs.models import PoolEntry
from tests.factories import ExerciseFactory, ExerciseImageFactory
from tests.integration.exercises.test_admin import admin_form_data, change_url
from tests.page_pins import without_tokens

pytestmark = pytest.mark.django_db


@pytest.fixture
def coach_client(coach):
    client = Client()
    client.force_login(coach)
    return client


@pytest.fixture
def member_client(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def exercise():
    return ExerciseFactory(
        name="Wall slide",
        purpose="Wake the upper back.",
        cautions="Stop if your shoulder pinches.",
        phases=["reconnect"],
        tracks=["general"],
        equipment=["wall"],
        steps=["Stand with your back to the wall.", "Slide your arms up slowly."],
        harder=ExerciseFactory(name="Overhead reach"),
        easier=ExerciseFactory(name="Shoulder roll"),
    )


def page(client, exercise) -> str:
    response = client.get(exercise.get_absolute_url())
    assert response.status_code == 200
    return without_tokens(response.content).decode()


def seen_twice(client, exercise) -> str:
    """The page as the member sees it, once drawn and once kept: both must say the same."""
    first = page(client, exercise)
    assert page(client, exercise) == first
    return first


def admin_edit(client, exercise, **changes) -> None:
    data = admin_form_data(client.get(change_url(exercise)))
    data.update(changes)
    for name in [name for name, value in changes.items() if value is None]:
        data.pop(name)
    response = client.post(change_url(exercise), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_a_coachs_edit_of_text_dose_and_cautions_in_the_admin_shows_at_once(
    member_client, coach_client, exercise
):
    html = seen_twice(member_client, exercise)
    assert "Stop if your shoulder pinches." in html and "8 reps × 2 sets" in html
    admin_edit(
        coach_client,
        exercise,
        purpose="Open the chest.",
        cautions="Stop if your arm tingles.",
        reps="10",
        ceiling_reps="14",
    )
    html = seen_twice(member_client, exercise)
    assert "Open the chest." in html and "Wake the upper back." not in html
    assert "Stop if your arm tingles." in html and "shoulder pinches" not in html
    assert "10 reps × 2 sets" in html and "5–14 reps" in html


def test_steps_and_tags_edited_in_the_admin_show_at_once(member_client, coach_client, exercise):
    seen_twice(member_client, exercise)
    admin_edit(
        coach_client,
        exercise,
        **{
            "steps-0-text": "Press your lower back to the wall.",
            "steps-1-DELETE": "on",
            "phase_tags": ["partial-range"],
            "equipment_tags": ["chair"],
        },
    )
    html = seen_twice(member_client, exercise)
    assert "Press your lower back to the wall." in html
    assert "Stand with your back" not in html and "Slide your arms up" not in html
    assert "?phase=partial-range" in html and "?phase=reconnect" not in html
    assert "Chair" in html and "Wall<" not in html


def test_a_step_or_tag_changed_outside_the_admin_shows_at_once(member_client, exercise):
    seen_twice(member_client, exercise)
    ExerciseStep.objects.create(exercise=exercise, order=3, text="Breathe out as you slide.")
    assert "Breathe out as you slide." in seen_twice(member_client, exercise)
    services.exercise_tags_set(exercise=exercise, kind=TagKind.TRACK, values=["sciatica"])
    html = seen_twice(member_client, exercise)
    assert "?track=sciatica" in html and "?track=general" not in html
    ExerciseStep.objects.filter(exercise=exercise, order=3).get().delete()
    assert "Breathe out as you slide." not in seen_twice(member_client, exercise)


def test_images_added_and_removed_show_at_once(member_client, coach_client, exercise):
    assert "Second picture" not in seen_twice(member_client, exercise)
    ExerciseImageFactory(exercise=exercise, alt_text="First picture", is_main=True)
    ExerciseImageFactory(exercise=exercise, alt_text="Second picture", order=1)
    html = seen_twice(member_client, exercise)
    assert "First picture" in html and "Second picture" in html
    first = ExerciseImage.objects.get(exercise=exercise, alt_text="First picture")
    data = admin_form_data(coach_client.get(change_url(exercise)))
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("images-") and key.endswith("-id") and value == str(first.pk)
    )
    data[f"images-{index}-DELETE"] = "on"
    assert coach_client.post(change_url(exercise), data).status_code == 302
    assert not ExerciseImage.objects.filter(pk=first.pk).exists()
    html = seen_twice(member_client, exercise)
    assert "First picture" not in html and "Second picture" in html


@pytest.mark.parametrize("how", ["admin form", "admin action", "service"])
def test_a_withdrawn_exercise_is_gone_at_once_and_comes_back_when_published(
    member_client, coach_client, exercise, how
):
    seen_twice(member_client, exercise)
    if how == "admin form":
        admin_edit(coach_client, exercise, is_published=None)
    elif how == "admin action":
        coach_client.post(
            reverse("admin:exercises_exercise_changelist"),
            {"action": "unpublish", "_selected_action": [exercise.pk]},
        )
    else:
        services.exercise_publish_set(
            exercises=Exercise.objects.filter(pk=exercise.pk), published=False
        )
    assert not Exercise.objects.get(pk=exercise.pk).is_published
    assert member_client.get(exercise.get_absolute_url()).status_code == 404
    # staff still see it, with the banner; the member still gets "not found"
    assert "Not published." in page(coach_client, exercise)
    assert member_client.get(exercise.get_absolute_url()).status_code == 404
    coach_client.post(
        reverse("admin:exercises_exercise_changelist"),
        {"action": "publish", "_selected_action": [exercise.pk]},
    )
    assert "Not published." not in seen_twice(member_client, exercise)


def test_a_deleted_exercise_is_gone_at_once(member_client, coach_client, exercise):
    seen_twice(member_client, exercise)
    response = coach_client.post(
        reverse("admin:exercises_exercise_delete", args=[exercise.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert member_client.get(exercise.get_absolute_url()).status_code == 404


def test_a_withdrawn_variation_is_no_longer_offered(member_client, coach_client, exercise):
    harder = exercise.harder
    assert harder.get_absolute_url() in seen_twice(member_client, exercise)
    coach_client.post(
        reverse("admin:exercises_exercise_changelist"),
        {"action": "unpublish", "_selected_action": [harder.pk]},
    )
    html = seen_twice(member_client, exercise)
    assert harder.get_absolute_url() not in html and "no harder version yet" in html
    # Staff are offered it (it is theirs to edit); what they were shown is never the member's.
    assert harder.get_absolute_url() in page(coach_client, exercise)
    assert harder.get_absolute_url() not in seen_twice(member_client, exercise)


def test_a_row_changed_without_any_signal_still_shows_at_once(member_client, exercise):
    """A bulk UPDATE sends no signal and leaves the library version as it was: the body is kept
    under the row itself, so the page follows the row whatever wrote it."""
    seen_twice(member_client, exercise)
    Exercise.objects.filter(pk=exercise.pk).update(cautions="Stop if your hand goes numb.")
    Exercise.objects.filter(pk=exercise.harder_id).update(name="Wall angel")
    html = seen_twice(member_client, exercise)
    assert "Stop if your hand goes numb." in html and "shoulder pinches" not in html
    assert "Wall angel" in html
    Exercise.objects.filter(pk=exercise.harder_id).update(is_published=False)
    assert "Wall angel" not in seen_twice(member_client, exercise)
    Exercise.objects.filter(pk=exercise.pk).update(is_published=False)
    assert member_client.get(exercise.get_absolute_url()).status_code == 404


def test_the_phase_pools_doses_are_read_on_every_visit(member_client, coach_client):
    """Plan doses come from each phase's pool (programs): a coach's change to a pool shows on
    the member's next visit, whether made in the admin or in bulk."""
    cat_cow = Exercise.objects.get(slug="cat-cow")
    entries = PoolEntry.objects.filter(exercise=cat_cow, phase__slug="reconnect")
    entries.update(start_reps=9, ceiling_reps=14, start_sets=1, ceiling_sets=2)
    assert "In Reconnect: 9–14 reps × 1–2 sets" in seen_twice(member_client, cat_cow)
    entry = entries.filter(track="general").get()
    url = reverse("admin:programs_poolentry_change", args=[entry.pk])
    data = admin_form_data(coach_client.get(url))
    data["ceiling_reps"] = "16"
    assert coach_client.post(url, data).status_code == 302
    html = seen_twice(member_client, cat_cow)
    assert "general track: 9–16 reps × 1–2 sets" in html
    entries.update(start_reps=6, ceiling_reps=10)
    html = seen_twice(member_client, cat_cow)
    assert "In Reconnect: 6–10 reps × 1–2 sets, start 6 reps × 1 set" in html
    entries.delete()
    assert "In Reconnect" not in seen_twice(member_client, cat_cow)


@pytest.mark.parametrize("gallery", [0, 8])
def test_a_kept_page_costs_two_queries(client, gallery, django_assert_num_queries):
    exercise = ExerciseFactory(phases=["reconnect"], harder=ExerciseFactory())
    for n in range(gallery):
        ExerciseImageFactory(exercise=exercise, order=n)
    first = page(client, exercise)
    # the exercise with its variations, and the phase pools' doses: no tags, images or steps
    with django_assert_num_queries(2):
        assert page(client, exercise) == first


def test_an_edit_made_in_another_process_shows_at_once(member_client, exercise):
    """Another worker's edit clears only its own drawings: here the drawings are put back as
    they were, and the library version read from the shared cache must still send every page
    drawn before the edit to be drawn again."""
    from exercises import cache as drawings

    seen_twice(member_client, exercise)
    kept = dict(drawings._drawn)
    ExerciseStep.objects.create(exercise=exercise, order=3, text="Breathe out as you slide.")
    services.exercise_tags_set(exercise=exercise, kind=TagKind.TRACK, values=["sciatica"])
    ExerciseImageFactory(exercise=exercise, alt_text="A new picture", is_main=True)
    drawings._drawn.update(kept)
    html = seen_twice(member_client, exercise)
    assert "Breathe out as you slide." in html and "?track=sciatica" in html
    assert "A new picture" in html
