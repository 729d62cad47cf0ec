"""Payments' part of the account lifecycle (registered in PaymentsConfig.ready()).

Deleting an account must never leave a monthly contribution running at Stripe. Before anything is
deleted, Checkout pages that could still be paid are closed (a paid one is recorded first), then
every live subscription is cancelled at Stripe and the deletion waits for Stripe's answer
(the client retries network errors); if Stripe cannot be reached, nothing is deleted and the member
is asked to try again. Inside the deletion transaction the member's subscriptions are locked and
checked once more, so one that went live in between stops the deletion too.

Contributions and subscriptions stay as bookkeeping without the person (SET_NULL).
"""

import logging
from datetime import timedelta

import stripe
from django.utils import timezone

from backcore.accounts.lifecycle import (
    AccountDeletionBlocked,
    Handling,
    OnDelete,
    PersonalData,
    export_row,
)
from payments.models import Contribution, Subscription
from payments.services import (
    PaymentsUnavailable,
    checkout_session_fulfil,
    checkout_session_retrieve,
    member_subscriptions_cancel_all,
)
from payments.stripe_client import stripe_client, stripe_enabled

logger = logging.getLogger(__name__)

BOOKKEEPING = "kept without your name: payment records the law requires us to keep"
UNREACHABLE = (
    "We could not confirm with our payment provider that your monthly contribution is stopped, "
    "so nothing was deleted. Please try again in a few minutes."
)
SKIP = frozenset({"member", "idempotency_key", "checkout_url"})


def member_payments_export(*, user) -> dict:
    return {
        "contributions": [
            export_row(c, skip=SKIP)
            for c in Contribution.objects.filter(member=user).order_by("created_at", "id")
        ],
        "monthly_contributions": [
            export_row(s, skip=SKIP)
            for s in Subscription.objects.filter(member=user).order_by("created_at", "id")
        ],
    }


CHECKOUT_LIFETIME = timedelta(hours=24)  # Stripe's longest Checkout session


def member_checkouts_close(*, member) -> int:
    """Close the member's Checkout pages that could still be paid. An open one is expired; one
    paid but not yet recorded (webhook on its way) is recorded now, so its monthly subscription
    is known locally and cancelled with the others. Returns how many were looked at."""
    pending = list(
        Contribution.objects.filter(
            member=member,
            status=Contribution.Status.PENDING,
            checkout_session_id__isnull=False,
            created_at__gte=timezone.now() - CHECKOUT_LIFETIME,
        )
    )
    if pending and not stripe_enabled():
        return 0  # no Stripe, no way to pay
    for contribution in pending:
        session = checkout_session_retrieve(session_id=contribution.checkout_session_id)
        if session.get("status") == "open":
            stripe_client().v1.checkout.sessions.expire(contribution.checkout_session_id)
        elif session.get("status") == "complete":
            checkout_session_fulfil(session=session)
    return len(pending)


def subscriptions_stop_before_deletion(*, user) -> None:
    try:
        member_checkouts_close(member=user)
        cancelled = member_subscriptions_cancel_all(member=user)
    except (stripe.StripeError, PaymentsUnavailable) as exc:
        logger.warning("Account %s not deleted: subscriptions not cancelled (%s)", user.pk, exc)
        raise AccountDeletionBlocked(UNREACHABLE) from exc
    if cancelled:
        logger.info("Account %s: %s monthly contribution(s) cancelled", user.pk, cancelled)


def subscriptions_check_none_live(*, user) -> None:
    live = [s for s in Subscription.objects.select_for_update().filter(member=user) if s.is_live]
    if live:  # started between the cancellation and now
        raise AccountDeletionBlocked(UNREACHABLE)


PERSONAL_DATA = PersonalData(
    app="payments",
    models={
        Contribution: Handling(OnDelete.KEEP, section="contributions", reason=BOOKKEEPING),
        Subscription: Handling(OnDelete.KEEP, section="monthly_contributions", reason=BOOKKEEPING),
    },
    export=member_payments_export,
    before_delete=subscriptions_stop_before_deletion,
    forget=subscriptions_check_none_live,
)
