from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self):
        from backcore.accounts.lifecycle import personal_data
        from payments.lifecycle import PERSONAL_DATA

        personal_data.register(PERSONAL_DATA)
