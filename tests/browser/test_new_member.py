"""Journey 1: a new member signs up, verifies their email, logs in and starts the programme."""

import re

import pytest
from playwright.sync_api import expect

from backcore.accounts.models import User
from tests.browser.flows import PASSWORD, last_confirmation_link, log_in, sign_up

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "new.member@example.org"


def test_signup_verify_login_and_profile(page, axe_check, screenshot):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)
    screenshot(page, "landing")

    page.get_by_role("link", name="Start the programme").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    axe_check(page)
    screenshot(page, "signup")
    sign_up(page, email=EMAIL)

    # Verification is mandatory: a "check your inbox" page, no session yet.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    axe_check(page)
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified is False

    page.goto(last_confirmation_link(EMAIL))
    axe_check(page)
    page.get_by_role("button", name="Confirm").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/confirm-email/"))
    assert User.objects.get(email=EMAIL).emailaddress_set.get().verified is True

    # A fresh browser session logs in with the new password.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    axe_check(page)
    screenshot(page, "login")
    log_in(page, email=EMAIL, password=PASSWORD)

    page.goto("/account/profile/")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    axe_check(page)
    screenshot(page, "profile")
    page.get_by_label("Display name").fill("Rowan")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_text("Rowan — account menu")).to_be_attached()
    assert User.objects.get(email=EMAIL).profile.display_name == "Rowan"
