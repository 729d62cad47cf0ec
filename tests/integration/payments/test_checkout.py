import pytest

from backcore.accounts.models import Membership
from payments.models import Contribution

JOIN = "/join/"
SUCCESS_URL = "http://127.0.0.1:8000/join/success/?session_id={CHECKOUT_SESSION_ID}"


def _expected_params(contribution: Contribution, user, *, monthly: bool, amount: str) -> dict:
    metadata = {
        "contribution_id": str(contribution.pk),
        "member_id": str(user.pk),
        "kind": "monthly" if monthly else "one_time",
    }
    price_data = {"currency": "usd", "unit_amount": amount, "product": "prod_test_backcore"}
    if monthly:
        price_data["recurring"] = {"interval": "month"}
    params = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": "1"}],
        "client_reference_id": str(contribution.pk),
        "customer_email": user.email,
        "metadata": metadata,
        "success_url": SUCCESS_URL,
        "cancel_url": "http://127.0.0.1:8000/join/?cancelled=1",
    }
    if monthly:
        params["subscription_data"] = {"metadata": metadata}
    else:
        params["payment_intent_data"] = {"metadata": metadata}
    return params


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_one_time_checkout_sends_exact_params(client, user, fake_stripe):
    client.force_login(user)
    response = client.post(JOIN, {"amount": "1500", "frequency": "one_time", "nonce": "abc123"})
    assert response.status_code == 303
    contribution = Contribution.objects.get()
    assert (contribution.amount_minor, contribution.kind, contribution.status) == (
        1500,
        "one_time",
        "pending",
    )
    assert response.url == contribution.checkout_url
    assert response.url == f"{fake_stripe.base_url}/pay/{contribution.checkout_session_id}"
    [sent] = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert sent.params == _expected_params(contribution, user, monthly=False, amount="1500")
    assert sent.idempotency_key == f"bc-join-{user.pk}-one_time-1500usd-abc123"
    assert not Membership.objects.filter(user=user).exists()  # not until paid


@pytest.mark.django_db
def test_monthly_custom_checkout_sends_exact_params(client, user, fake_stripe):
    client.force_login(user)
    response = client.post(
        JOIN, {"amount": "custom", "custom_amount": "12.50", "frequency": "monthly", "nonce": "n-1"}
    )
    assert response.status_code == 303
    contribution = Contribution.objects.get()
    assert (contribution.amount_minor, contribution.kind) == (1250, "monthly")
    [sent] = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert sent.params == _expected_params(contribution, user, monthly=True, amount="1250")
    assert sent.idempotency_key == f"bc-join-{user.pk}-monthly-1250usd-n-1"


@pytest.mark.django_db
def test_double_post_creates_one_session(client, user, fake_stripe):
    client.force_login(user)
    data = {"amount": "500", "frequency": "one_time", "nonce": "same-page"}
    first = client.post(JOIN, data)
    second = client.post(JOIN, data)
    assert first.status_code == second.status_code == 303
    assert first.url == second.url
    assert Contribution.objects.count() == 1
    assert len(fake_stripe.sessions) == 1


@pytest.mark.django_db
def test_same_idempotency_key_at_stripe_returns_the_same_session(user, fake_stripe):
    """If our row exists without its session id (a crash after the call), Stripe's key dedupes."""
    from payments import services

    first = services.contribution_checkout_start(
        member=user, amount_minor=500, kind="one_time", nonce="k"
    )
    Contribution.objects.filter(pk=first.pk).update(checkout_session_id=None, checkout_url="")
    again = services.contribution_checkout_start(
        member=user, amount_minor=500, kind="one_time", nonce="k"
    )
    keys = [r.idempotency_key for r in fake_stripe.requests_to("POST", "/v1/checkout/sessions")]
    assert keys == [keys[0], keys[0]]
    assert len(fake_stripe.sessions) == 1
    assert again.checkout_session_id == first.checkout_session_id


@pytest.mark.django_db
def test_a_new_page_gives_a_new_session(client, user, fake_stripe):
    client.force_login(user)
    client.post(JOIN, {"amount": "500", "frequency": "one_time", "nonce": "page-1"})
    client.post(JOIN, {"amount": "500", "frequency": "one_time", "nonce": "page-2"})
    assert len(fake_stripe.sessions) == 2


@pytest.mark.django_db
def test_join_page_renders_a_fresh_nonce(client, user, fake_stripe):
    client.force_login(user)
    first = client.get(JOIN).context["form"]["nonce"].value()
    second = client.get(JOIN).context["form"]["nonce"].value()
    assert first and second and first != second


@pytest.mark.django_db
def test_stripe_down_is_a_503_and_nothing_is_lost(client, user, fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    client.force_login(user)
    response = client.post(JOIN, {"amount": "500", "frequency": "one_time", "nonce": "x"})
    assert response.status_code == 503
    assert "Nothing was charged" in response.content.decode()
    # The pending row stays, so a retry of the same page reuses it with the same key.
    assert Contribution.objects.get().status == "pending"


@pytest.mark.django_db
def test_fake_checkout_page_pays_and_returns_to_success_url(client, user, fake_stripe):
    import requests

    client.force_login(user)
    response = client.post(JOIN, {"amount": "1500", "frequency": "monthly", "nonce": "browser"})
    page = requests.get(response.url, timeout=5)
    assert page.status_code == 200 and "Pay" in page.text
    paid = requests.post(response.url, allow_redirects=False, timeout=5)
    assert paid.status_code == 303
    contribution = Contribution.objects.get()
    assert paid.headers["Location"] == (
        f"http://127.0.0.1:8000/join/success/?session_id={contribution.checkout_session_id}"
    )
    session = fake_stripe.sessions[contribution.checkout_session_id]
    assert (session["status"], session["payment_status"]) == ("complete", "paid")
    assert session["subscription"].startswith("sub_")
