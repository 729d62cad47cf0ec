from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from backcore.accounts.lifecycle import personal_data
        from programs import cache
        from programs.lifecycle import PERSONAL_DATA

        cache.connect()
        personal_data.register(PERSONAL_DATA)
