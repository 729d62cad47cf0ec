from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "backcore.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from backcore.accounts.lifecycle import personal_data
        from backcore.notifications.lifecycle import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
