"""Telling members about posts, through backcore's one notifications service (bell and email)."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backcore.accounts.models import User
from backcore.notifications import services as shared_notifications
from backcore.notifications.models import Topic
from community.models import CategoryWatch, Post, ThreadWatch
from community.services.rendering import mentions_resolve

NOTIFICATION_VERBS = {
    "reply": "replied in",
    "mention": "mentioned you in",
    "new_thread": "started",
}


def notification_preference_set(*, member: User, email: str):
    """The member's community email choice (instant, digest or off)."""
    return shared_notifications.notification_preference_set(
        member=member, email=email, topic=Topic.COMMUNITY
    )


def email_mode(*, member: User) -> str:
    return shared_notifications.email_mode(member=member, topic=Topic.COMMUNITY)


@transaction.atomic
def notifications_for_post(*, post_id: int) -> list[int]:
    """Notify watchers and mentioned members about one published post, through the shared
    notifications service. Safe to run twice: one notification per recipient per post."""
    post = Post.objects.select_related("thread", "author").filter(pk=post_id).first()
    if post is None or not post.is_visible or post.thread.is_hidden:
        return []
    thread = post.thread
    recipients: dict[int, str] = {}
    if post.is_opening:
        for uid in CategoryWatch.objects.filter(category_id=thread.category_id).values_list(
            "member_id", flat=True
        ):
            recipients[uid] = "new_thread"
    else:
        for uid in ThreadWatch.objects.filter(thread=thread).values_list("member_id", flat=True):
            recipients[uid] = "reply"
    for uid in mentions_resolve(body=post.body).values():
        recipients[uid] = "mention"
    recipients.pop(post.author_id, None)
    url = reverse("community:post", args=[post.pk])
    queued: list[int] = []
    for kind in NOTIFICATION_VERBS:
        ids = [uid for uid, k in recipients.items() if k == kind]
        if not ids:
            continue
        queued += shared_notifications.notify(
            recipient_ids=ids,
            topic=Topic.COMMUNITY,
            kind=kind,
            event_key=f"post:{post.pk}",
            verb=NOTIFICATION_VERBS[kind],
            url=url,
            actor=post.author,
            actor_name=post.author_name,
            title=thread.title,
        )
    Post.objects.filter(pk=post.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    return queued
