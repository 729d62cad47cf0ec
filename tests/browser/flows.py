"""Steps shared by several journeys, written the way a person uses the site."""

import re

from django.core import mail
from playwright.sync_api import Page, expect

PASSWORD = "slow-steady-spine-42"


def last_confirmation_link(email: str) -> str:
    """The path of the newest email-verification link sent to ``email``."""
    for message in reversed(mail.outbox):
        if email in message.to:
            match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no verification email for {email} in {len(mail.outbox)} message(s)")


def sign_up(page: Page, *, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_label(re.compile(r"^Password \(again\):?$")).fill(password)
    page.get_by_role("button", name="Sign up").click()


def log_in(page: Page, *, email: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("account menu")).to_be_attached()
