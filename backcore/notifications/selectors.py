from django.core.paginator import Page, Paginator

from backcore.notifications.models import Notification

NOTIFICATIONS_PER_PAGE = 30


def notifications_page(*, user, page) -> Page:
    items = Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")
    return Paginator(items, NOTIFICATIONS_PER_PAGE).get_page(page)


def unread_notification_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_for(*, user, notification_id: int) -> Notification | None:
    return Notification.objects.filter(pk=notification_id, recipient=user).first()
