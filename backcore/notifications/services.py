"""Notification writes: one `notify()` for every app, read marks, email preferences, email."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from backcore.accounts.selectors import member_context_changed
from backcore.dispatch import send_on_commit
from backcore.notifications.models import EmailMode, Notification, NotificationPreference, Topic

UNSUBSCRIBE_SALT = "notifications.unsubscribe"

# Why a person gets an email of each topic, shown in the email's footer.
TOPIC_REASONS = {
    Topic.COMMUNITY: "You get this because you watch this thread or category, or were mentioned.",
    Topic.COACHING: "You get this because it concerns your coaching conversation or a member "
    "you coach.",
}


@transaction.atomic
def notify(
    *,
    recipient_ids: Iterable[int],
    topic: str,
    kind: str,
    event_key: str,
    verb: str,
    url: str,
    actor=None,
    actor_name: str = "",
    title: str = "",
    urgent: bool = False,
) -> list[int]:
    """Notify people in-app and, by their email choice for `topic`, by email after commit.
    Safe to call twice for one event: (recipient, event_key) is unique. Inactive accounts
    and the actor themself are skipped. Returns the ids queued for an instant email."""
    if topic not in Topic.values:
        raise ValueError(f"unknown notification topic {topic!r}")
    if not url.startswith("/"):
        raise ValueError("notification url must be a local path")
    wanted = set(recipient_ids)
    if actor is not None:
        wanted.discard(actor.pk)
    if not wanted:
        return []
    active = set(
        get_user_model().objects.filter(pk__in=wanted, is_active=True).values_list("pk", flat=True)
    )
    member_context_changed()  # the recipients' bells, read with them, are old now
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=uid,
                topic=topic,
                kind=kind,
                event_key=event_key,
                actor=actor,
                actor_name=actor_name[:60],
                verb=verb[:80],
                title=title[:140],
                url=url[:300],
                urgent=urgent,
            )
            for uid in sorted(active)
        ],
        ignore_conflicts=True,
    )
    pending = Notification.objects.filter(
        event_key=event_key, recipient_id__in=active, emailed_at__isnull=True
    )
    if not urgent:
        quiet = NotificationPreference.objects.filter(
            topic=topic, email__in=[EmailMode.DIGEST, EmailMode.OFF]
        ).values("member_id")
        pending = pending.exclude(recipient_id__in=quiet)
    instant = list(pending.values_list("pk", flat=True))
    for nid in instant:
        send_on_commit("backcore.notifications.tasks.send_notification_email", nid)
    return instant


@transaction.atomic
def notification_mark_read(*, member, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    member_context_changed()  # the bell's count, read with the member, is old now
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(
    *, member, email: str, topic: str = Topic.COMMUNITY
) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.get_or_create(member=member, topic=topic)
    pref.email = email
    pref.full_clean()
    pref.save(update_fields=["email", "updated_at"])
    return pref


def email_mode(*, member, topic: str = Topic.COMMUNITY) -> str:
    pref = NotificationPreference.objects.filter(member=member, topic=topic).values_list(
        "email", flat=True
    )
    return pref.first() or EmailMode.INSTANT


@transaction.atomic
def notification_actor_forget(*, actor_id: int, name: str) -> int:
    """Before an account goes: notifications it caused keep only a neutral name."""
    return Notification.objects.filter(actor_id=actor_id).update(actor_name=name[:60])


# ---------------------------------------------------------------- email


def unsubscribe_token(*, user_id: int, topic: str = Topic.COMMUNITY) -> str:
    return signing.dumps({"u": user_id, "t": topic}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user_id: int, topic: str = Topic.COMMUNITY) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "notifications:unsubscribe", args=[unsubscribe_token(user_id=user_id, topic=topic)]
    )


@transaction.atomic
def unsubscribe_apply(*, token: str):
    """Turn off one topic's email for the person a signed link names (no sign-in needed)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValidationError("This unsubscribe link is not valid.") from exc
    topic = data.get("t")
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if user is None or topic not in Topic.values:
        raise ValidationError("This unsubscribe link is no longer valid.")
    notification_preference_set(member=user, email=EmailMode.OFF, topic=topic)
    return user


def _send(*, user, topic: str, subject: str, template: str, context: dict) -> None:
    link = unsubscribe_url(user_id=user.pk, topic=topic)
    body = render_to_string(
        template,
        {
            **context,
            "unsubscribe_url": link,
            "site_url": settings.SITE_URL.rstrip("/"),
            "reason": TOPIC_REASONS.get(topic, ""),
            "topic_label": Topic(topic).label,
        },
    )
    EmailMessage(
        subject=f"[BackCore] {subject}",
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()


def _subject(n: Notification) -> str:
    text = f"{n.actor_name} — {n.title}" if n.title else n.summary
    return f"Urgent: {text}" if n.urgent else text


@transaction.atomic
def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification at once. Claims the row first so a retried task never sends twice."""
    claimed = Notification.objects.filter(
        pk=notification_id, emailed_at__isnull=True, read_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not n.recipient.is_active or not n.recipient.email:
        return False
    if not n.urgent and email_mode(member=n.recipient, topic=n.topic) != EmailMode.INSTANT:
        return False
    _send(
        user=n.recipient,
        topic=n.topic,
        subject=_subject(n),
        template="notifications/email/notification.txt",
        context={"notification": n},
    )
    return True


def digest_member_ids() -> list[int]:
    """People with unread, un-emailed notifications in a topic they take as a daily digest."""
    ids: set[int] = set()
    for topic in Topic.values:
        digest_readers = NotificationPreference.objects.filter(
            topic=topic, email=EmailMode.DIGEST
        ).values("member_id")
        ids.update(
            Notification.objects.filter(
                topic=topic,
                emailed_at__isnull=True,
                read_at__isnull=True,
                recipient__is_active=True,
                recipient_id__in=digest_readers,
            ).values_list("recipient_id", flat=True)
        )
    return sorted(ids)


@transaction.atomic
def digest_send(*, member_id: int) -> int:
    """One email per digest topic with everything unread and not yet emailed.
    Returns how many notifications it covered."""
    user = get_user_model().objects.filter(pk=member_id, is_active=True).first()
    if user is None:
        return 0
    topics = NotificationPreference.objects.filter(member=user, email=EmailMode.DIGEST).values_list(
        "topic", flat=True
    )
    covered = 0
    for topic in sorted(topics):
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, topic=topic, emailed_at__isnull=True, read_at__isnull=True)
            .order_by("created_at", "pk")
        )
        if not pending:
            continue
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
        _send(
            user=user,
            topic=topic,
            subject=f"Your {Topic(topic).name.lower()} digest: {len(pending)} new",
            template="notifications/email/digest.txt",
            context={"notifications": pending},
        )
        covered += len(pending)
    return covered
