"""Private conversations between a member and the coaching team."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backcore import markdown
from backcore.images import clean_uploaded_image
from backcore.notifications import services as notifications
from backcore.notifications.models import Topic
from programs.coach_models import AlertAction, AlertCause, CoachAlert, Conversation, Message
from programs.services import coach_alerts

BODY_MAX = 5000
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 2000


def _conversation(member) -> Conversation:
    conversation, _ = Conversation.objects.select_for_update().get_or_create(member=member)
    return conversation


def _message(*, conversation: Conversation, author, from_coach: bool, body: str, photo) -> Message:
    body = (body or "").strip()
    if not body and photo is None:
        raise ValidationError({"body": "Write a message or add a photo."})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": f"Keep a message under {BODY_MAX} characters."})
    message = Message(
        conversation=conversation,
        author=author,
        author_name=author.public_name[:60],
        from_coach=from_coach,
        body=body,
        body_html=markdown.render(body) if body else "",
    )
    if photo is not None:
        try:
            cleaned = clean_uploaded_image(
                photo,
                max_bytes=PHOTO_MAX_BYTES,
                max_pixels=PHOTO_MAX_PIXELS,
                max_side=PHOTO_MAX_SIDE,
            )
        except ValidationError as exc:
            raise ValidationError({"photo": exc.messages}) from exc
        # Re-encoded by Pillow: EXIF (GPS included) is gone before anything reaches disk.
        message.photo.save(cleaned.name, cleaned, save=False)
    message.full_clean(exclude=["conversation", "author", "photo"])
    message.save()
    conversation.last_message_at = message.created_at
    fields = ["last_message_at"]
    if not from_coach:
        conversation.member_read_at = message.created_at
        fields.append("member_read_at")
    conversation.save(update_fields=fields)
    return message


@transaction.atomic
def message_send_member(*, member, body: str, photo=None) -> Message:
    """The member writes to the coaching team; coaches hear about it through an alert."""
    if not member.is_authenticated or not member.is_active:
        raise PermissionDenied
    conversation = _conversation(member)
    message = _message(
        conversation=conversation, author=member, from_coach=False, body=body, photo=photo
    )
    preview = message.body[:120] or "Sent a photo."
    coach_alerts.coach_alert_raise(
        member=member, cause=AlertCause.MEMBER_MESSAGE, detail=f"“{preview}”"
    )
    return message


@transaction.atomic
def message_send_coach(*, coach, member, body: str, photo=None) -> Message:
    """A coach replies. The member is told (bell + email); the reply is recorded on the
    member's open alerts, and the "member wrote" alert is resolved by it."""
    if not (coach.is_staff and coach.is_coach):
        raise PermissionDenied("Only coaches can reply.")
    conversation = _conversation(member)
    message = _message(
        conversation=conversation, author=coach, from_coach=True, body=body, photo=photo
    )
    for alert in CoachAlert.objects.filter(member=member, resolved_at__isnull=True):
        coach_alerts.coach_alert_record(alert=alert, coach=coach, action=AlertAction.REPLIED)
        if alert.cause == AlertCause.MEMBER_MESSAGE:
            coach_alerts.coach_alert_resolve(alert=alert, coach=coach, note="Replied.")
    notifications.notify(
        recipient_ids=[member.pk],
        topic=Topic.COACHING,
        kind="coach_reply",
        event_key=f"coach-message:{message.pk}",
        verb="replied to your message",
        url=reverse("programs:messages"),
        actor=coach,
        actor_name=coach.public_name,
    )
    return message


@transaction.atomic
def conversation_mark_read(*, member) -> None:
    Conversation.objects.filter(member=member).update(member_read_at=timezone.now())
