"""Bench data for contributions: a few rows per member (free joins and paid ones)."""

from datetime import timedelta

from django.utils import timezone

from backcore.bench import BATCH, BenchContext, register
from payments.models import Contribution


@register(order=30)
def contributions(ctx: BenchContext) -> None:
    rng = ctx.rng
    now = timezone.now()
    rows = []
    for member_id in ctx.member_ids:
        for n in range(2):
            paid = rng.random() < 0.5
            when = now - timedelta(days=rng.randint(1, 400))
            rows.append(
                Contribution(
                    member_id=member_id,
                    amount_minor=rng.choice([300, 500, 1000, 2500]) if paid else 0,
                    currency="usd",
                    kind="one_time" if paid else "free",
                    status="paid",
                    idempotency_key=f"bench-{member_id}-{n}",
                    created_at=when,
                    paid_at=when,
                )
            )
    Contribution.objects.bulk_create(rows, batch_size=BATCH)
    ctx.facts["contributions"] = len(rows)
    ctx.say(f"  {len(rows)} contributions")
