"""Bench data (`manage.py bench_data`): a registry each app fills from its own `bench.py`.

backcore names no app: `autodiscover_modules("bench")` imports every installed app's
`bench` module, and each registers a generator with `register(order=…)`. Generators run in
`order`, share one `BenchContext`, and write with bulk inserts through the project's models, so
the database's constraints check every row. Bench data is never made in production.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

BENCH_EMAIL_DOMAIN = "bench.invalid"
BENCH_PASSWORD = "bench-password-not-secret"
BATCH = 5_000


@dataclass
class BenchContext:
    members: int
    seed: int
    history_days: int
    heavy_days: int
    today: date
    rng: random.Random
    stdout: object
    member_ids: list[int] = field(default_factory=list)
    heavy_member_id: int | None = None
    coach_id: int | None = None
    facts: dict[str, object] = field(default_factory=dict)

    def say(self, message: str) -> None:
        self.stdout.write(message)


_generators: list[tuple[int, str, Callable[[BenchContext], None]]] = []


def register(*, order: int) -> Callable:
    def decorator(func: Callable[[BenchContext], None]) -> Callable[[BenchContext], None]:
        _generators.append((order, f"{func.__module__}.{func.__name__}", func))
        return func

    return decorator


def generators() -> list[tuple[str, Callable[[BenchContext], None]]]:
    return [(name, func) for _order, name, func in sorted(_generators, key=lambda g: g[:2])]


def analyze(*models) -> None:
    """Give PostgreSQL's planner the rows just inserted. Each generator runs in one transaction
    that autovacuum cannot see into, so without this the next reads are planned for empty
    tables (a sequential scan of two million logged items, once per member)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def bench_email(index: int) -> str:
    return f"member{index:06d}@{BENCH_EMAIL_DOMAIN}"


def bench_data_make(*, ctx: BenchContext) -> BenchContext:
    from django.contrib.auth import get_user_model
    from django.utils.module_loading import autodiscover_modules

    if get_user_model().objects.filter(email__endswith=f"@{BENCH_EMAIL_DOMAIN}").exists():
        raise ValueError("This database already holds bench data: use a fresh database.")

    autodiscover_modules("bench")
    for name, func in generators():
        started = time.monotonic()
        with transaction.atomic():
            func(ctx)
        ctx.say(f"  ({name}: {time.monotonic() - started:.1f} s)")
    return ctx
