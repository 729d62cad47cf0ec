"""Coaches edit an exercise's figure in admin (clear errors, live preview); emails carry a PNG."""

import json
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from exercises import content
from exercises.models import Exercise
from programs.models import PlannedItem
from programs.services.reminders import reminder_settings_update
from programs.tasks import send_due_reminders
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items
from tests.integration.exercises.test_admin import admin_form_data, change_url

pytestmark = pytest.mark.django_db

POSES = json.loads((content.SEED_DIR / "poses_v1.json").read_text())
PREVIEW = reverse("exercises:figure_preview")


def post_preview(client, data, *, is_hold=False):
    body = json.dumps(
        {"demonstration": data if isinstance(data, str) else json.dumps(data), "is_hold": is_hold}
    )
    return client.post(PREVIEW, body, content_type="application/json")


def test_change_page_shows_keyframes_one_per_line_and_a_preview(client, coach):
    client.force_login(coach)
    exercise = Exercise.objects.get(slug="cat-cow")
    html = client.get(change_url(exercise)).content.decode()
    assert 'name="demonstration"' in html
    assert "    {&quot;trunk&quot;: 12" in html  # one keyframe per line
    assert 'data-figure-preview data-url="/exercises/figure-preview.json"' in html
    assert html.count('class="figure-svg figure-still') == 3  # start, middle, end
    assert "exercises/pose_preview.js" in html


def test_coach_saves_an_edited_pose(client, coach):
    client.force_login(coach)
    exercise = Exercise.objects.get(slug="cat-cow")
    data = admin_form_data(client.get(change_url(exercise)))
    poses = json.loads(json.dumps(POSES["cat-cow"]))
    poses["keyframes"][0]["neck"] = 25
    data["demonstration"] = json.dumps(poses)
    response = client.post(change_url(exercise), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    exercise.refresh_from_db()
    assert exercise.demonstration["keyframes"][0]["neck"] == 25


def test_invalid_pose_is_refused_with_a_clear_error_and_nothing_saved(client, coach):
    client.force_login(coach)
    exercise = Exercise.objects.get(slug="glute-bridge")
    before = exercise.demonstration
    data = admin_form_data(client.get(change_url(exercise)))
    poses = json.loads(json.dumps(POSES["glute-bridge"]))
    poses["keyframes"][1]["knee"] = 60  # feet swing off the floor they should rest on
    poses["keyframes"][0]["hip"] = 180
    data["demonstration"] = json.dumps(poses)
    response = client.post(change_url(exercise), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["demonstration"]
    assert "Keyframe 1 (start): hip bend 180° is beyond its range (-35° to 175°)." in errors
    assert any("the feet should rest on the floor but float" in e for e in errors)
    exercise.refresh_from_db()
    assert exercise.demonstration == before


def test_live_preview_draws_or_explains(client, coach):
    client.force_login(coach)
    ok = post_preview(client, POSES["bird-dog"])
    assert ok.status_code == 200 and ok.json()["html"].count("<svg") == 2
    bad = json.loads(json.dumps(POSES["bird-dog"]))
    bad["keyframes"][1]["elbow"] = -20
    refused = post_preview(client, bad)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        "Keyframe 2 (end): elbow bend -20° is beyond its range (0° to 150°)."
    ]
    half_typed = post_preview(client, '{"keyframes": [')
    assert half_typed.status_code == 400 and half_typed.json()["errors"] == [
        "That is not valid JSON yet."
    ]


def test_live_preview_is_for_staff_only(client, member):
    assert post_preview(client, POSES["bird-dog"]).status_code == 302
    client.force_login(member)
    assert post_preview(client, POSES["bird-dog"]).status_code == 302


def test_png_figure_for_emails(client):
    response = client.get(reverse("exercises:figure_png", kwargs={"slug": "childs-pose"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    Exercise.objects.filter(slug="childs-pose").update(demonstration={})
    assert (
        client.get(reverse("exercises:figure_png", kwargs={"slug": "childs-pose"})).status_code
        == 404
    )


def test_reminder_email_shows_each_exercise_figure(django_capture_on_commit_callbacks):
    person = MemberFactory()
    enrol(person)
    session = session_with_items(member=person, day=date(2026, 2, 3), holds=(20,), reps=())
    PlannedItem.objects.filter(session=session).update(
        exercise=Exercise.objects.get(slug="bird-dog-hold")
    )
    reminder_settings_update(
        member=person,
        enabled=True,
        local_time=time(8, 0),
        weekdays=range(7),
        timezone="Europe/London",
        morning_checkins=False,
    )
    with (
        time_machine.travel(datetime(2026, 2, 3, 8, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_due_reminders() == 1
    html = mail.outbox[0].alternatives[0][0]
    assert 'src="http://127.0.0.1:8000/exercises/bird-dog-hold/figure.png"' in html
