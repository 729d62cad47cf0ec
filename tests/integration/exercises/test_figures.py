"""Figures in the database: every published exercise has its own, the loader keeps a coach's
edits, invalid poses are refused with a clear message, and the keyframe stylesheet is served."""

import copy
import json
import re

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from exercises import content, demonstrations
from exercises.figures.geometry import validate_demonstration
from exercises.models import Exercise

pytestmark = pytest.mark.django_db

POSES = json.loads((content.SEED_DIR / "poses_v1.json").read_text())


def test_every_published_exercise_has_its_own_valid_keyframes():
    published = list(Exercise.objects.filter(is_published=True))
    assert published
    for exercise in published:
        assert exercise.demonstration, exercise.slug
        validate_demonstration(exercise.demonstration)
        assert demonstrations.figure_for(exercise) is not None


def test_loader_fills_blank_keyframes_and_keeps_a_coachs_edits():
    edited = Exercise.objects.get(slug="cat-cow")
    coach_version = copy.deepcopy(POSES["cat-cow"])
    coach_version["keyframes"][0]["neck"] = 20
    edited.demonstration = coach_version
    edited.save(update_fields=["demonstration"])
    Exercise.objects.filter(slug="bird-dog").update(demonstration={})
    Exercise.objects.filter(slug="glute-bridge").delete()

    report = content.fill_blanks(
        items=content.load_seed("exercises_v1.json", demonstrations="poses_v1.json"),
        create_missing=False,
        **content.historical_models(django_apps),
    )

    edited.refresh_from_db()
    assert edited.demonstration == coach_version
    assert Exercise.objects.get(slug="bird-dog").demonstration == POSES["bird-dog"]
    assert report.filled == {"bird-dog": ["demonstration"]}
    assert not Exercise.objects.filter(
        slug="glute-bridge"
    ).exists()  # a deleted exercise stays deleted


def test_invalid_poses_are_refused_with_a_clear_message():
    exercise = Exercise.objects.get(slug="glute-bridge")
    data = copy.deepcopy(POSES["glute-bridge"])
    data["keyframes"][0]["elbow"] = 200
    data["keyframes"][1]["knee"] = 60
    exercise.demonstration = data
    with pytest.raises(ValidationError) as error:
        exercise.full_clean()
    messages = error.value.message_dict["demonstration"]
    assert "Keyframe 1 (start): elbow bend 200° is beyond its range (0° to 150°)." in messages


def test_figure_stylesheet_is_served_and_cached_by_version(client):
    exercise = Exercise.objects.get(slug="bird-dog")
    url = reverse("exercises:figure_css", kwargs={"slug": "bird-dog"})
    response = client.get(f"{url}?v={demonstrations.figure_version(exercise)}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert "immutable" in response["Cache-Control"]
    css = response.content.decode()
    assert "@keyframes fx-bird-dog-sh-n" in css
    assert "immutable" not in client.get(f"{url}?v=old")["Cache-Control"]
    assert client.get(reverse("exercises:figure_css", kwargs={"slug": "nope"})).status_code == 404


def test_unpublished_figure_stylesheet_is_hidden_from_the_public(client):
    Exercise.objects.filter(slug="bird-dog").update(is_published=False)
    url = reverse("exercises:figure_css", kwargs={"slug": "bird-dog"})
    assert client.get(url).status_code == 404


def test_detail_page_figure_has_steps_as_text_and_no_inline_styles(client):
    exercise = Exercise.objects.get(slug="childs-pose")
    html = client.get(exercise.get_absolute_url()).content.decode()
    figure = html[html.index('<figure class="exercise-figure') : html.index("</figure>")]
    assert "style=" not in figure and "<style" not in html and "<script>" not in figure
    first_step = exercise.steps.first().text.replace("'", "&#x27;")
    assert re.search(
        r'class="figure-svg figure-anim-svg fx-childs-pose"[^>]*aria-label="[^"]*'
        + re.escape(first_step[:30]),
        figure,
    )
    assert 'class="figure-pair"' in figure and "→" in figure  # reduced motion: start and end


def test_published_exercises_do_not_share_keyframes_unless_variations():
    exercises = list(Exercise.objects.filter(is_published=True))
    linked = {
        frozenset((e.pk, other))
        for e in exercises
        for other in (e.easier_id, e.harder_id)
        if other is not None
    }
    seen: dict[str, Exercise] = {}
    for exercise in exercises:
        key = json.dumps(exercise.demonstration["keyframes"], sort_keys=True)
        if key in seen:
            assert frozenset((exercise.pk, seen[key].pk)) in linked, (exercise.slug, seen[key].slug)
        seen[key] = exercise


def test_a_figure_is_drawn_once_and_again_after_an_edit():
    exercise = Exercise.objects.get(slug="cat-cow")
    first = demonstrations.figure_for(exercise)
    again = demonstrations.figure_for(Exercise.objects.get(slug="cat-cow"))
    assert again is first  # drawn once per process, not on every page
    edited = copy.deepcopy(exercise.demonstration)
    edited["keyframes"][0]["neck"] = 20
    exercise.demonstration = edited
    exercise.save(update_fields=["demonstration"])
    redrawn = demonstrations.figure_for(Exercise.objects.get(slug="cat-cow"))
    assert redrawn is not first and redrawn.animated != first.animated
