import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backcore.bench import BenchContext, bench_data_make


class Command(BaseCommand):
    help = (
        "Fill a fresh database with a realistic, repeatable data set for `make bench` "
        "(bulk inserts through the project's models). Never runs in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2_000)
        parser.add_argument("--seed", type=int, default=18)
        # 28 days: about 100 logged items a member (a million at 10,000 members)
        parser.add_argument("--history-days", type=int, default=28)
        parser.add_argument("--heavy-days", type=int, default=1_100)

    def handle(self, *args, members, seed, history_days, heavy_days, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("Bench data is never made in production.")
        if members < 10:
            raise CommandError("--members must be at least 10.")
        started = time.monotonic()
        ctx = BenchContext(
            members=members,
            seed=seed,
            history_days=history_days,
            heavy_days=heavy_days,
            today=timezone.localdate(),
            rng=random.Random(seed),
            stdout=self.stdout,
        )
        try:
            bench_data_make(ctx=ctx)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for key, value in ctx.facts.items():
            self.stdout.write(f"  {key}: {value}")
        self.stdout.write(
            self.style.SUCCESS(f"Bench data ready in {time.monotonic() - started:.1f} s.")
        )
