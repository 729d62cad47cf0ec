from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"

    def ready(self) -> None:
        from exercises import cache

        cache.connect()
