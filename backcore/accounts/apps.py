from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backcore.accounts"
    label = "accounts"
    verbose_name = "Accounts"
