from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "backcore.notifications"
    label = "notifications"
    verbose_name = "Notifications"
