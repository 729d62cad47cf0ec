"""Demo contributions so the admin summary and the member's history have something to show."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from backcore.demo import demo_seeder
from payments import services
from payments.models import Contribution

# (days ago, amount in minor units, kind) — no Stripe ids: these never reach Stripe.
SAMPLES = [(62, 500, "one_time"), (31, 1500, "monthly"), (1, 1500, "monthly")]


@demo_seeder
@transaction.atomic
def seed(*, stdout, users) -> None:
    member = users["member"]
    services.contribution_join_free(member=member)
    now = timezone.now()
    for index, (days_ago, amount_minor, kind) in enumerate(SAMPLES):
        when = now - timedelta(days=days_ago)
        Contribution.objects.get_or_create(
            idempotency_key=f"bc-demo-{index}",
            defaults={
                "member": member,
                "amount_minor": amount_minor,
                "currency": services.contribution_currency(),
                "kind": kind,
                "status": Contribution.Status.PAID,
                "created_at": when,
                "paid_at": when,
            },
        )
    stdout.write("Payments: demo contributions for the demo member.")
