import pytest
from django.urls import reverse

from backcore.accounts.models import Membership
from payments.models import Contribution
from tests.factories import UserFactory

JOIN = "/join/"


@pytest.fixture
def no_stripe(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""


def test_url_names():
    assert reverse("payments:join") == "/join/"
    assert reverse("payments:join_success") == "/join/success/"
    assert reverse("payments:stripe_webhook") == "/payments/stripe/webhook/"
    assert reverse("payments:contributions") == "/account/contributions/"


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_and_back(client):
    response = client.get(JOIN)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "next=/join/" in response.url


@pytest.mark.django_db
def test_join_page_lists_suggested_amounts(client, user, fake_stripe):
    client.force_login(user)
    response = client.get(JOIN)
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("$0 — nothing for now", "$5", "$15", "$30", "Another amount", "Every month"):
        assert label in body
    assert "Card payments are not switched on" not in body
    assert "disabled" not in body.split("<form", 1)[1].split("</form>")[0]


@pytest.mark.django_db
def test_zero_grants_membership_without_stripe(client, user, no_stripe):
    client.force_login(user)
    response = client.post(
        JOIN, {"amount": "0", "frequency": "monthly", "next": "/programme/intake/"}
    )
    assert response.status_code == 302
    assert response.url == "/programme/intake/"
    membership = Membership.objects.get(user=user)
    assert membership.source == "free"
    contribution = Contribution.objects.get(member=user)
    assert (contribution.amount_minor, contribution.kind, contribution.status) == (
        0,
        "free",
        "paid",
    )
    # Joining at no cost twice records it once.
    client.post(JOIN, {"amount": "0"})
    assert Contribution.objects.filter(member=user).count() == 1


@pytest.mark.django_db
def test_zero_redirects_to_today_by_default_and_refuses_foreign_next(client, user, no_stripe):
    client.force_login(user)
    response = client.post(
        JOIN, {"amount": "custom", "custom_amount": "0", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response.url == "/today/"
    assert Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_without_stripe_key_paid_options_are_disabled(client, user, no_stripe):
    client.force_login(user)
    body = client.get(JOIN).content.decode()
    assert "Card payments are not switched on for this site yet" in body
    assert 'value="0"' in body
    zero = body.split('value="0"', 1)[1].split(">", 1)[0]
    assert "disabled" not in zero
    five = body.split('value="500"', 1)[1].split(">", 1)[0]
    assert "disabled" in five


@pytest.mark.django_db
def test_without_stripe_key_a_paid_post_is_a_form_error(client, user, no_stripe):
    client.force_login(user)
    response = client.post(JOIN, {"amount": "1500", "frequency": "one_time"})
    assert response.status_code == 422
    assert "Choose 0 to join now" in response.content.decode()
    assert not Contribution.objects.exists()
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("custom", "message"),
    [
        ("0.49", "start at $0.50"),
        ("0.01", "start at $0.50"),
        ("10000.01", "The most we accept at once is $10,000"),
        ("abc", "Enter an amount such as 15"),
        ("1.234", "Use at most two decimal places"),
        ("-5", "cannot be negative"),
        ("", "Enter the amount you would like to give"),
    ],
)
def test_bad_custom_amounts_are_form_errors(client, user, fake_stripe, custom, message):
    client.force_login(user)
    response = client.post(
        JOIN, {"amount": "custom", "custom_amount": custom, "frequency": "one_time"}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not fake_stripe.requests
    assert not Contribution.objects.exists()


@pytest.mark.django_db
def test_gbp_minimum(client, user, fake_stripe, settings):
    settings.CONTRIBUTION_CURRENCY = "gbp"
    client.force_login(user)
    response = client.post(JOIN, {"amount": "custom", "custom_amount": "0.29"})
    assert response.status_code == 422
    assert "start at £0.30" in response.content.decode()
    response = client.post(JOIN, {"amount": "custom", "custom_amount": "0.30", "nonce": "n1"})
    assert response.status_code == 303
    sent = fake_stripe.requests_to("POST", "/v1/checkout/sessions")[0].params
    assert sent["line_items"][0]["price_data"]["currency"] == "gbp"
    assert sent["line_items"][0]["price_data"]["unit_amount"] == "30"


@pytest.mark.django_db
def test_unknown_choice_is_a_form_error(client, user, fake_stripe):
    client.force_login(user)
    response = client.post(JOIN, {"amount": "999999"})
    assert response.status_code == 422
    assert not fake_stripe.requests


@pytest.mark.django_db
@pytest.mark.parametrize("extra_amounts", [0, 30])
def test_join_page_query_count_is_constant(
    client, django_assert_num_queries, fake_stripe, extra_amounts
):
    from payments.models import SuggestedAmount

    for i in range(extra_amounts):
        SuggestedAmount.objects.create(amount_minor=10_000 + i, position=10 + i)
    user = UserFactory()
    client.force_login(user)
    # session, user (with membership, base.html's bell count and profile), suggested amounts
    with django_assert_num_queries(3):
        assert client.get(JOIN).status_code == 200
