"""Journey 3: choose 15 a month → the (fake) hosted Checkout → success page → contributions."""

import re

import pytest
from playwright.sync_api import expect

from backcore.accounts.models import Membership
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_monthly_fifteen_through_checkout_shows_in_contributions(
    page, login_as, fake_stripe, settings, live_server, axe_check, screenshot
):
    settings.SITE_URL = live_server.url  # Checkout returns to this server
    person = UserFactory()
    login_as(page, person)

    page.goto("/join/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pay what you want")
    axe_check(page)
    screenshot(page, "join")
    page.get_by_role("radio", name="$15").check()
    page.get_by_role("radio", name="Every month").check()
    page.get_by_role("button", name="Continue").click()

    # The fake hosted Checkout page (served by tests/support/fake_stripe.py, not by us).
    expect(page.get_by_role("heading", name="Fake Stripe Checkout")).to_be_visible()
    expect(page.get_by_text("Pay 15.00 USD every month")).to_be_visible()
    (created,) = fake_stripe.requests_to("POST", "/v1/checkout/sessions")
    assert created.params["mode"] == "subscription"
    assert created.params["line_items"][0]["price_data"]["unit_amount"] == "1500"
    assert not Membership.objects.filter(user=person).exists()
    page.get_by_role("button", name="Pay").click()

    expect(page).to_have_url(
        re.compile(re.escape(live_server.url) + r"/join/success/\?session_id=")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you — you are in")
    expect(page.get_by_text("$15")).to_be_visible()
    axe_check(page)
    screenshot(page, "join-success")
    assert Membership.objects.filter(user=person).exists()

    page.get_by_role("link", name="Your contributions").click()
    expect(page).to_have_url(re.compile(r"/account/contributions/$"))
    expect(page.get_by_text(re.compile(r"You give \$15 a month"))).to_be_visible()
    row = page.get_by_role("row").filter(has_text="$15")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Paid")
    axe_check(page)
    screenshot(page, "contributions")

    # Reloading the success page records nothing twice.
    page.go_back()
    page.reload()
    page.goto("/account/contributions/")
    expect(page.get_by_role("row").filter(has_text="$15")).to_have_count(1)
