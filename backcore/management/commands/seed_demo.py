import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backcore import demo

# Each app may ship a `demo.py` with `seed(stdout, users)`; run in dependency order.
APP_DEMOS = ["exercises", "programs", "community", "payments"]


class Command(BaseCommand):
    help = "Seed demo logins and sample data (idempotent). Never runs in production."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never seeded in production.")
        users = demo.seed(self.stdout)
        for app in APP_DEMOS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            module.seed(stdout=self.stdout, users=users)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
