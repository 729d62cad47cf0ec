from django.apps import AppConfig


class BackcoreConfig(AppConfig):
    name = "backcore"
    verbose_name = "BackCore"
