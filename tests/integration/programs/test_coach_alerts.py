import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from backcore.notifications.models import Notification
from backcore.notifications.services import notification_preference_set
from programs.models import CoachAlert, SafetyScreen
from programs.services.coach_alerts import (
    coach_alert_raise,
    coach_alert_resolve,
    coach_alert_send,
    coach_alerts_red_week,
    coach_alerts_sweep,
)
from programs.services.conversations import message_send_member
from programs.services.intake import intake_screen_submit
from programs.services.sessions import session_finish, session_log_item
from tests.factories import CoachFactory, MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db


def _finished(member, *, pain, sharp=False):
    session = session_with_items(member=member, day=timezone.localdate(), holds=(20,), reps=())
    item = session.items.get()
    session_log_item(member=member, item=item, actual_seconds=20, actual_reps=None, actual_sets=2)
    return session_finish(
        member=member, session=session, pain_during=pain, sharp_pain=sharp, effort=5
    )


def causes(member):
    return sorted(CoachAlert.objects.filter(member=member).values_list("cause", flat=True))


def test_emergency_sign_at_screening_raises_one_alert(member):
    intake_screen_submit(member=member, answers={"flag_saddle_numbness": True})
    intake_screen_submit(member=member, answers={"flag_saddle_numbness": True})
    alert = CoachAlert.objects.get(member=member)
    assert (alert.cause, alert.severity, alert.occurrences) == ("emergency", 3, 2)
    assert "saddle" in alert.detail


def test_no_flags_raise_nothing(member):
    intake_screen_submit(member=member, answers={})
    assert causes(member) == []


@pytest.mark.parametrize(
    ("pain", "sharp", "expected"),
    [
        (7, False, []),
        (8, False, ["session_pain"]),
        (9, False, ["session_pain"]),
        (2, True, ["session_pain"]),
    ],
)
def test_session_pain_alerts_at_8_or_sharp(member, pain, sharp, expected):
    enrol(member)
    _finished(member, pain=pain, sharp=sharp)
    assert causes(member) == expected


def test_two_red_sessions_in_a_week_alert(member):
    coach_alerts_red_week(member_ids=[member.pk], week_end=timezone.localdate())
    coach_alerts_red_week(member_ids=[member.pk], week_end=timezone.localdate())
    assert causes(member) == ["red_sessions"]


def test_member_writing_alerts_once_while_open(member, coach):
    message_send_member(member=member, body="My back twinges on the bridge.")
    message_send_member(member=member, body="And again today.")
    alert = CoachAlert.objects.get(member=member)
    assert alert.cause == "member_message" and alert.occurrences == 2


def test_clearance_waiting_over_three_days(member):
    intake_screen_submit(member=member, answers={"flag_fever": True})
    assert coach_alerts_sweep() == {"clearance_waiting": 0, "stalled": 0, "resent": 0, "unsent": 0}
    SafetyScreen.objects.filter(member=member).update(
        screened_at=timezone.now() - timedelta(days=4)
    )
    assert coach_alerts_sweep()["clearance_waiting"] == 1
    alert = CoachAlert.objects.get(member=member)
    coach_alert_resolve(alert=alert, coach=CoachFactory())
    # the same wait does not raise again after a coach resolved it
    assert coach_alerts_sweep()["clearance_waiting"] == 0
    assert causes(member) == ["clearance_waiting"]


def test_stalled_after_14_days(member):
    enrol(member)
    assert coach_alerts_sweep()["stalled"] == 0
    later = timezone.now() + timedelta(days=15)
    assert coach_alerts_sweep(now=later)["stalled"] == 1
    assert coach_alerts_sweep(now=later)["stalled"] == 0
    assert causes(member) == ["stalled"]


def test_resolved_alert_can_be_raised_again(member, coach):
    first = coach_alert_raise(member=member, cause="session_pain", detail="9/10")
    coach_alert_resolve(alert=first, coach=coach)
    second = coach_alert_raise(member=member, cause="session_pain", detail="8/10")
    assert first.pk != second.pk
    assert CoachAlert.objects.filter(member=member, resolved_at__isnull=True).count() == 1


def test_database_refuses_a_second_open_alert(member):
    CoachAlert.objects.create(member=member, cause="stalled", severity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoachAlert.objects.create(member=member, cause="stalled", severity=1)


def test_alert_reaches_every_coach_after_commit(member, django_capture_on_commit_callbacks):
    coaches = [CoachFactory(), CoachFactory()]
    digest = CoachFactory()
    notification_preference_set(member=digest, topic="coaching", email="digest")
    MemberFactory()  # not a coach: never told
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        coach_alert_raise(member=member, cause="session_pain", detail="Pain 9/10.")
    assert Notification.objects.count() == 0 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {c.pk for c in [*coaches, digest]}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in coaches)
    assert member.public_name in mail.outbox[0].subject
    note = Notification.objects.filter(recipient=coaches[0]).get()
    assert note.url == reverse("coach:alert", args=[CoachAlert.objects.get().pk])
    # a retried send task does nothing new
    with django_capture_on_commit_callbacks(execute=True):
        coach_alert_send(alert_id=CoachAlert.objects.get().pk)
    assert Notification.objects.count() == 3


def test_emergency_is_emailed_at_once_even_to_digest_coaches(
    member, django_capture_on_commit_callbacks
):
    digest = CoachFactory()
    notification_preference_set(member=digest, topic="coaching", email="off")
    with django_capture_on_commit_callbacks(execute=True):
        intake_screen_submit(member=member, answers={"flag_bladder_bowel": True})
    assert [m.to for m in mail.outbox] == [[digest.email]]
    assert mail.outbox[0].subject.startswith("[BackCore] Urgent:")


def test_unresolved_emergency_is_resent_after_24_hours(member, django_capture_on_commit_callbacks):
    coach = CoachFactory()
    with django_capture_on_commit_callbacks(execute=True):
        alert = coach_alert_raise(member=member, cause="emergency", detail="x")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert coach_alerts_sweep()["resent"] == 0
    CoachAlert.objects.filter(pk=alert.pk).update(sent_at=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert coach_alerts_sweep()["resent"] == 1
    assert len(mail.outbox) == 2 and "still open after 24 hours" in mail.outbox[1].subject.lower()
    coach_alert_resolve(alert=alert, coach=coach)
    CoachAlert.objects.filter(pk=alert.pk).update(sent_at=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        assert coach_alerts_sweep()["resent"] == 0
    assert len(mail.outbox) == 2


def test_a_lost_first_send_is_queued_again(member, coach, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        alert = coach_alert_raise(member=member, cause="stalled")  # the send never happens
    assert coach_alerts_sweep()["unsent"] == 0  # within the grace period
    with django_capture_on_commit_callbacks(execute=True):
        assert coach_alerts_sweep(now=timezone.now() + timedelta(minutes=6))["unsent"] == 1
    alert.refresh_from_db()
    assert alert.sent_at is not None and len(mail.outbox) == 1


def test_beat_runs_the_sweep(settings):
    tasks = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert tasks.count("programs.tasks.coach_alerts_sweep") == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_raises_make_one_alert():
    member = MemberFactory()
    barrier = threading.Barrier(6)
    errors = []

    def raise_one():
        try:
            barrier.wait(timeout=10)
            coach_alert_raise(member=member, cause="session_pain", detail="9/10")
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=raise_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    alert = CoachAlert.objects.get(member=member)
    assert alert.occurrences == 6


def test_a_digest_coach_gets_alerts_once_a_day(member, django_capture_on_commit_callbacks):
    from backcore.notifications import tasks as notification_tasks

    digest = CoachFactory()
    notification_preference_set(member=digest, topic="coaching", email="digest")
    with django_capture_on_commit_callbacks(execute=True):
        coach_alert_raise(member=member, cause="stalled", detail="quiet")
        coach_alert_raise(member=MemberFactory(), cause="session_pain", detail="9/10")
    assert mail.outbox == []
    notification_tasks.send_daily_digests()
    notification_tasks.send_daily_digests()
    assert [m.subject for m in mail.outbox] == ["[BackCore] Your coaching digest: 2 new"]
    assert "/coach/alerts/" in mail.outbox[0].body
