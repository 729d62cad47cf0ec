"""Journey 1: a new member signs up, verifies their email, logs in, answers the intake, sees a
sample day, joins with 0, does today's session in the player by keyboard alone (the hold timer
driven by Playwright's clock), logs pain and effort, and finds it on the progress page."""

import re

import pytest
from playwright.sync_api import expect

from backcore.accounts.models import User
from programs.models import PlannedSession
from tests.browser.flows import (
    PASSWORD,
    answer_intake_details,
    answer_safety_screen,
    last_confirmation_link,
    log_in,
    sign_up,
)
from tests.browser.player import finish_session_by_keyboard

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EMAIL = "new.member@example.org"


def test_signup_to_first_session_and_progress(page, axe_check, screenshot):
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

    # Intake: the safety screen first, then the details.
    page.goto("/programme/intake/")
    axe_check(page)
    screenshot(page, "intake-safety")
    answer_safety_screen(page)
    axe_check(page)
    screenshot(page, "intake-details")
    answer_intake_details(page)

    # Not a member yet: a sample day, and the way in is joining (0 is fine).
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What a first day looks like")
    axe_check(page)
    page.get_by_role("link", name="Join to start").click()
    expect(page.get_by_role("radio", name="Nothing for now")).to_be_visible()
    axe_check(page)
    page.get_by_role("radio", name="Nothing for now").check()
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("status")).to_contain_text("Everything is open to you now")
    expect(page.get_by_role("heading", name="Your session")).to_be_visible()
    items = page.locator(".plan-item")
    expect(items.first).to_be_visible()
    axe_check(page)
    screenshot(page, "today")

    # The session player, by keyboard alone, with the clock under the test's control.
    page.clock.install()
    page.get_by_role("link", name="Start session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today's session")
    axe_check(page)
    screenshot(page, "session-player")
    done = finish_session_by_keyboard(page, axe_check=axe_check)
    assert done >= 1

    # How did it feel?
    page.get_by_role("link", name="How did it feel?").click()
    expect(page.get_by_role("group", name=re.compile("^Pain during"))).to_be_visible()
    axe_check(page)
    screenshot(page, "session-finish")
    page.get_by_role("group", name=re.compile("^Pain during")).get_by_role(
        "radio", name="2", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("^Effort")).get_by_role(
        "radio", name="6", exact=True
    ).check()
    page.get_by_label("Notes").fill("Felt steady; side plank was the hardest.")
    page.get_by_role("button", name="Save session").click()

    # The progress page shows the finished session.
    expect(page).to_have_url(re.compile(r"/progress/$"))
    expect(page.get_by_role("status")).to_contain_text("Saved: session done")
    expect(page.get_by_role("status")).to_contain_text("This session counts toward your streak")
    tension = page.get_by_role("region", name="Minutes under tension")
    expect(tension).to_contain_text("1 finished session")
    expect(page.get_by_role("region", name="Current streak")).to_contain_text("1")
    expect(page.get_by_role("region", name="Personal bests").get_by_role("row")).not_to_have_count(
        0
    )
    axe_check(page)
    screenshot(page, "progress")

    session = PlannedSession.objects.get(member__email=EMAIL)
    assert (session.status, session.pain_during, session.effort) == ("completed", 2, 6)
    assert session.items.filter(completed_at__isnull=False).count() == done
