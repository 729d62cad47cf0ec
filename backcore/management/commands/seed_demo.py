from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backcore import demo


class Command(BaseCommand):
    help = "Seed demo logins and sample data (idempotent). Never runs in production."

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Demo data is never seeded in production.")
        demo.seed_all(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
