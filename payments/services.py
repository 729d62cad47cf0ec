"""Writes for payments: joining, Checkout, fulfilment, webhook events, monthly changes.

Fulfilment is idempotent and serialised per contribution with `select_for_update`: the success page
and every webhook may run in any order, any number of times, at the same time, and each Checkout
Session and each invoice is recorded exactly once.
"""

import logging
import re
import time
from datetime import UTC, datetime, timedelta

import stripe
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from backcore.accounts.models import User
from backcore.accounts.services import membership_grant
from backcore.dispatch import send_now, send_on_commit
from backcore.params import parse_id
from payments.models import Contribution, Subscription, WebhookEvent
from payments.money import amount_error
from payments.stripe_client import as_dict, object_id, stripe_client, stripe_enabled

logger = logging.getLogger(__name__)

SESSION_EXPAND = ["payment_intent.latest_charge", "invoice", "subscription"]
OPEN_STATUSES = {
    Contribution.Status.PENDING,
    Contribution.Status.PROCESSING,
    Contribution.Status.FAILED,
}


class PaymentsUnavailable(Exception):
    """Stripe is not configured: only joining at no cost works."""


class ContributionNotFound(Exception):
    pass


def contribution_currency() -> str:
    return settings.CONTRIBUTION_CURRENCY.lower()


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- joining ------------------------------------------------------------------------------------


@transaction.atomic
def contribution_join_free(*, member: User) -> Contribution:
    """Join at no cost: the same membership as every paid amount. Repeating it changes nothing."""
    contribution, _ = Contribution.objects.get_or_create(
        idempotency_key=f"bc-free-{member.pk}",
        defaults={
            "member": member,
            "amount_minor": 0,
            "currency": contribution_currency(),
            "kind": Contribution.Kind.FREE,
            "status": Contribution.Status.PAID,
            "paid_at": timezone.now(),
        },
    )
    membership_grant(user=member, source="free")
    return contribution


def _idempotency_key(
    *, member: User, amount_minor: int, currency: str, kind: str, nonce: str
) -> str:
    # The form carries a nonce from the page it was shown on, so a double click (same page, same
    # choice) maps to one key, one contribution and one Checkout Session.
    nonce = re.sub(r"[^A-Za-z0-9-]", "", nonce)[:64] or f"t{int(time.time() // 900)}"
    return f"bc-join-{member.pk}-{kind}-{amount_minor}{currency}-{nonce}"


def checkout_session_params(*, contribution: Contribution) -> dict:
    """The exact parameters sent to `checkout.sessions.create`."""
    metadata = {
        "contribution_id": str(contribution.pk),
        "member_id": str(contribution.member_id),
        "kind": contribution.kind,
    }
    price_data: dict = {"currency": contribution.currency, "unit_amount": contribution.amount_minor}
    if settings.STRIPE_PRODUCT_ID:
        price_data["product"] = settings.STRIPE_PRODUCT_ID
    else:
        price_data["product_data"] = {"name": "BackCore membership contribution"}
    monthly = contribution.kind == Contribution.Kind.MONTHLY
    if monthly:
        price_data["recurring"] = {"interval": "month"}
    params: dict = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "client_reference_id": str(contribution.pk),
        "customer_email": contribution.member.email,
        "metadata": metadata,
        "success_url": _site_url(reverse("payments:join_success"))
        + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": _site_url(reverse("payments:join")) + "?cancelled=1",
    }
    if monthly:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
    return params


@transaction.atomic
def _contribution_pending_get_or_create(
    *, member: User, amount_minor: int, kind: str, key: str
) -> Contribution:
    contribution, created = Contribution.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "member": member,
            "amount_minor": amount_minor,
            "currency": contribution_currency(),
            "kind": kind,
            "status": Contribution.Status.PENDING,
        },
    )
    if created:
        contribution.full_clean()
    elif contribution.member_id != member.pk:
        raise PermissionDenied
    return contribution


@transaction.atomic
def _contribution_attach_session(
    *, contribution_id: int, session_id: str, url: str
) -> Contribution:
    contribution = Contribution.objects.select_for_update().get(pk=contribution_id)
    if not contribution.checkout_session_id:
        contribution.checkout_session_id = session_id
        contribution.checkout_url = url or ""
        contribution.full_clean()
        contribution.save(update_fields=["checkout_session_id", "checkout_url", "updated_at"])
    return contribution


def contribution_checkout_start(
    *, member: User, amount_minor: int, kind: str, nonce: str = ""
) -> Contribution:
    """Create (or find again) a pending contribution and its Checkout Session.

    Not one transaction on purpose: the pending row commits before Stripe is called, and the call
    carries a deterministic idempotency key, so a retry or a double click returns the same session.
    """
    if kind not in (Contribution.Kind.ONE_TIME, Contribution.Kind.MONTHLY):
        raise ValidationError({"frequency": "Choose one-time or monthly."})
    currency = contribution_currency()
    problem = amount_error(amount_minor, currency)
    if problem or amount_minor == 0:
        raise ValidationError({"amount": problem or "Choose an amount above 0 to pay."})
    if not stripe_enabled():
        raise PaymentsUnavailable
    key = _idempotency_key(
        member=member, amount_minor=amount_minor, currency=currency, kind=kind, nonce=nonce
    )
    contribution = _contribution_pending_get_or_create(
        member=member, amount_minor=amount_minor, kind=kind, key=key
    )
    if contribution.checkout_session_id and contribution.checkout_url:
        return contribution
    session = as_dict(
        stripe_client().v1.checkout.sessions.create(
            params=checkout_session_params(contribution=contribution),
            options={"idempotency_key": key},
        )
    )
    return _contribution_attach_session(
        contribution_id=contribution.pk, session_id=session["id"], url=session.get("url") or ""
    )


# --- fulfilment ---------------------------------------------------------------------------------


def checkout_session_retrieve(*, session_id: str) -> dict:
    session = stripe_client().v1.checkout.sessions.retrieve(
        session_id, params={"expand": SESSION_EXPAND}
    )
    return as_dict(session)


def _set(contribution: Contribution, fields: set[str], name: str, value) -> None:
    if value and getattr(contribution, name) != value:
        setattr(contribution, name, value)
        fields.add(name)


def _mark_paid(contribution: Contribution, fields: set[str]) -> None:
    if contribution.status in OPEN_STATUSES:
        contribution.status = Contribution.Status.PAID
        contribution.paid_at = timezone.now()
        fields.update({"status", "paid_at"})
        if contribution.member_id:
            membership_grant(user=contribution.member, source=contribution.kind)


def _save(contribution: Contribution, fields: set[str]) -> None:
    if fields:
        contribution.full_clean()
        contribution.save(update_fields=[*sorted(fields), "updated_at"])
    if "payment_intent_id" in fields:
        _refunds_waiting_requeue(payment_intent_id=contribution.payment_intent_id)


def _refunds_waiting_requeue(*, payment_intent_id: str) -> None:
    """A refund delivered before its payment failed for want of a row; now the row exists.

    Only ids are read and queued after commit (no lock is taken on the other events), so this
    never waits on a worker that is processing one of them.
    """
    waiting = WebhookEvent.objects.filter(
        type="charge.refunded",
        status=WebhookEvent.Status.FAILED,
        payload__data__object__payment_intent=payment_intent_id,
    ).values_list("pk", flat=True)
    for pk in waiting:
        _queue(pk)


def _contribution_for_session(session: dict) -> Contribution:
    contribution = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(checkout_session_id=session["id"])
        .first()
    )
    if contribution is not None:
        return contribution
    # The session was created but its id never saved (e.g. a crash right after the Stripe call):
    # find the pending contribution the session points at, and only when both references agree.
    ref = str(session.get("client_reference_id") or "")
    meta_ref = str((session.get("metadata") or {}).get("contribution_id") or "")
    if parse_id(ref) is not None and ref == meta_ref:
        contribution = (
            Contribution.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(pk=parse_id(ref), checkout_session_id__isnull=True)
            .first()
        )
        if contribution is not None:
            contribution.checkout_session_id = session["id"]
            contribution.save(update_fields=["checkout_session_id", "updated_at"])
            return contribution
    raise ContributionNotFound(f"No contribution for Checkout Session {session['id']}")


def contribution_for_session_owner_check(*, session: dict, member: User) -> None:
    """The success page shows a session only to the member it was created for."""
    ref = str(session.get("client_reference_id") or "")
    owner = (
        Contribution.objects.filter(checkout_session_id=session["id"])
        .values_list("member_id", flat=True)
        .first()
    )
    if owner is None and parse_id(ref) is not None:
        owner = (
            Contribution.objects.filter(pk=parse_id(ref))
            .values_list("member_id", flat=True)
            .first()
        )
    meta_member = str((session.get("metadata") or {}).get("member_id") or "")
    if owner != member.pk or meta_member != str(member.pk):
        raise PermissionDenied


@transaction.atomic
def checkout_session_fulfil(
    *, session: dict, member: User | None = None, async_failed: bool = False
) -> Contribution:
    """Record what a (freshly retrieved) Checkout Session says. Safe to call any number of times."""
    contribution = _contribution_for_session(session)
    if member is not None and contribution.member_id != member.pk:
        raise PermissionDenied
    fields: set[str] = set()
    _set(contribution, fields, "customer_id", object_id(session.get("customer")))
    _set(contribution, fields, "subscription_id", object_id(session.get("subscription")))
    payment_intent = session.get("payment_intent")
    _set(contribution, fields, "payment_intent_id", object_id(payment_intent))
    if isinstance(payment_intent, dict) and isinstance(payment_intent.get("latest_charge"), dict):
        _set(
            contribution, fields, "receipt_url", payment_intent["latest_charge"].get("receipt_url")
        )
    invoice = session.get("invoice")
    invoice_id = object_id(invoice)
    if isinstance(invoice, dict):
        _set(contribution, fields, "receipt_url", invoice.get("hosted_invoice_url"))
    if (
        contribution.kind == Contribution.Kind.MONTHLY
        and invoice_id
        and not contribution.invoice_id
        and not Contribution.objects.filter(invoice_id=invoice_id).exists()
    ):
        _set(contribution, fields, "invoice_id", invoice_id)

    status, payment_status = session.get("status"), session.get("payment_status")
    if async_failed and contribution.status in OPEN_STATUSES:
        contribution.status = Contribution.Status.FAILED
        fields.add("status")
    elif status == "complete" and payment_status in ("paid", "no_payment_required"):
        _mark_paid(contribution, fields)
    elif status == "complete" and contribution.status == Contribution.Status.PENDING:
        contribution.status = Contribution.Status.PROCESSING
        fields.add("status")
    elif status == "expired" and contribution.status == Contribution.Status.PENDING:
        contribution.status = Contribution.Status.CANCELLED
        fields.add("status")
    _save(contribution, fields)

    subscription = session.get("subscription")
    if isinstance(subscription, dict) and subscription.get("id"):
        _subscription_upsert(subscription=subscription, member_id=contribution.member_id)
    return contribution


def checkout_session_sync(*, session_id: str, member: User | None = None) -> Contribution:
    """Retrieve the session from Stripe and fulfil it: the success page and the webhook both call this."""
    session = checkout_session_retrieve(session_id=session_id)
    if member is not None:
        contribution_for_session_owner_check(session=session, member=member)
    return checkout_session_fulfil(session=session, member=member)


def _invoice_subscription(invoice: dict) -> tuple[str, dict]:
    details = ((invoice.get("parent") or {}).get("subscription_details")) or {}
    sub_id = object_id(details.get("subscription")) or object_id(invoice.get("subscription"))
    metadata = (
        details.get("metadata") or (invoice.get("subscription_details") or {}).get("metadata") or {}
    )
    return sub_id, dict(metadata)


def _invoice_payment_intent(invoice: dict) -> str:
    for payment in (invoice.get("payments") or {}).get("data") or []:
        pi = object_id((payment.get("payment") or {}).get("payment_intent"))
        if pi:
            return pi
    return object_id(invoice.get("payment_intent"))


def _anchor_for_subscription(*, subscription_id: str, metadata: dict) -> Contribution:
    """The contribution the subscription was started with; locking it serialises its events."""
    if parse_id(str(metadata.get("contribution_id") or "")) is None and subscription_id:
        metadata = dict(
            as_dict(stripe_client().v1.subscriptions.retrieve(subscription_id)).get("metadata")
            or {}
        )
    ref = parse_id(str(metadata.get("contribution_id") or ""))
    qs = Contribution.objects.select_for_update(of=("self",)).select_related("member")
    anchor = qs.filter(pk=ref, kind=Contribution.Kind.MONTHLY).first() if ref else None
    if anchor is None and subscription_id:
        anchor = (
            qs.filter(subscription_id=subscription_id, checkout_session_id__isnull=False)
            .order_by("created_at", "pk")
            .first()
        )
    if anchor is None:
        raise ContributionNotFound(f"No contribution started subscription {subscription_id}")
    return anchor


@transaction.atomic
def invoice_record(*, invoice: dict, payment_failed: bool = False) -> Contribution | None:
    """One contribution per subscription invoice, whatever order the events come in.

    The Checkout row (the anchor) takes only the subscription's first invoice; every later invoice
    gets a row of its own. Paid or not is what the (freshly retrieved) invoice says, never the
    event's type, so a late or repeated event cannot mark a row paid with a failed invoice.
    """
    subscription_id, metadata = _invoice_subscription(invoice)
    if not subscription_id:
        return None  # not a subscription invoice: nothing of ours
    anchor = _anchor_for_subscription(subscription_id=subscription_id, metadata=metadata)
    invoice_id = invoice["id"]
    is_first = invoice.get("billing_reason") == "subscription_create"
    fields: set[str] = set()
    existing = Contribution.objects.select_for_update().filter(invoice_id=invoice_id).first()
    if existing is not None:
        target = existing
    elif is_first and not anchor.invoice_id:
        target = anchor
        _set(target, fields, "invoice_id", invoice_id)
    elif is_first:
        return anchor  # the anchor already holds its first invoice under another id: ignore
    else:
        target = Contribution(
            member_id=anchor.member_id,
            amount_minor=int(invoice.get("amount_paid") or invoice.get("amount_due") or 0),
            currency=(invoice.get("currency") or anchor.currency).lower(),
            kind=Contribution.Kind.MONTHLY,
            status=Contribution.Status.PENDING,
            idempotency_key=f"bc-invoice-{invoice_id}",
            invoice_id=invoice_id,
        )
        target.member = anchor.member
        target.full_clean()
        target.save()
    _set(target, fields, "subscription_id", subscription_id)
    _set(target, fields, "customer_id", object_id(invoice.get("customer")))
    _set(target, fields, "receipt_url", invoice.get("hosted_invoice_url"))
    _set(target, fields, "payment_intent_id", _invoice_payment_intent(invoice))
    if invoice.get("status") == "paid":
        _mark_paid(target, fields)
    elif (
        payment_failed
        and target.status in (Contribution.Status.PENDING, Contribution.Status.PROCESSING)
        and target.pk != anchor.pk
    ):
        target.status = Contribution.Status.FAILED
        fields.add("status")
    _save(target, fields)
    return target


@transaction.atomic
def charge_refund_record(*, charge: dict) -> Contribution | None:
    payment_intent_id = object_id(charge.get("payment_intent"))
    if not payment_intent_id:
        return None
    contribution = (
        Contribution.objects.select_for_update().filter(payment_intent_id=payment_intent_id).first()
    )
    if contribution is None:
        raise ContributionNotFound(f"No contribution for payment {payment_intent_id}")
    fields: set[str] = set()
    if charge.get("refunded") and contribution.status != Contribution.Status.REFUNDED:
        # A full refund; membership stays: access never depended on the amount. A refund can
        # arrive before the payment's own event: the payment happened, so record it as well.
        if contribution.status in OPEN_STATUSES:
            _mark_paid(contribution, fields)
        contribution.status = Contribution.Status.REFUNDED
        fields.add("status")
    _save(contribution, fields)
    return contribution


# --- subscriptions ------------------------------------------------------------------------------


def _subscription_fields(subscription: dict) -> dict:
    items = (subscription.get("items") or {}).get("data") or []
    item = items[0] if items else {}
    price = item.get("price") or {}
    period_end = item.get("current_period_end") or subscription.get("current_period_end")
    return {
        "amount_minor": int(price.get("unit_amount") or 0),
        "currency": (
            price.get("currency") or subscription.get("currency") or contribution_currency()
        ).lower(),
        "status": subscription.get("status") or "incomplete",
        "cancel_at_period_end": bool(subscription.get("cancel_at_period_end")),
        "current_period_end": datetime.fromtimestamp(int(period_end), tz=UTC)
        if period_end
        else None,
    }


def _subscription_upsert(*, subscription: dict, member_id: int | None) -> Subscription:
    values = _subscription_fields(subscription)
    local, created = Subscription.objects.select_for_update().get_or_create(
        stripe_subscription_id=subscription["id"], defaults={**values, "member_id": member_id}
    )
    if not created:
        for name, value in values.items():
            setattr(local, name, value)
        if local.member_id is None and member_id:
            local.member_id = member_id
        local.full_clean()
        local.save(update_fields=[*values, "member", "updated_at"])
    return local


@transaction.atomic
def subscription_sync(*, subscription: dict) -> Subscription:
    metadata = subscription.get("metadata") or {}
    try:
        anchor = _anchor_for_subscription(subscription_id=subscription["id"], metadata=metadata)
        member_id = anchor.member_id
    except ContributionNotFound:
        member_id = None
    return _subscription_upsert(subscription=subscription, member_id=member_id)


def _own_subscription(*, member: User, subscription_pk: int) -> Subscription:
    local = Subscription.objects.select_for_update().filter(pk=subscription_pk).first()
    if local is None or local.member_id != member.pk:
        raise PermissionDenied
    return local


@transaction.atomic
def subscription_change_amount(
    *, member: User, subscription_pk: int, amount_minor: int
) -> Subscription:
    local = _own_subscription(member=member, subscription_pk=subscription_pk)
    problem = amount_error(amount_minor, local.currency)
    if problem or amount_minor == 0:
        raise ValidationError(
            {"amount": problem or "To stop paying, cancel the monthly contribution instead."}
        )
    client = stripe_client()
    remote = as_dict(client.v1.subscriptions.retrieve(local.stripe_subscription_id))
    item_id = ((remote.get("items") or {}).get("data") or [{}])[0].get("id")
    price_data: dict = {
        "currency": local.currency,
        "unit_amount": amount_minor,
        "recurring": {"interval": "month"},
        "product": settings.STRIPE_PRODUCT_ID,
    }
    updated = client.v1.subscriptions.update(
        local.stripe_subscription_id,
        params={"items": [{"id": item_id, "price_data": price_data}], "proration_behavior": "none"},
        options={
            "idempotency_key": f"bc-sub-{local.pk}-amount-{amount_minor}-{int(local.updated_at.timestamp())}"
        },
    )
    return _subscription_upsert(subscription=as_dict(updated), member_id=member.pk)


@transaction.atomic
def subscription_cancel(*, member: User, subscription_pk: int) -> Subscription:
    """Stop the monthly payments now. Membership stays, exactly as for every other amount."""
    local = _own_subscription(member=member, subscription_pk=subscription_pk)
    if local.status == "canceled":
        return local
    try:
        cancelled = stripe_client().v1.subscriptions.cancel(local.stripe_subscription_id)
    except stripe.InvalidRequestError as exc:
        if exc.code != "resource_missing":
            raise
        # Stripe has no such subscription (removed there, or a test-mode leftover): nothing can
        # charge the member, so record it as stopped rather than block their deletion forever.
        logger.warning("Subscription %s is unknown to Stripe", local.stripe_subscription_id)
        local.status = "canceled"
        local.save(update_fields=["status", "updated_at"])
        return local
    return _subscription_upsert(subscription=as_dict(cancelled), member_id=member.pk)


def billing_portal_url(*, member: User) -> str:
    customer_id = (
        Contribution.objects.filter(member=member)
        .exclude(customer_id="")
        .order_by("-created_at")
        .values_list("customer_id", flat=True)
        .first()
    )
    if not customer_id:
        raise PermissionDenied
    session = stripe_client().v1.billing_portal.sessions.create(
        params={"customer": customer_id, "return_url": _site_url(reverse("payments:contributions"))}
    )
    return as_dict(session)["url"]


# --- webhook events -----------------------------------------------------------------------------


def _handle_checkout(obj: dict, *, async_failed: bool = False) -> None:
    session = checkout_session_retrieve(session_id=obj["id"])  # the payload may be stale
    checkout_session_fulfil(session=session, async_failed=async_failed)


def _handle_invoice(obj: dict, *, payment_failed: bool = False) -> None:
    invoice = as_dict(
        stripe_client().v1.invoices.retrieve(obj["id"], params={"expand": ["payments"]})
    )
    invoice_record(invoice=invoice, payment_failed=payment_failed)


def _handle_subscription(obj: dict) -> None:
    subscription = as_dict(stripe_client().v1.subscriptions.retrieve(obj["id"]))
    subscription_sync(subscription=subscription)


def _handle_refund(obj: dict) -> None:
    charge = as_dict(stripe_client().v1.charges.retrieve(obj["id"]))
    charge_refund_record(charge=charge)


HANDLERS = {
    "checkout.session.completed": _handle_checkout,
    "checkout.session.async_payment_succeeded": _handle_checkout,
    "checkout.session.async_payment_failed": lambda obj: _handle_checkout(obj, async_failed=True),
    "checkout.session.expired": _handle_checkout,
    "invoice.paid": _handle_invoice,
    "invoice.payment_failed": lambda obj: _handle_invoice(obj, payment_failed=True),
    "customer.subscription.updated": _handle_subscription,
    "customer.subscription.deleted": _handle_subscription,
    "charge.refunded": _handle_refund,
}


PROCESS_EVENT_TASK = "payments.tasks.process_webhook_event"


def _queue(event_pk: int) -> None:
    send_on_commit(PROCESS_EVENT_TASK, event_pk)


@transaction.atomic
def webhook_event_record(*, payload: dict) -> tuple[WebhookEvent, bool]:
    """Store a verified event once by its Stripe id and queue it. Returns (event, created).

    A redelivery of an event not processed yet (its first message lost with a Redis restart, or
    its processing failed) queues it again; processing is idempotent, so a spare message is
    harmless.
    """
    event, created = WebhookEvent.objects.get_or_create(
        stripe_event_id=str(payload["id"])[:255],
        defaults={"type": str(payload.get("type", ""))[:100], "payload": payload},
    )
    if created or event.status in (WebhookEvent.Status.PENDING, WebhookEvent.Status.FAILED):
        _queue(event.pk)
    return event, created


def webhook_event_process(*, event_id: int) -> WebhookEvent:
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().get(pk=event_id)
        if event.status in (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED):
            return event
        event.attempts += 1
        handler = HANDLERS.get(event.type)
        if handler is None:
            event.status = WebhookEvent.Status.IGNORED
        else:
            try:
                with transaction.atomic():
                    handler(event.payload["data"]["object"])
            except Exception as exc:  # recorded on the event for admin to see and re-process
                if isinstance(exc, ContributionNotFound):  # e.g. a refund before its payment
                    logger.warning("Stripe event %s waits: %s", event.stripe_event_id, exc)
                else:
                    logger.exception("Stripe event %s failed", event.stripe_event_id)
                event.status = WebhookEvent.Status.FAILED
                event.error = f"{type(exc).__name__}: {exc}"[:5000]
            else:
                event.status = WebhookEvent.Status.PROCESSED
                event.error = ""
        if event.status != WebhookEvent.Status.FAILED:
            event.processed_at = timezone.now()
        event.save(update_fields=["status", "error", "attempts", "processed_at"])
        return event


@transaction.atomic
def webhook_event_reprocess(*, event_id: int) -> None:
    event = WebhookEvent.objects.select_for_update().get(pk=event_id)
    event.status = WebhookEvent.Status.PENDING
    event.save(update_fields=["status"])
    _queue(event.pk)


RETRY_MAX_ATTEMPTS = 8
RETRY_WINDOW = timedelta(days=3)
PENDING_GRACE = timedelta(minutes=5)


def webhook_events_requeue_pending(*, now: datetime | None = None) -> int:
    """Queue again events still pending a few minutes after they arrived. Returns how many.

    The row says the work is pending; its queue message may never have been sent (broker down
    at the time) or may have been lost (a Redis restart without persistence).
    """
    now = now or timezone.now()
    ids = list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.PENDING,
            received_at__lt=now - PENDING_GRACE,
            received_at__gte=now - RETRY_WINDOW,
            attempts__lt=RETRY_MAX_ATTEMPTS,
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        send_now(PROCESS_EVENT_TASK, pk)
    return len(ids)


def webhook_events_retry_failed() -> int:
    """Queue failed events again (e.g. after a Stripe or database outage). Returns how many."""
    ids = list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.FAILED,
            attempts__lt=RETRY_MAX_ATTEMPTS,
            received_at__gte=timezone.now() - RETRY_WINDOW,
        ).values_list("pk", flat=True)[:200]
    )
    for pk in ids:
        webhook_event_reprocess(event_id=pk)
    return len(ids)


def member_subscriptions_cancel_all(*, member: User) -> int:
    """For account deletion: stop every live monthly contribution at Stripe. Returns how many.

    Contribution rows stay (bookkeeping) and lose their member through SET_NULL when the user goes.
    """
    live = [s for s in Subscription.objects.filter(member=member) if s.is_live]
    if live and not stripe_enabled():
        raise PaymentsUnavailable("Monthly contributions exist but Stripe is not configured")
    for local in live:
        subscription_cancel(member=member, subscription_pk=local.pk)
    return len(live)
