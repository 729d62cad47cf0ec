import json
import time

import pytest

from backcore.accounts.models import Membership
from payments import services
from payments.models import Contribution, Subscription, WebhookEvent
from tests.integration.payments.helpers import start_checkout
from tests.support.fake_stripe import post_webhook, sign

URL = "/payments/stripe/webhook/"


@pytest.fixture
def send(client, fake_stripe, django_capture_on_commit_callbacks):
    def _send(type_, obj, **kwargs):
        event = kwargs.pop("event", None) or fake_stripe.event(type_, obj)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_webhook(client, event, **kwargs)
        return response, event

    return _send


@pytest.mark.django_db
def test_bad_signature_is_400_and_nothing_stored(client, fake_stripe):
    event = fake_stripe.event("checkout.session.completed", {"id": "cs_x"})
    response = post_webhook(client, event, secret="whsec_wrong")
    assert response.status_code == 400
    assert post_webhook(client, event, signature="").status_code == 400
    assert post_webhook(client, event, signature="t=abc,v1=nothex").status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_stale_timestamp_is_400(client, fake_stripe):
    event = fake_stripe.event("checkout.session.completed", {"id": "cs_x"})
    response = post_webhook(client, event, timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    assert post_webhook(client, event, timestamp=int(time.time()) - 200).status_code == 200


@pytest.mark.django_db
def test_body_changed_after_signing_is_400(client, fake_stripe):
    event = fake_stripe.event("checkout.session.completed", {"id": "cs_x"})
    header = sign(json.dumps(event))
    event["data"]["object"]["id"] = "cs_other"
    assert post_webhook(client, event, signature=header).status_code == 400


@pytest.mark.django_db
def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


@pytest.mark.django_db
def test_without_webhook_secret_is_400(client, fake_stripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    event = fake_stripe.event("checkout.session.completed", {"id": "cs_x"})
    assert post_webhook(client, event).status_code == 400


@pytest.mark.django_db
def test_checkout_completed_fulfils_from_a_fresh_retrieve(user, fake_stripe, send):
    contribution = start_checkout(user)
    stale = dict(fake_stripe.sessions[contribution.checkout_session_id])  # still "open"
    fake_stripe.pay(contribution.checkout_session_id)
    response, event = send("checkout.session.completed", stale)
    assert response.status_code == 200
    contribution.refresh_from_db()
    assert contribution.status == "paid"
    assert contribution.paid_at is not None
    assert contribution.receipt_url.startswith(f"{fake_stripe.base_url}/receipts/")
    assert contribution.payment_intent_id.startswith("pi_")
    assert Membership.objects.get(user=user).source == "one_time"
    stored = WebhookEvent.objects.get()
    assert (stored.stripe_event_id, stored.status, stored.attempts) == (event["id"], "processed", 1)
    [retrieve] = fake_stripe.requests_to(
        "GET", f"/v1/checkout/sessions/{contribution.checkout_session_id}"
    )
    assert retrieve.params == {
        "expand": ["payment_intent.latest_charge", "invoice", "subscription"]
    }


@pytest.mark.django_db
def test_duplicate_event_is_200_and_stored_once(user, fake_stripe, send):
    contribution = start_checkout(user)
    fake_stripe.pay(contribution.checkout_session_id)
    session = fake_stripe.sessions[contribution.checkout_session_id]
    event = fake_stripe.event("checkout.session.completed", session)
    first, _ = send(None, None, event=event)
    second, _ = send(None, None, event=event)
    assert first.status_code == second.status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert WebhookEvent.objects.get().attempts == 1
    assert Contribution.objects.count() == 1
    assert len(fake_stripe.requests_to("GET", f"/v1/checkout/sessions/{session['id']}")) == 1


@pytest.mark.django_db
def test_invoice_paid_before_checkout_completed_records_once(user, fake_stripe, send):
    contribution = start_checkout(user, amount_minor=1500, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    first_invoice = fake_stripe.invoices[session["invoice"]]

    send("invoice.paid", first_invoice)
    contribution.refresh_from_db()
    assert contribution.status == "paid"
    assert contribution.invoice_id == first_invoice["id"]
    assert contribution.subscription_id == session["subscription"]
    assert Membership.objects.get(user=user).source == "monthly"

    send("checkout.session.completed", session)
    assert Contribution.objects.count() == 1
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoice_id) == ("paid", first_invoice["id"])
    assert Subscription.objects.get().stripe_subscription_id == session["subscription"]

    # A month later: a renewal invoice is one new contribution, however often it is delivered.
    renewal = fake_stripe.add_invoice(subscription_id=session["subscription"])
    send("invoice.paid", renewal)
    send("invoice.paid", renewal)  # a second event for the same invoice
    assert Contribution.objects.count() == 2
    later = Contribution.objects.get(invoice_id=renewal["id"])
    assert (later.member, later.amount_minor, later.kind, later.status) == (
        user,
        1500,
        "monthly",
        "paid",
    )
    assert later.receipt_url == renewal["hosted_invoice_url"]


@pytest.mark.django_db
def test_checkout_completed_before_invoice_paid_records_once(user, fake_stripe, send):
    contribution = start_checkout(user, amount_minor=3000, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    send("checkout.session.completed", session)
    send("invoice.paid", fake_stripe.invoices[session["invoice"]])
    assert Contribution.objects.count() == 1
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoice_id) == ("paid", session["invoice"])


@pytest.mark.django_db
def test_invoice_paid_finds_its_contribution_through_the_subscription(user, fake_stripe, send):
    """When the invoice carries no metadata, the subscription is retrieved for it."""
    contribution = start_checkout(user, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    invoice = fake_stripe.invoices[session["invoice"]]
    invoice["parent"]["subscription_details"]["metadata"] = {}
    send("invoice.paid", invoice)
    contribution.refresh_from_db()
    assert contribution.invoice_id == invoice["id"]
    assert fake_stripe.requests_to("GET", f"/v1/subscriptions/{session['subscription']}")


@pytest.mark.django_db
def test_failed_renewal_then_paid_retry_is_one_row(user, fake_stripe, send):
    contribution = start_checkout(user, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    send("checkout.session.completed", session)
    renewal = fake_stripe.add_invoice(subscription_id=session["subscription"], status="open")
    send("invoice.payment_failed", renewal)
    failed = Contribution.objects.get(invoice_id=renewal["id"])
    assert failed.status == "failed"
    renewal.update(status="paid", amount_paid=renewal["amount_due"])
    send("invoice.paid", renewal)
    failed.refresh_from_db()
    assert failed.status == "paid"
    assert Contribution.objects.count() == 2


@pytest.mark.django_db
def test_async_payment_failed_marks_failed(user, fake_stripe, send):
    contribution = start_checkout(user)
    fake_stripe.pay(contribution.checkout_session_id, payment_status="unpaid")
    send("checkout.session.completed", fake_stripe.sessions[contribution.checkout_session_id])
    contribution.refresh_from_db()
    assert contribution.status == "processing"
    send(
        "checkout.session.async_payment_failed",
        fake_stripe.sessions[contribution.checkout_session_id],
    )
    contribution.refresh_from_db()
    assert contribution.status == "failed"
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_async_payment_succeeded_marks_paid(user, fake_stripe, send):
    contribution = start_checkout(user)
    session = fake_stripe.pay(contribution.checkout_session_id, payment_status="unpaid")
    send("checkout.session.completed", session)
    session["payment_status"] = "paid"
    send("checkout.session.async_payment_succeeded", session)
    contribution.refresh_from_db()
    assert contribution.status == "paid"
    assert Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_refund_marks_contribution_refunded_and_membership_stays(user, fake_stripe, send):
    contribution = start_checkout(user)
    session = fake_stripe.pay(contribution.checkout_session_id)
    send("checkout.session.completed", session)
    charge = fake_stripe.charge_for(session["payment_intent"])
    stale_charge = dict(charge)
    fake_stripe.refund(charge["id"])
    send("charge.refunded", stale_charge)  # payload may be stale: the charge is re-retrieved
    contribution.refresh_from_db()
    assert contribution.status == "refunded"
    assert Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_refund_of_a_renewal_invoice(user, fake_stripe, send):
    contribution = start_checkout(user, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    send("checkout.session.completed", session)
    renewal = fake_stripe.add_invoice(subscription_id=session["subscription"])
    send("invoice.paid", renewal)
    pi = renewal["payments"]["data"][0]["payment"]["payment_intent"]
    charge = fake_stripe.refund(fake_stripe.charge_for(pi)["id"])
    send("charge.refunded", charge)
    assert Contribution.objects.get(invoice_id=renewal["id"]).status == "refunded"
    contribution.refresh_from_db()
    assert contribution.status == "paid"


@pytest.mark.django_db
def test_subscription_updated_and_deleted_are_mirrored(user, fake_stripe, send):
    contribution = start_checkout(user, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    sub = fake_stripe.subscriptions[session["subscription"]]
    send("customer.subscription.updated", sub)  # may arrive before checkout.session.completed
    local = Subscription.objects.get()
    assert (local.member, local.amount_minor, local.status) == (user, 1500, "active")
    send("checkout.session.completed", session)
    sub["items"]["data"][0]["price"]["unit_amount"] = 2000
    send("customer.subscription.updated", sub)
    local = Subscription.objects.get()
    assert (local.member, local.amount_minor, local.status) == (user, 2000, "active")
    assert Subscription.objects.count() == 1
    sub["status"] = "canceled"
    send("customer.subscription.deleted", sub)
    local.refresh_from_db()
    assert local.status == "canceled"
    assert Membership.objects.get(user=user)  # access never depended on paying


@pytest.mark.django_db
def test_unhandled_type_is_ignored(send):
    response, _ = send("customer.created", {"id": "cus_1"})
    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == "ignored"


@pytest.mark.django_db
def test_failure_is_recorded_and_reprocess_recovers(
    user, fake_stripe, send, django_capture_on_commit_callbacks
):
    response, _ = send("checkout.session.completed", {"id": "cs_unknown"})
    assert response.status_code == 200  # Stripe should not retry for our own problem
    event = WebhookEvent.objects.get()
    assert event.status == "failed"
    assert "InvalidRequestError" in event.error or "No such object" in event.error
    # The session shows up at Stripe later (say, after an outage): re-processing fulfils it.
    contribution = start_checkout(user)
    session = fake_stripe.pay(contribution.checkout_session_id)
    event.payload["data"]["object"]["id"] = session["id"]
    event.save(update_fields=["payload"])
    with django_capture_on_commit_callbacks(execute=True):
        services.webhook_event_reprocess(event_id=event.pk)
    event.refresh_from_db()
    assert (event.status, event.attempts, event.error) == ("processed", 2, "")
    contribution.refresh_from_db()
    assert contribution.status == "paid"


@pytest.mark.django_db
def test_processing_a_processed_event_again_changes_nothing(user, fake_stripe, send):
    contribution = start_checkout(user)
    send("checkout.session.completed", fake_stripe.pay(contribution.checkout_session_id))
    event = WebhookEvent.objects.get()
    services.webhook_event_process(event_id=event.pk)
    event.refresh_from_db()
    assert event.attempts == 1


@pytest.mark.django_db
def test_beat_retries_failed_events_within_bounds(django_capture_on_commit_callbacks, settings):
    from datetime import timedelta

    from django.utils import timezone

    from payments.tasks import retry_failed_webhook_events
    from tests.factories.payments import WebhookEventFactory

    assert (
        settings.CELERY_BEAT_SCHEDULE["payments-retry-failed-webhook-events"]["task"]
        == "payments.tasks.retry_failed_webhook_events"
    )
    recent = WebhookEventFactory(type="customer.created", status="failed", attempts=1)
    exhausted = WebhookEventFactory(type="customer.created", status="failed", attempts=8)
    old = WebhookEventFactory(
        type="customer.created",
        status="failed",
        attempts=1,
        received_at=timezone.now() - timedelta(days=4),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed_webhook_events() == 1
    for event in (recent, exhausted, old):
        event.refresh_from_db()
    assert (recent.status, exhausted.status, old.status) == ("ignored", "failed", "failed")


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[]", '[{"id": "evt_1"}]', "null", "42", '"evt_1"', '{"id": 7}'])
def test_signed_body_that_is_not_an_event_object_is_400(client, fake_stripe, body):
    response = client.post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


@pytest.mark.django_db
def test_signed_body_that_is_not_json_is_400(client, fake_stripe):
    body = "{not json"
    response = client.post(
        URL, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body)
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_future_dated_signature_is_400(client, fake_stripe):
    event = fake_stripe.event("customer.created", {"id": "cus_1"})
    assert post_webhook(client, event, timestamp=int(time.time()) + 3600).status_code == 400
    assert post_webhook(client, event, timestamp=int(time.time()) + 120).status_code == 400
    assert not WebhookEvent.objects.exists()
    # a clock a little behind Stripe's is fine
    assert post_webhook(client, event, timestamp=int(time.time()) + 30).status_code == 200


@pytest.mark.django_db
def test_renewal_paid_before_checkout_gets_its_own_row(user, fake_stripe, send):
    """The Checkout row is still pending when a later invoice arrives: it must not take it."""
    contribution = start_checkout(user, amount_minor=1500, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    renewal = fake_stripe.add_invoice(subscription_id=session["subscription"])
    send("invoice.paid", renewal)
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoice_id) == ("pending", None)
    assert Contribution.objects.get(invoice_id=renewal["id"]).status == "paid"

    send("checkout.session.completed", session)
    send("invoice.paid", fake_stripe.invoices[session["invoice"]])
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoice_id) == ("paid", session["invoice"])
    assert Contribution.objects.filter(status="paid").count() == 2


@pytest.mark.django_db
def test_failed_renewal_before_checkout_never_marks_a_row_paid(user, fake_stripe, send):
    contribution = start_checkout(user, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    declined = fake_stripe.add_invoice(subscription_id=session["subscription"], status="open")
    send("invoice.payment_failed", declined)
    send("invoice.paid", declined)  # a stale or misordered event cannot make it paid either
    send("checkout.session.completed", session)
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoice_id) == ("paid", session["invoice"])
    row = Contribution.objects.get(invoice_id=declined["id"])
    assert row.status == "failed"
    assert row.paid_at is None


@pytest.mark.django_db
def test_refund_before_payment_converges(user, fake_stripe, send):
    contribution = start_checkout(user)
    session = fake_stripe.pay(contribution.checkout_session_id)
    charge = fake_stripe.refund(fake_stripe.charge_for(session["payment_intent"])["id"])
    response, _ = send("charge.refunded", charge)
    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == "failed"  # no payment row yet
    send("checkout.session.completed", session)  # the payment lands: the refund is re-queued
    contribution.refresh_from_db()
    assert contribution.status == "refunded"
    assert contribution.paid_at is not None
    assert Membership.objects.filter(user=user).exists()  # as in real-time order
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}


@pytest.mark.django_db
def test_beat_requeues_pending_events_older_than_a_few_minutes(
    settings, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from payments.tasks import requeue_pending_webhook_events
    from tests.factories.payments import WebhookEventFactory

    entry = settings.CELERY_BEAT_SCHEDULE["payments-requeue-pending-webhook-events"]
    assert entry["task"] == "payments.tasks.requeue_pending_webhook_events"
    assert entry["schedule"] <= 10 * 60
    now = timezone.now()
    fresh = WebhookEventFactory(type="customer.created")
    stale = WebhookEventFactory(type="customer.created", received_at=now - timedelta(minutes=6))
    ancient = WebhookEventFactory(type="customer.created", received_at=now - timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_pending_webhook_events() == 1
    for event in (fresh, stale, ancient):
        event.refresh_from_db()
    assert (fresh.status, stale.status, ancient.status) == ("pending", "ignored", "pending")


@pytest.mark.django_db
@pytest.mark.parametrize("ref", ["²", "١٢", "0", "99999999999999999999999"])
def test_odd_references_in_a_signed_event_never_give_a_500(send, fake_stripe, ref):
    session = {
        "id": "cs_odd",
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "client_reference_id": ref,
        "metadata": {"contribution_id": ref, "member_id": ref},
        "subscription": None,
    }
    fake_stripe.sessions["cs_odd"] = session
    response, event = send("checkout.session.completed", session)
    assert response.status_code == 200
    assert not Contribution.objects.filter(status="paid").exists()
    # Refused as "no contribution of ours", never a crash on parsing the reference.
    stored = WebhookEvent.objects.get(stripe_event_id=event["id"])
    assert stored.error.startswith("ContributionNotFound"), stored.error
