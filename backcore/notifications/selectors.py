from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q

from backcore.notifications.models import EmailMode, Notification, NotificationPreference

NOTIFICATIONS_PER_PAGE = 30


def notifications_page(*, user, page) -> Page:
    items = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    return Paginator(items, NOTIFICATIONS_PER_PAGE).get_page(page)


def unread_notification_count(*, user) -> int:
    """The bell's count, read with the user (`member_context`), for the signed-in user of every
    page."""
    if not getattr(user, "is_authenticated", False):
        return 0
    from backcore.accounts.selectors import member_context

    return member_context(user=user).unread_notifications


def notification_for(*, user, notification_id: int) -> Notification | None:
    return Notification.objects.filter(pk=notification_id, recipient=user).first()


def notification_ids_email_overdue(*, created_before, created_after) -> list[int]:
    """Unread notifications that should have been emailed at once but were not (the send task
    was never queued, or its message was lost). Digest and no-email choices are left alone."""
    quiet = NotificationPreference.objects.filter(
        member_id=OuterRef("recipient_id"),
        topic=OuterRef("topic"),
        email__in=[EmailMode.DIGEST, EmailMode.OFF],
    )
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            read_at__isnull=True,
            created_at__lt=created_before,
            created_at__gte=created_after,
            recipient__is_active=True,
        )
        .filter(Q(urgent=True) | ~Exists(quiet))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
