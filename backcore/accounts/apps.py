from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backcore.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from backcore.accounts import cache

        cache.connect()
        from backcore.accounts.lifecycle import personal_data
        from backcore.accounts.personal_data import accounts_personal_data

        personal_data.register(accounts_personal_data())
