import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from backcore.notifications.models import Notification
from programs.models import CoachAlert, CoachAlertEvent, Message
from programs.services.coach_alerts import coach_alert_raise
from programs.services.conversations import message_send_coach, message_send_member
from tests.factories import CoachFactory, MemberFactory
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db


def photo(name="form.jpg", exif=True):
    image = Image.new("RGB", (40, 30), "teal")
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_inbox_is_for_coaches_only(client, member):
    client.force_login(member)
    assert client.get(reverse("coach:inbox")).status_code == 404
    alert = coach_alert_raise(member=member, cause="stalled")
    assert client.get(reverse("coach:alert", args=[alert.pk])).status_code == 404
    assert client.post(reverse("coach:alert_resolve", args=[alert.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("coach:inbox")).status_code == 302  # to sign in


@pytest.mark.parametrize("alerts", [1, 12])
def test_inbox_lists_urgent_first_with_constant_queries(
    client, coach, alerts, django_assert_num_queries
):
    members = [MemberFactory() for _ in range(alerts)]
    for m in members:
        enrol(m)
        coach_alert_raise(member=m, cause="stalled", detail="quiet")
    urgent = MemberFactory()
    coach_alert_raise(member=urgent, cause="emergency", detail="numbness")
    client.force_login(coach)
    # session, user (with groups for is_coach, bell and profile), count, alerts page (with
    # each member's start and latest re-check as subqueries), recent sessions, the members' goals
    with django_assert_num_queries(6):
        response = client.get(reverse("coach:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(urgent.public_name) < body.index(members[0].public_name)
    assert response["Cache-Control"] == "private, no-store"
    # each member's clinician report is one click from their alert
    assert reverse("coach:member_report", args=[urgent.pk]) in body


def test_coach_works_an_alert_and_every_step_is_recorded(client, coach, member):
    alert = coach_alert_raise(member=member, cause="session_pain", detail="Pain 9/10.")
    client.force_login(coach)
    page = client.get(reverse("coach:alert", args=[alert.pk]))
    assert page.status_code == 200 and b"Pain 9/10." in page.content
    for action in ("acknowledge", "assign"):
        client.post(reverse(f"coach:alert_{action}", args=[alert.pk]))
    assert (
        client.post(reverse("coach:alert_note", args=[alert.pk]), {"note": ""}).status_code == 422
    )
    client.post(reverse("coach:alert_note", args=[alert.pk]), {"note": "Called her."})
    client.post(reverse("coach:alert_resolve", args=[alert.pk]), {"note": "Fine now."})
    alert.refresh_from_db()
    assert alert.acknowledged_by == coach and alert.assigned_to == coach
    assert alert.resolved_by == coach and alert.resolved_at is not None
    steps = list(CoachAlertEvent.objects.filter(alert=alert).values_list("action", "actor_id"))
    assert steps[-4:] == [
        ("acknowledged", coach.pk),
        ("assigned", coach.pk),
        ("note", coach.pk),
        ("resolved", coach.pk),
    ]
    assert client.post(f"/coach/alerts/{alert.pk}/dance/").status_code == 404


def test_member_writes_coach_replies_member_is_told(
    client, member, django_capture_on_commit_callbacks
):
    coach = CoachFactory()
    client.force_login(member)
    assert client.get(reverse("programs:messages")).status_code == 200
    assert client.post(reverse("programs:messages"), {"body": "  "}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("programs:messages"), {"body": "Is **this** normal?", "photo": photo()}
        )
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.body_html == "<p>Is <strong>this</strong> normal?</p>\n"
    with Image.open(message.photo.open("rb")) as stored:
        assert not stored.getexif()  # EXIF stripped
    alert = CoachAlert.objects.get(member=member)
    assert alert.cause == "member_message"
    assert [m.to for m in mail.outbox] == [[coach.email]]

    client.force_login(coach)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("coach:alert_reply", args=[alert.pk]), {"body": "Yes — ease off a little."}
        )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.resolved_by == coach  # a reply closes the "member wrote" alert
    note = Notification.objects.get(recipient=member)
    assert note.url == reverse("programs:messages") and note.topic == "coaching"
    assert mail.outbox[-1].to == [member.email]

    client.force_login(member)
    page = client.get(reverse("programs:messages")).content.decode()
    assert "ease off a little" in page and "(coach)" in page


def test_only_the_member_and_coaches_can_read_a_conversation(client, member, coach):
    message = message_send_member(member=member, body="zebra-secret", photo=photo(exif=False))
    other = MemberFactory()
    client.force_login(other)
    assert "zebra-secret" not in client.get(reverse("programs:messages")).content.decode()
    url = reverse("programs:message_photo", args=[message.pk])
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200
    client.force_login(coach)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302


def test_a_photo_must_be_an_image(client, member):
    client.force_login(member)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(reverse("programs:messages"), {"body": "hi", "photo": fake})
    assert response.status_code == 422
    assert not Message.objects.exists()


def test_members_cannot_reply_as_coach(member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        message_send_coach(coach=member, member=MemberFactory(), body="hi")


def test_admin_index_links_to_the_inbox(client, coach):
    client.force_login(coach)
    assert reverse("coach:inbox") in client.get("/admin/").content.decode()


def test_coach_lifts_an_emergency_block_from_the_alert(
    client, member, coach, django_capture_on_commit_callbacks
):
    from programs.models import Intake
    from programs.services.intake import intake_screen_submit

    intake_screen_submit(member=member, answers={"flag_leg_weakness": True})
    alert = CoachAlert.objects.get(member=member, cause="emergency")
    client.force_login(coach)
    page = client.get(reverse("coach:alert", args=[alert.pk]))
    assert b"Lift the emergency block" in page.content
    url = reverse("coach:alert_lift", args=[alert.pk])
    # a note and the confirmation are both required
    missing = client.post(url, {"note": "", "confirm": "on"})
    assert missing.status_code == 422
    unconfirmed = client.post(url, {"note": "Seen by Dr Osei at A&E, nerve signs clear."})
    assert unconfirmed.status_code == 422 and b"confirm" in unconfirmed.content
    assert Intake.objects.get(member=member).emergency_flagged_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {"note": "Seen by Dr Osei at A&E, nerve signs clear.", "confirm": "on"}
        )
    assert done.status_code == 302
    assert Intake.objects.get(member=member).emergency_flagged_at is None
    alert.refresh_from_db()
    assert alert.resolved_by == coach
    assert "lifted" in alert.events.values_list("action", flat=True)
    told = Message.objects.get(conversation__member=member)
    assert told.from_coach and "safety questions" in told.body
    assert Notification.objects.filter(recipient=member, kind="coach_reply").exists()


def test_today_and_progress_say_a_coach_was_told_and_who_replied(client, member):
    enrol(member)
    client.force_login(member)
    assert "A coach has been told" not in client.get("/today/").content.decode()
    coach_alert_raise(member=member, cause="session_pain", detail="9/10")
    for url in ("/today/", "/progress/"):
        assert "A coach has been told" in client.get(url).content.decode(), url
    coach = CoachFactory()
    coach.profile.display_name = "Coach Rosa"
    coach.profile.save()
    message_send_coach(coach=coach, member=member, body="Let's ease off.")
    page = client.get("/today/").content.decode()
    assert "Coach Rosa replied" in page and reverse("programs:messages") in page


def test_export_and_deletion_cover_conversations_and_alerts(
    client, member, django_capture_on_commit_callbacks
):
    from backcore.accounts.export import account_export
    from backcore.accounts.services import user_delete
    from programs.models import Conversation
    from programs.services.coach_alerts import coach_alert_note

    coach = CoachFactory()
    with django_capture_on_commit_callbacks(execute=True):
        mine = message_send_member(member=member, body="my knee clicks", photo=photo())
        message_send_coach(coach=coach, member=member, body="Try a smaller range.")
    alert = coach_alert_raise(member=member, cause="session_pain", detail="Pain 9/10.")
    coach_alert_note(alert=alert, coach=coach, note="Phoned; she is fine.")
    data = account_export(user=member)
    assert [m["body"] for m in data["coach_messages"]] == ["my knee clicks", "Try a smaller range."]
    assert {a["cause"] for a in data["coach_alerts"]} == {"member_message", "session_pain"}
    storage, name = mine.photo.storage, mine.photo.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=member)
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert not storage.exists(name)
    kept = CoachAlert.objects.get(pk=alert.pk)
    assert kept.member_id is None and kept.detail == ""
    history = list(kept.events.values_list("action", "actor_id", "note"))
    assert ("note", coach.pk, "") in history  # who did what, and when, without the content
    assert not Notification.objects.filter(actor_name=member.public_name).exists()


def test_coach_records_a_clearance_from_the_alert(client, member, coach):
    from datetime import timedelta

    from django.utils import timezone

    from programs.models import Intake
    from programs.services.intake import intake_screen_submit

    intake_screen_submit(member=member, answers={"flag_night_pain": True})
    alert = coach_alert_raise(member=member, cause="clearance_waiting")
    client.force_login(coach)
    assert b"Record a clinician" in client.get(reverse("coach:alert", args=[alert.pk])).content
    url = reverse("coach:alert_clearance", args=[alert.pk])
    cleared_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    note = "GP letter seen: cleared for gentle exercise."
    assert client.post(url, {"cleared_on": cleared_on, "note": note}).status_code == 422
    response = client.post(url, {"cleared_on": cleared_on, "note": note, "confirm": "on"})
    assert response.status_code == 302
    assert Intake.objects.get(member=member).clinician_cleared_on.isoformat() == cleared_on
    alert.refresh_from_db()
    assert alert.resolved_by == coach and "cleared" in alert.events.values_list("action", flat=True)
    assert Message.objects.get(conversation__member=member).from_coach


def test_a_pause_for_pain_is_cleared_from_its_alert(client, member, coach):
    from datetime import timedelta

    from django.utils import timezone

    from programs.choices import EnrolmentStatus
    from programs.models import Enrolment

    enrol(member)
    Enrolment.objects.filter(member=member).update(status=EnrolmentStatus.PAUSED_FOR_PAIN)
    alert = coach_alert_raise(member=member, cause="paused_for_pain")
    client.force_login(coach)
    page = client.get(reverse("coach:alert", args=[alert.pk])).content.decode()
    assert "Programme paused for pain" in page and "Record the clearance" in page
    response = client.post(
        reverse("coach:alert_clearance", args=[alert.pk]),
        {
            "cleared_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "note": "Physio checked her on Friday; fine to restart.",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(member=member).status == EnrolmentStatus.ACTIVE
    alert.refresh_from_db()
    assert alert.resolved_by == coach
