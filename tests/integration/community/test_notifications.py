import pytest
from django.core import mail, signing
from django.urls import reverse

from backcore.notifications import tasks as notification_tasks
from backcore.notifications.models import Notification, NotificationPreference
from community import services, tasks
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def named(name):
    person = MemberFactory()
    person.profile.display_name = name
    person.profile.save()
    return person


def test_reply_notifies_watchers_once_and_only_after_commit(
    category, seasoned, member, later, django_capture_on_commit_callbacks
):
    thread = services.thread_create(author=seasoned, category=category, title="Watch me", body="hi")
    later()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reply = services.post_create(author=member, thread=thread, body="a reply")
        assert Notification.objects.count() == 0  # nothing before commit
    assert Notification.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.url) == (seasoned, "reply", f"/community/p/{reply.pk}/")
    assert note.topic == "community" and note.actor == member
    assert len(mail.outbox) == 1
    # a retried task creates nothing new and sends nothing new
    with django_capture_on_commit_callbacks(execute=True):
        tasks.notify_post(reply.pk)
        tasks.notify_post(reply.pk)
        tasks.send_notification_email(note.pk)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_mention_links_and_notifies_once_even_when_watching(
    category, seasoned, later, django_capture_on_commit_callbacks
):
    robin = named("Coach Robin")
    thread = services.thread_create(author=robin, category=category, title="Q", body="ask away")
    later()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(author=seasoned, thread=thread, body="thanks @CoachRobin!")
    assert f'href="/community/members/{robin.pk}/"' in post.body_html
    notes = Notification.objects.filter(recipient=robin)
    assert [n.kind for n in notes] == ["mention"]


def test_category_watchers_hear_about_new_threads(
    category, seasoned, member, django_capture_on_commit_callbacks
):
    services.category_watch_set(member=member, category=category, watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(author=seasoned, category=category, title="New!", body="x")
    assert Notification.objects.get(recipient=member).kind == "new_thread"


def test_unwatch_stops_notifications(
    category, seasoned, member, later, django_capture_on_commit_callbacks
):
    thread = services.thread_create(author=seasoned, category=category, title="W", body="x")
    services.thread_watch_set(member=seasoned, thread=thread, watching=False)
    later()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=member, thread=thread, body="reply")
    assert not Notification.objects.exists()


def test_pending_posts_notify_only_when_approved(
    approval_category, member, coach, later, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            author=coach, category=approval_category, title="Hi", body="x"
        )
    later()
    with django_capture_on_commit_callbacks(execute=True):
        post = services.post_create(author=member, thread=thread, body="pending")
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(coach=coach, post=post)
    assert Notification.objects.get().recipient == coach


def test_email_has_signed_one_click_unsubscribe(
    client, category, seasoned, member, later, django_capture_on_commit_callbacks
):
    thread = services.thread_create(author=seasoned, category=category, title="E", body="x")
    later()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=member, thread=thread, body="reply")
    message = mail.outbox[0]
    assert message.to == [seasoned.email]
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.split("127.0.0.1:8000", 1)[-1]
    assert client.get(path).status_code == 200
    assert services.email_mode(member=seasoned) == "instant"  # GET alone changes nothing
    assert client.post(path).status_code == 200
    assert services.email_mode(member=seasoned) == "off"
    assert "/notifications/unsubscribe/" in path
    # a tampered token is refused
    bad = reverse(
        "notifications:unsubscribe",
        args=[signing.dumps({"u": member.pk, "t": "community"}, salt="other")],
    )
    assert client.post(bad).status_code == 400
    assert services.email_mode(member=member) == "instant"


def test_daily_digest_collects_and_sends_once(
    category, seasoned, member, later, django_capture_on_commit_callbacks
):
    services.notification_preference_set(member=seasoned, email=NotificationPreference.Email.DIGEST)
    thread = services.thread_create(author=seasoned, category=category, title="Digest", body="x")
    for i in range(2):
        later()
        with django_capture_on_commit_callbacks(execute=True):
            services.post_create(
                author=member if i == 0 else MemberFactory(), thread=thread, body=f"r{i}"
            )

    def to_seasoned():
        return [m for m in mail.outbox if m.to == [seasoned.email]]

    assert to_seasoned() == []  # no instant email for digest readers
    notification_tasks.send_daily_digests()
    assert len(to_seasoned()) == 1
    assert "2 new" in to_seasoned()[0].subject
    notification_tasks.send_daily_digests()
    notification_tasks.send_digest(seasoned.pk)
    assert len(to_seasoned()) == 1


def test_email_off_still_notifies_in_site(
    category, seasoned, member, later, django_capture_on_commit_callbacks
):
    services.notification_preference_set(member=seasoned, email=NotificationPreference.Email.OFF)
    thread = services.thread_create(author=seasoned, category=category, title="Quiet", body="x")
    later()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=member, thread=thread, body="reply")
    assert Notification.objects.filter(recipient=seasoned).count() == 1
    assert mail.outbox == []
    notification_tasks.send_daily_digests()
    assert mail.outbox == []


def test_notification_list_and_mark_read(
    client, category, seasoned, member, later, django_capture_on_commit_callbacks
):
    thread = services.thread_create(author=seasoned, category=category, title="Read", body="x")
    later()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(author=member, thread=thread, body="reply")
    note = Notification.objects.get()
    client.force_login(seasoned)
    page = client.get("/community/notifications/", follow=True)
    assert b"replied in" in page.content
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    # someone else's notification is not reachable
    client.force_login(member)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404


def test_beat_schedules_the_daily_digest(settings):
    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "backcore.notifications.tasks.send_daily_digests"
    ]
    assert len(entries) == 1


def test_rfc8058_one_click_post_works_without_csrf_token(member):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    url = reverse("community:unsubscribe", args=[services.unsubscribe_token(user_id=member.pk)])
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert services.email_mode(member=member) == "off"
