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
    page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()  # not "…with a passkey"
    expect(page.get_by_text("account menu")).to_be_attached()


def tab_to(page: Page, name: str | re.Pattern, *, max_presses: int = 80) -> None:
    """Press Tab (and only Tab) until the focused element's accessible text matches ``name``."""
    pattern = name if isinstance(name, re.Pattern) else re.compile(rf"^\s*{re.escape(name)}\s*$")
    seen = []
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        label = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return "";
                return (el.getAttribute("aria-label") || el.innerText || el.value || "").trim();
            }"""
        )
        if pattern.search(label):
            return
        seen.append(label)
    raise AssertionError(f"Tab never reached {pattern.pattern!r}; focused in turn: {seen}")


def answer_safety_screen(page: Page, *, tick: tuple[str, ...] = ()) -> None:
    """The red-flag screen: tick the given signs (by their label) and continue."""
    expect(page.get_by_role("heading", level=1)).to_contain_text("safety check")
    for label in tick:
        page.get_by_label(label).check()
    page.get_by_role("button", name="Continue").click()


def answer_intake_details(page: Page) -> None:
    """The rest of the intake, training every day so that today is never a rest day."""
    expect(page.get_by_role("heading", level=1)).to_have_text("About you and your back")
    page.get_by_label("How much does your back hurt right now?").fill("3")
    page.get_by_label("And at its worst over the last week?").fill("5")
    page.get_by_role("group", name="Where do you feel it?").get_by_label("Low back").check()
    page.get_by_label("More than 12 weeks").check()
    page.get_by_label("Your age").select_option(label="40–54")
    page.get_by_label("Light: some walking most days").check()
    page.get_by_label("10 minutes").check()
    days = page.get_by_role("group", name="Days you will train")
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        days.get_by_label(day).check()  # every day, so today is never a rest day
    for statement in (
        page.get_by_role("group").filter(has=page.get_by_role("radio", name="Disagree")).all()
    ):
        statement.get_by_role("radio", name="Disagree").check()
    page.get_by_role("button", name="Save and see my plan").click()
