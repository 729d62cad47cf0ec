import os

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from PIL import Image

from exercises import services
from exercises.models import Exercise, ExerciseImage
from tests.factories import ExerciseFactory
from tests.imaging import jpeg_upload, oversized_upload, png_bomb, text_upload

pytestmark = pytest.mark.django_db


def change_url(exercise) -> str:
    return reverse("admin:exercises_exercise_change", args=[exercise.pk])


def _put(data: dict, name: str, value) -> None:
    if value is None or value is False:
        return
    if value is True:
        data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    else:
        data[name] = str(value)


def admin_form_data(response) -> dict:
    """What a browser would post back unchanged from an admin change page."""
    data: dict = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, name, form[name].value())
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = str(
                formset.management_form[name].value()
            )
        for subform in formset.forms:
            for name in subform.fields:
                if name == "image":
                    continue
                _put(data, subform.add_prefix(name), subform[name].value())
    return data


@pytest.fixture
def exercise():
    return ExerciseFactory(phases=["reconnect"], tracks=["general"], equipment=["none"])


def test_coach_group_has_exercise_permissions(coach):
    for model in ("exercise", "exercisestep", "exercisetag", "exerciseimage"):
        for action in ("view", "add", "change", "delete"):
            assert coach.has_perm(f"exercises.{action}_{model}")


def test_member_has_no_admin_access(client, member, exercise):
    client.force_login(member)
    assert client.get(change_url(exercise)).status_code == 302


def test_coach_opens_changelist_search_filters_add_and_change_pages(client, coach, exercise):
    client.force_login(coach)
    changelist = reverse("admin:exercises_exercise_changelist")
    assert client.get(changelist).status_code == 200
    response = client.get(
        changelist, {"q": "bird", "phase": "reconnect", "is_published__exact": "1"}
    )
    assert response.status_code == 200
    assert "Bird-dog" in response.content.decode()
    assert client.get(reverse("admin:exercises_exercise_add")).status_code == 200
    seeded = Exercise.objects.get(slug="cat-cow")
    response = client.get(change_url(seeded))
    assert response.status_code == 200
    assert "placeholders/stretch_mobility.svg" in response.content.decode()


def test_coach_edits_text_tags_and_steps_and_history_records_it(client, coach, exercise):
    client.force_login(coach)
    data = admin_form_data(client.get(change_url(exercise)))
    data["purpose"] = "A clearer purpose."
    data["phase_tags"] = ["reconnect", "partial-range"]
    data["equipment_tags"] = ["wall"]
    data["steps-0-text"] = "A rewritten first step."
    response = client.post(change_url(exercise), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    exercise = Exercise.objects.prefetch_related("tags").get(pk=exercise.pk)
    assert exercise.purpose == "A clearer purpose."
    assert exercise.phases == ["partial-range", "reconnect"]
    assert exercise.equipment == ["wall"]
    assert exercise.tracks == ["general"]
    assert exercise.steps.get(order=1).text == "A rewritten first step."
    entry = LogEntry.objects.get(object_id=str(exercise.pk), action_flag=CHANGE)
    assert entry.user == coach
    assert (
        client.get(reverse("admin:exercises_exercise_history", args=[exercise.pk])).status_code
        == 200
    )


def test_admin_refuses_a_dose_outside_floor_and_ceiling(client, coach, exercise):
    client.force_login(coach)
    data = admin_form_data(client.get(change_url(exercise)))
    data["floor_reps"] = "20"
    data["hold_seconds"] = "30"
    response = client.post(change_url(exercise), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "floor_reps" in errors and "hold_seconds" in errors
    exercise.refresh_from_db()
    assert exercise.floor_reps == 5


def test_admin_refuses_plain_http_video(client, coach, exercise):
    client.force_login(coach)
    data = admin_form_data(client.get(change_url(exercise)))
    data["video_url"] = "http://video.example.org/x"
    response = client.post(change_url(exercise), data)
    assert response.status_code == 200
    assert "video_url" in response.context["adminform"].form.errors


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (text_upload(), "not an image we can read"),
        (oversized_upload(11), "the limit is 10 MB"),
        (png_bomb(), "far too large once decoded"),
    ],
)
def test_bad_uploads_in_admin_are_form_errors(client, coach, exercise, upload, message):
    client.force_login(coach)
    data = admin_form_data(client.get(change_url(exercise)))
    upload.seek(0)
    data["images-0-image"] = upload
    data["images-0-alt_text"] = "A picture"
    response = client.post(change_url(exercise), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ExerciseImage.objects.exists()


def test_good_upload_in_admin_is_stored_and_thumbnailed(
    client, coach, exercise, django_capture_on_commit_callbacks
):
    client.force_login(coach)
    data = admin_form_data(client.get(change_url(exercise)))
    data["images-0-image"] = jpeg_upload((1600, 1200))
    data["images-0-alt_text"] = "Kneeling on a mat"
    data["images-0-is_main"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(exercise), data)
    assert response.status_code == 302
    image = ExerciseImage.objects.get(exercise=exercise)
    assert image.is_main and image.alt_text == "Kneeling on a mat"
    assert image.thumb_320 and image.thumb_960
    # The change page shows a preview of the stored image.
    assert image.thumb_320.url in client.get(change_url(exercise)).content.decode()


@pytest.mark.parametrize(("action", "published"), [("publish", True), ("unpublish", False)])
def test_bulk_publish_actions_are_logged(client, coach, action, published):
    targets = [ExerciseFactory(is_published=not published) for _ in range(3)]
    client.force_login(coach)
    response = client.post(
        reverse("admin:exercises_exercise_changelist"),
        {"action": action, "_selected_action": [e.pk for e in targets]},
    )
    assert response.status_code == 302
    assert (
        Exercise.objects.filter(pk__in=[e.pk for e in targets], is_published=published).count() == 3
    )
    assert LogEntry.objects.filter(object_id__in=[str(e.pk) for e in targets]).count() == 3


def test_replacing_an_image_in_admin_makes_fresh_thumbnails_and_keeps_the_old_original(
    client, coach, exercise, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = services.exercise_image_add(
            exercise=exercise, upload=jpeg_upload((1000, 1000)), alt_text="First"
        )
    image.refresh_from_db()
    old_original, old_thumb = image.image.path, image.thumb_320.path
    client.force_login(coach)
    data = admin_form_data(client.get(change_url(exercise)))
    data["images-0-image"] = jpeg_upload((1200, 600), name="second.jpg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(exercise), data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert "second" in image.image.name
    assert os.path.exists(old_original)  # the first original is kept
    with Image.open(image.thumb_320.path) as thumb:
        assert thumb.size == (320, 160)
    assert image.thumb_320.path == old_thumb  # same name, regenerated content
