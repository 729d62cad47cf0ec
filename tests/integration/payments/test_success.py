import threading

import pytest
from django.db import connection
from django.test import Client

from backcore.accounts.models import Membership
from payments.models import Contribution
from tests.factories import UserFactory
from tests.integration.payments.helpers import start_checkout
from tests.support.fake_stripe import post_webhook


def success(client, session_id):
    return client.get("/join/success/", {"session_id": session_id})


@pytest.mark.django_db
def test_success_page_fulfils_a_paid_session(client, user, fake_stripe):
    contribution = start_checkout(user)
    fake_stripe.pay(contribution.checkout_session_id)
    client.force_login(user)
    response = success(client, contribution.checkout_session_id)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Thank you" in body and "$15" in body
    assert "View your receipt" in body
    contribution.refresh_from_db()
    assert contribution.status == "paid"
    assert Membership.objects.get(user=user).source == "one_time"
    # Reloading changes nothing.
    paid_at = contribution.paid_at
    assert success(client, contribution.checkout_session_id).status_code == 200
    contribution.refresh_from_db()
    assert contribution.paid_at == paid_at
    assert Contribution.objects.count() == 1


@pytest.mark.django_db
def test_success_page_shows_processing_while_unpaid(client, user, fake_stripe):
    contribution = start_checkout(user)
    client.force_login(user)
    response = success(client, contribution.checkout_session_id)  # the session is still open
    assert response.status_code == 200
    assert "processing" in response.content.decode()
    assert 'http-equiv="refresh"' in response.content.decode()
    fake_stripe.pay(contribution.checkout_session_id, payment_status="unpaid")
    response = success(client, contribution.checkout_session_id)
    assert "Your payment is processing" in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.status == "processing"
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_success_page_refuses_another_members_session(client, user, fake_stripe):
    contribution = start_checkout(user)
    fake_stripe.pay(contribution.checkout_session_id)
    other = UserFactory()
    client.force_login(other)
    response = success(client, contribution.checkout_session_id)
    assert response.status_code == 404
    contribution.refresh_from_db()
    assert contribution.status == "pending"
    assert not Membership.objects.filter(user=other).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("session_id", "status"), [("", 400), ("{CHECKOUT_SESSION_ID}", 400), ("cs_nope", 404)]
)
def test_success_page_bad_references(client, user, fake_stripe, session_id, status):
    client.force_login(user)
    assert success(client, session_id).status_code == status


@pytest.mark.django_db
def test_success_page_requires_login(client):
    response = client.get("/join/success/?session_id=cs_x")
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.django_db
def test_success_page_then_webhook_records_once(
    client, user, fake_stripe, django_capture_on_commit_callbacks
):
    contribution = start_checkout(user, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    client.force_login(user)
    assert success(client, session["id"]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(Client(), fake_stripe.event("checkout.session.completed", session))
        post_webhook(
            Client(), fake_stripe.event("invoice.paid", fake_stripe.invoices[session["invoice"]])
        )
    assert Contribution.objects.count() == 1
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoice_id) == ("paid", session["invoice"])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["one_time", "monthly"])
def test_success_page_and_webhooks_at_the_same_time_record_one_contribution(fake_stripe, kind):
    user = UserFactory()
    contribution = start_checkout(user, kind=kind)
    session = fake_stripe.pay(contribution.checkout_session_id)
    events = [fake_stripe.event("checkout.session.completed", session)]
    if kind == "monthly":
        events.append(fake_stripe.event("invoice.paid", fake_stripe.invoices[session["invoice"]]))
    barrier = threading.Barrier(1 + 2 * len(events))
    results: list = []

    def run(fn):
        try:
            barrier.wait(timeout=10)
            results.append(fn())
        except Exception as exc:  # surfaced below
            results.append(exc)
        finally:
            connection.close()

    def page():
        client = Client()
        client.force_login(user)
        return success(client, session["id"]).status_code

    def hook(event):
        return lambda: post_webhook(Client(), event).status_code

    # Each event twice, at once, plus the success page.
    jobs = [page] + [hook(e) for e in events for _ in range(2)]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [200] * len(jobs), results
    assert Contribution.objects.count() == 1
    contribution.refresh_from_db()
    assert contribution.status == "paid"
    if kind == "monthly":
        assert contribution.invoice_id == session["invoice"]
    assert Membership.objects.filter(user=user).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_events_for_one_renewal_invoice_at_the_same_time_record_one_contribution(fake_stripe):
    from payments import services
    from payments.models import WebhookEvent

    user = UserFactory()
    contribution = start_checkout(user, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    services.checkout_session_sync(session_id=session["id"], member=user)
    renewal = fake_stripe.add_invoice(subscription_id=session["subscription"])
    # Different event ids for the same invoice (e.g. a redelivery after an event was recreated).
    events = [fake_stripe.event("invoice.paid", renewal) for _ in range(4)]
    barrier = threading.Barrier(len(events))
    results: list = []

    def run(event):
        try:
            barrier.wait(timeout=10)
            results.append(post_webhook(Client(), event).status_code)
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [200] * len(events), results
    assert Contribution.objects.filter(invoice_id=renewal["id"]).count() == 1
    assert Contribution.objects.count() == 2
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"processed"}
