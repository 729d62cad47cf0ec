from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self):
        from backcore.accounts.lifecycle import personal_data
        from community.lifecycle import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
