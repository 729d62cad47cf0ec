"""Redis (the Celery broker) unreachable: every request that committed still answers, nothing is
lost, and the sweepers queue the work again once the broker is back.

The broker is pointed at a closed port on 127.0.0.1 and Celery stops running tasks in-process, so a
send really goes over the network and really fails (kombu's OperationalError: connection refused).
"""

import logging
import socket
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from backcore.celery import app as celery_app
from backcore.notifications.models import Notification
from community import services as community_services
from community.models import Post
from community.tasks import notify_unnotified_posts
from exercises.models import ExerciseImage
from payments.models import Contribution, WebhookEvent
from payments.tasks import requeue_pending_webhook_events
from tests.factories import ExerciseFactory
from tests.imaging import jpeg_upload
from tests.integration.exercises.test_admin import admin_form_data, change_url
from tests.integration.payments.helpers import start_checkout
from tests.support.fake_stripe import post_webhook

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def _reset_pools() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Broker:
    def __init__(self) -> None:
        self._saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url

    def down(self) -> None:
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/3"
        _reset_pools()

    def at(self, url: str) -> None:
        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = url
        _reset_pools()

    def back(self) -> None:
        """Redis is back: tests run the re-queued tasks in-process again."""
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = self._saved
        _reset_pools()


@pytest.fixture
def broker(caplog):
    caplog.set_level(logging.WARNING, logger="backcore.dispatch")
    controller = Broker()
    controller.down()
    yield controller
    controller.back()


def _warned(caplog, task_name: str) -> bool:
    return any(
        r.name == "backcore.dispatch" and task_name in r.getMessage() for r in caplog.records
    )


def test_webhook_answers_200_keeps_the_event_and_the_sweeper_processes_it(
    client, user, fake_stripe, broker, caplog, django_capture_on_commit_callbacks
):
    contribution = start_checkout(user)
    session = fake_stripe.pay(contribution.checkout_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, fake_stripe.event("checkout.session.completed", session))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts) == ("pending", 0)
    assert _warned(caplog, "payments.tasks.process_webhook_event")

    broker.back()
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_pending_webhook_events() == 0  # too fresh: its message may be on its way
    WebhookEvent.objects.filter(pk=event.pk).update(
        received_at=timezone.now() - timedelta(minutes=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_pending_webhook_events() == 1
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("processed", 1)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PAID


def test_a_lost_queue_message_is_recovered_by_the_sweeper(
    client, user, fake_stripe, django_capture_on_commit_callbacks
):
    """The send worked, then Redis restarted without persistence: the message is gone."""
    contribution = start_checkout(user)
    session = fake_stripe.pay(contribution.checkout_session_id)
    with django_capture_on_commit_callbacks(execute=False) as lost:
        assert post_webhook(client, fake_stripe.event("checkout.session.completed", session))
    assert len(lost) == 1
    event = WebhookEvent.objects.get()
    assert event.status == "pending"
    WebhookEvent.objects.filter(pk=event.pk).update(
        received_at=timezone.now() - timedelta(minutes=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_pending_webhook_events() == 1
    event.refresh_from_db()
    assert event.status == "processed"
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PAID


def test_a_redelivered_event_requeues_itself_when_not_processed(
    client, user, fake_stripe, django_capture_on_commit_callbacks
):
    contribution = start_checkout(user)
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.pay(contribution.checkout_session_id)
    )
    with django_capture_on_commit_callbacks(execute=False):
        assert post_webhook(client, event).status_code == 200  # message lost
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(client, event).status_code == 200  # Stripe delivers it again
    stored = WebhookEvent.objects.get()
    assert (stored.status, stored.attempts) == ("processed", 1)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PAID
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert post_webhook(client, event).status_code == 200  # processed: nothing queued
    assert callbacks == []


def test_forum_reply_is_saved_and_the_sweeper_notifies_watchers(
    client, seasoned, member, thread_with, broker, caplog, django_capture_on_commit_callbacks
):
    thread = thread_with(1)
    community_services.thread_watch_set(member=member, thread=thread, watching=True)
    client.force_login(seasoned)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("community:reply", args=[thread.pk]), {"body": "Still here"})
    assert response.status_code == 302
    reply = Post.objects.get(thread=thread, body="Still here")
    assert reply.notified_at is None  # pending: the row says so
    assert not Notification.objects.filter(recipient=member).exists()
    assert _warned(caplog, "community.tasks.notify_post")

    broker.back()
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_unnotified_posts() == 0  # too fresh
    Post.objects.filter(pk=reply.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_unnotified_posts() == 1
    note = Notification.objects.get(recipient=member)
    assert (note.kind, note.event_key) == ("reply", f"post:{reply.pk}")
    reply.refresh_from_db()
    assert reply.notified_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_unnotified_posts() == 0
    assert Notification.objects.filter(recipient=member).count() == 1


def test_admin_image_upload_is_saved_and_the_sweeper_makes_its_thumbnails(
    client, coach, broker, caplog, django_capture_on_commit_callbacks
):
    exercise = ExerciseFactory(phases=["reconnect"], tracks=["general"], equipment=["none"])
    client.force_login(coach)
    data = admin_form_data(client.get(change_url(exercise)))
    data["images-0-image"] = jpeg_upload((1200, 900))
    data["images-0-alt_text"] = "Lying on the back"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(exercise), data)
    assert response.status_code == 302
    image = ExerciseImage.objects.get(exercise=exercise)
    assert not image.thumb_320 and not image.thumb_960  # pending: the row says so
    assert _warned(caplog, "exercises.tasks.make_thumbnails")

    broker.back()
    from exercises.tasks import make_missing_thumbnails

    assert make_missing_thumbnails() == 0  # too fresh
    ExerciseImage.objects.filter(pk=image.pk).update(
        created_at=timezone.now() - timedelta(minutes=6)
    )
    assert make_missing_thumbnails() == 1
    image.refresh_from_db()
    assert image.thumb_320 and image.thumb_960
    assert make_missing_thumbnails() == 0


@pytest.mark.redis
def test_with_real_redis_a_message_lost_in_a_restart_is_recovered(
    client, user, fake_stripe, django_capture_on_commit_callbacks
):
    """The message reaches Redis, then Redis restarts without persistence (its queue is gone)."""
    import os

    import redis

    url = os.environ["REDIS_URL"]
    queue = redis.Redis.from_url(url)
    controller = Broker()
    controller.at(url)
    try:
        queue.delete("celery")  # this test's own Redis database (see REDIS_URL)
        contribution = start_checkout(user)
        session = fake_stripe.pay(contribution.checkout_session_id)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(
                client, fake_stripe.event("checkout.session.completed", session)
            )
        assert response.status_code == 200
        assert queue.llen("celery") == 1  # sent for real
        queue.delete("celery")  # lost
    finally:
        controller.back()
    event = WebhookEvent.objects.get()
    assert event.status == "pending"
    WebhookEvent.objects.filter(pk=event.pk).update(
        received_at=timezone.now() - timedelta(minutes=6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_pending_webhook_events() == 1
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PAID


def test_an_instant_email_never_queued_is_sent_by_the_sweeper(
    member, broker, caplog, django_capture_on_commit_callbacks
):
    from django.core import mail

    from backcore.notifications import services as notifications
    from backcore.notifications.models import NotificationPreference
    from backcore.notifications.tasks import send_overdue_notification_emails
    from tests.factories import MemberFactory

    digest_reader = MemberFactory()
    NotificationPreference.objects.create(member=digest_reader, topic="community", email="digest")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            recipient_ids=[member.pk, digest_reader.pk],
            topic="community",
            kind="reply",
            event_key="test:broker-down",
            verb="replied in",
            url="/community/",
            actor_name="Sam",
            title="Morning stiffness",
        )
    assert mail.outbox == []
    assert _warned(caplog, "send_notification_email")

    broker.back()
    assert send_overdue_notification_emails() == 0  # too fresh
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    assert send_overdue_notification_emails() == 1  # not the digest reader's
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert send_overdue_notification_emails() == 0
    assert len(mail.outbox) == 1
