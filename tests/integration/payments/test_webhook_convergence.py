"""Out-of-order, duplicated and delayed Stripe events converge to the rows real-time order gives.

A batch of monthly members (renewals, declined and recovered invoices, refunds) and a few one-time
payments is delivered twice: once in real-time order, once shuffled with redeliveries of the same
event and extra events for the same objects. Both must give the same contributions, memberships
and subscriptions, and those must match what the fake Stripe holds (every paid invoice recorded
once, no row paid with an unpaid invoice).
"""

import random
import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from backcore.accounts.models import Membership
from payments import services
from payments.models import Contribution, Subscription, WebhookEvent
from tests.factories import UserFactory
from tests.integration.payments.helpers import start_checkout

AMOUNTS = [500, 750, 1000, 1500, 2500, 4000]


def build_batch(fake, rng: random.Random, *, monthly: int, one_time: int) -> list[dict]:
    """Members start Checkout (pending rows in our database); Stripe's side happens in the fake."""
    events: list[dict] = []
    for i in range(monthly):
        contribution = start_checkout(
            UserFactory(), amount_minor=rng.choice(AMOUNTS), kind="monthly", nonce=f"m{i}"
        )
        renewals = rng.randint(1, 3)
        failed = frozenset(m for m in range(1, renewals + 1) if rng.random() < 0.2)
        recovered = frozenset(m for m in failed if rng.random() < 0.5)
        refunded = frozenset(
            m
            for m in range(renewals + 1)
            if rng.random() < 0.1 and (m not in failed or m in recovered)
        )
        events += fake.monthly_history(
            contribution.checkout_session_id,
            renewals=renewals,
            failed=failed,
            recovered=recovered,
            refunded=refunded,
        )
    for i in range(one_time):
        contribution = start_checkout(
            UserFactory(), amount_minor=rng.choice(AMOUNTS), kind="one_time", nonce=f"o{i}"
        )
        session = fake.pay(contribution.checkout_session_id)
        events.append(fake.event("checkout.session.completed", session))
        if i % 3 == 0:
            charge = fake.refund(fake.charge_for(session["payment_intent"])["id"])
            events.append(fake.event("charge.refunded", charge))
    return events


def shuffled_with_duplicates(fake, events: list[dict], rng: random.Random) -> list[dict]:
    """Redeliveries of the same event, separate events about the same object, any order."""
    redelivered = rng.sample(events, k=len(events) // 4)
    restated = [
        fake.event(e["type"], e["data"]["object"]) for e in rng.sample(events, k=len(events) // 10)
    ]
    batch = events + redelivered + restated
    rng.shuffle(batch)
    return batch


def ledger() -> dict:
    return {
        "contributions": sorted(
            (
                c.member.email,
                c.kind,
                c.amount_minor,
                c.status,
                c.invoice_id or "",
                c.payment_intent_id,
                c.subscription_id,
                c.paid_at is not None,
            )
            for c in Contribution.objects.select_related("member")
        ),
        "memberships": sorted(Membership.objects.values_list("user__email", "source")),
        "subscriptions": sorted(
            Subscription.objects.values_list(
                "stripe_subscription_id", "member__email", "amount_minor", "status"
            )
        ),
    }


def truth_gaps(fake) -> dict:
    """Compare the rows with the fake's final state: what is missing or wrong."""
    rows = {c.invoice_id: c for c in Contribution.objects.exclude(invoice_id=None)}
    missing = [inv for inv in fake.invoices.values() if inv["status"] == "paid"]
    missing = [inv for inv in missing if rows.get(inv["id"]) is None]
    paid_unpaid = [
        c
        for inv_id, c in rows.items()
        if c.status in ("paid", "refunded") and fake.invoices[inv_id]["status"] != "paid"
    ]
    refunded_pis = {ch["payment_intent"] for ch in fake.charges.values() if ch["refunded"]}
    recorded = Contribution.objects.filter(status__in=["paid", "refunded"])
    return {
        "paid invoices without a row": len(missing),
        "amount unrecorded": sum(inv["amount_paid"] for inv in missing),
        "rows paid with an unpaid invoice": len(paid_unpaid),
        "refunds not recorded": len(
            refunded_pis
            - set(recorded.filter(status="refunded").values_list("payment_intent_id", flat=True))
        ),
        "amount recorded": sum(recorded.values_list("amount_minor", flat=True)),
        "rows": Contribution.objects.count(),
    }


def deliver(events: list[dict], capture) -> None:
    for event in events:
        with capture(execute=True):
            services.webhook_event_record(payload=event)


def reset_to(pending_rows: list[dict]) -> None:
    """Back to the moment before any event: only the members' pending Checkout rows."""
    WebhookEvent.objects.all().delete()
    Subscription.objects.all().delete()
    Membership.objects.all().delete()
    Contribution.objects.all().delete()
    Contribution.objects.bulk_create([Contribution(**row) for row in pending_rows])


@pytest.mark.django_db
def test_shuffled_duplicated_batch_converges_to_real_time_order(
    fake_stripe, django_capture_on_commit_callbacks
):
    rng = random.Random(17)
    # 50 members keep the default suite quick; the PostgreSQL test below takes 100 (with 100 here
    # too, the code before this test lost 48 of 287 rows: 955.00 of 4,850.00 unrecorded).
    events = build_batch(fake_stripe, rng, monthly=50, one_time=8)
    pending_rows = list(Contribution.objects.values())

    deliver(events, django_capture_on_commit_callbacks)
    in_order = ledger()
    in_order_gaps = truth_gaps(fake_stripe)

    reset_to(pending_rows)
    batch = shuffled_with_duplicates(fake_stripe, events, rng)
    deliver(batch, django_capture_on_commit_callbacks)
    shuffled_gaps = truth_gaps(fake_stripe)
    print(f"\nin order: {in_order_gaps}\nshuffled ({len(batch)} deliveries): {shuffled_gaps}")

    assert in_order_gaps["paid invoices without a row"] == 0
    assert in_order_gaps["rows paid with an unpaid invoice"] == 0
    assert in_order_gaps["refunds not recorded"] == 0
    assert shuffled_gaps == in_order_gaps
    assert ledger() == in_order
    statuses = Counter(WebhookEvent.objects.values_list("status", flat=True))
    assert set(statuses) <= {"processed", "failed"}  # a refund may wait for its payment…
    for event in WebhookEvent.objects.filter(status="failed"):
        assert event.type == "charge.refunded"  # …and was processed again once it was recorded
        assert Contribution.objects.filter(
            payment_intent_id=event.payload["data"]["object"]["payment_intent"], status="refunded"
        ).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_shuffled_batch_with_concurrent_workers_on_postgres(fake_stripe):
    """Four workers take deliveries off one shuffled batch at the same time."""
    rng = random.Random(1717)
    events = build_batch(fake_stripe, rng, monthly=100, one_time=12)
    pending_rows = list(Contribution.objects.values())

    for event in events:  # real-time order, one at a time (eager tasks run on commit)
        services.webhook_event_record(payload=event)
    in_order = ledger()
    in_order_gaps = truth_gaps(fake_stripe)
    assert in_order_gaps["paid invoices without a row"] == 0

    with transaction.atomic():
        reset_to(pending_rows)
    batch = shuffled_with_duplicates(fake_stripe, events, rng)
    lock, errors = threading.Lock(), []

    def worker() -> None:
        try:
            while True:
                with lock:
                    if not batch:
                        return
                    event = batch.pop()
                services.webhook_event_record(payload=event)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not errors
    # A refund whose payment row was being written at that very moment waits for the beat retry.
    services.webhook_events_retry_failed()
    shuffled_gaps = truth_gaps(fake_stripe)
    print(f"\nin order: {in_order_gaps}\nshuffled, 4 workers: {shuffled_gaps}")
    assert shuffled_gaps == in_order_gaps
    assert ledger() == in_order
