from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The bell's unread count: one cheap query for signed-in users, none for visitors,
    and none at all unless a template reads it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notifications_unread": 0}

    def count():
        from backcore.notifications.selectors import unread_notification_count

        return unread_notification_count(user=user)

    return {"notifications_unread": SimpleLazyObject(count)}
