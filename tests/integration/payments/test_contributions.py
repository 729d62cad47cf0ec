import pytest

from payments.models import Contribution, Subscription
from tests.factories import UserFactory
from tests.factories.payments import ContributionFactory
from tests.integration.payments.helpers import start_checkout

PAGE = "/account/contributions/"


@pytest.fixture
def monthly(user, fake_stripe):
    """A member with a paid monthly contribution of 15."""
    from payments import services

    contribution = start_checkout(user, amount_minor=1500, kind="monthly")
    session = fake_stripe.pay(contribution.checkout_session_id)
    services.checkout_session_sync(session_id=session["id"], member=user)
    return Subscription.objects.get(stripe_subscription_id=session["subscription"])


@pytest.mark.django_db
def test_history_lists_amounts_status_and_receipts(client, user, monthly, fake_stripe):
    ContributionFactory(member=user, amount_minor=500, receipt_url="https://pay.example/r/1")
    ContributionFactory(member=user, status="pending", amount_minor=999)  # an abandoned checkout
    client.force_login(user)
    body = client.get(PAGE).content.decode()
    assert "You give <strong>$15</strong> a month" in body
    assert "$5" in body and 'href="https://pay.example/r/1"' in body
    assert "$9.99" not in body
    assert "Change amount" in body and "Cancel monthly contribution" in body


@pytest.mark.django_db
def test_change_monthly_amount_updates_the_subscription(client, user, monthly, fake_stripe):
    client.force_login(user)
    remote = fake_stripe.subscriptions[monthly.stripe_subscription_id]
    item_id = remote["items"]["data"][0]["id"]
    response = client.post(
        f"/account/contributions/monthly/{monthly.pk}/amount/", {f"sub{monthly.pk}-amount": "20"}
    )
    assert response.status_code == 302
    [sent] = fake_stripe.requests_to("POST", f"/v1/subscriptions/{monthly.stripe_subscription_id}")
    assert sent.params == {
        "items": [
            {
                "id": item_id,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": "2000",
                    "recurring": {"interval": "month"},
                    "product": "prod_test_backcore",
                },
            }
        ],
        "proration_behavior": "none",
    }
    assert sent.idempotency_key
    monthly.refresh_from_db()
    assert monthly.amount_minor == 2000
    assert "now $20" in client.get(PAGE).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["0", "0.10", "20000", "abc"])
def test_change_monthly_amount_rejects_bad_amounts(client, user, monthly, fake_stripe, amount):
    client.force_login(user)
    client.post(
        f"/account/contributions/monthly/{monthly.pk}/amount/", {f"sub{monthly.pk}-amount": amount}
    )
    assert not fake_stripe.requests_to(
        "POST", f"/v1/subscriptions/{monthly.stripe_subscription_id}"
    )
    monthly.refresh_from_db()
    assert monthly.amount_minor == 1500


@pytest.mark.django_db
def test_cancel_monthly(client, user, monthly, fake_stripe):
    client.force_login(user)
    response = client.post(f"/account/contributions/monthly/{monthly.pk}/cancel/")
    assert response.status_code == 302
    assert fake_stripe.requests_to("DELETE", f"/v1/subscriptions/{monthly.stripe_subscription_id}")
    monthly.refresh_from_db()
    assert monthly.status == "canceled"
    body = client.get(PAGE).content.decode()
    assert "You have no monthly contribution" in body
    assert user.membership  # membership stays


@pytest.mark.django_db
def test_another_members_subscription_is_forbidden(client, monthly, fake_stripe):
    other = UserFactory()
    client.force_login(other)
    assert client.post(f"/account/contributions/monthly/{monthly.pk}/cancel/").status_code == 403
    assert (
        client.post(
            f"/account/contributions/monthly/{monthly.pk}/amount/",
            {f"sub{monthly.pk}-amount": "20"},
        ).status_code
        == 403
    )
    assert not fake_stripe.requests_to(
        "DELETE", f"/v1/subscriptions/{monthly.stripe_subscription_id}"
    )


@pytest.mark.django_db
def test_billing_portal(client, user, monthly, fake_stripe):
    client.force_login(user)
    response = client.post("/account/contributions/portal/")
    assert response.status_code == 303
    [sent] = fake_stripe.requests_to("POST", "/v1/billing_portal/sessions")
    customer = Contribution.objects.get(member=user).customer_id
    assert sent.params == {
        "customer": customer,
        "return_url": "http://127.0.0.1:8000/account/contributions/",
    }
    assert response.url.startswith(f"{fake_stripe.base_url}/portal/")


@pytest.mark.django_db
def test_without_stripe_key_the_page_explains(client, user, settings):
    settings.STRIPE_SECRET_KEY = ""
    ContributionFactory(member=user, amount_minor=0, kind="free")
    client.force_login(user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Card payments are not switched on for this site" in response.content.decode()
    assert "Change amount" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 30])
def test_page_query_count_is_constant(client, django_assert_num_queries, rows):
    member = UserFactory()
    ContributionFactory.create_batch(rows, member=member, customer_id="cus_1")
    for i in range(rows):
        Subscription.objects.create(
            stripe_subscription_id=f"sub_{i}",
            member=member,
            amount_minor=500,
            currency="usd",
            status="active",
        )
    client.force_login(member)
    # session, user (with base.html's bell count and profile), subscriptions, contributions,
    # has-customer
    with django_assert_num_queries(5):
        assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_login_required(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.django_db
def test_account_deletion_helper_cancels_and_keeps_bookkeeping(user, monthly, fake_stripe):
    from payments import services

    assert services.member_subscriptions_cancel_all(member=user) == 1
    assert fake_stripe.requests_to("DELETE", f"/v1/subscriptions/{monthly.stripe_subscription_id}")
    assert services.member_subscriptions_cancel_all(member=user) == 0
    contribution_pk = Contribution.objects.get(member=user).pk
    user.delete()
    contribution = Contribution.objects.get(pk=contribution_pk)
    assert contribution.member is None and contribution.status == "paid"


@pytest.mark.django_db
def test_card_management_and_live_subscriptions_follow_the_database(client, user, settings):
    """The page's reads are compiled once per process: each member still sees only their own
    rows, and what changes in the database shows on the next request."""
    settings.STRIPE_SECRET_KEY = settings.STRIPE_SECRET_KEY or "sk_test_page"
    other = UserFactory()
    ContributionFactory(member=other, customer_id="cus_other", amount_minor=700)
    client.force_login(user)
    body = client.get(PAGE).content.decode()
    assert "Manage cards" not in body, "another member's customer id is not this member's"
    assert "$7" not in body

    mine = ContributionFactory(member=user, customer_id="cus_mine", amount_minor=1200)
    for stripe_id, amount, status in (("sub_live", 800, "active"), ("sub_gone", 900, "canceled")):
        Subscription.objects.create(
            stripe_subscription_id=stripe_id,
            member=user,
            amount_minor=amount,
            currency="usd",
            status=status,
        )
    body = client.get(PAGE).content.decode()
    assert "$12" in body and "Manage cards" in body
    assert "You give <strong>$8</strong> a month" in body and "$9 " not in body

    Contribution.objects.filter(pk=mine.pk).update(customer_id="")
    assert "Manage cards" not in client.get(PAGE).content.decode()
