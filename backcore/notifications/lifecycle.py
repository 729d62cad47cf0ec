"""Notifications' part of the account lifecycle (registered in NotificationsConfig.ready())."""

from backcore.accounts.lifecycle import Handling, OnDelete, PersonalData, export_row
from backcore.notifications.models import Notification, NotificationPreference
from backcore.notifications.services import notification_actor_forget

FORMER_PERSON = "A former member"
SKIP = frozenset({"member", "recipient", "actor"})


def member_notifications_export(*, user) -> dict:
    return {
        "notification_settings": [
            export_row(p, skip=SKIP)
            for p in NotificationPreference.objects.filter(member=user).order_by("topic")
        ],
        "notifications": [
            export_row(n, skip=SKIP)
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "id")
        ],
    }


def _forget(*, user) -> None:
    # The person's own notifications and settings cascade; others' bells keep a neutral name.
    notification_actor_forget(actor_id=user.pk, name=FORMER_PERSON)


PERSONAL_DATA = PersonalData(
    app="notifications",
    models={
        NotificationPreference: Handling(OnDelete.DELETE, section="notification_settings"),
        Notification: Handling(OnDelete.DELETE, section="notifications"),
    },
    export=member_notifications_export,
    forget=_forget,
)
