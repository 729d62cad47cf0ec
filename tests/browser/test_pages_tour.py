"""The remaining main pages, each with axe and phone/desktop screenshots: the exercise library
(search and a detail page, as a visitor), and a member's programme, lessons and contributions."""

import re

import pytest
from playwright.sync_api import expect

from exercises.models import Exercise
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_library_as_a_visitor(page, axe_check, screenshot):
    # The seeded library survives the transactional test's flush (serialized rollback).
    assert Exercise.objects.count() > 20
    page.goto("/")
    page.get_by_role("link", name="Browse the exercises").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exercise library")
    axe_check(page)
    screenshot(page, "library")

    page.get_by_role("searchbox").fill("bridge")
    page.get_by_role("button", name="Show exercises").click()
    expect(page).to_have_url(re.compile(r"q=bridge"))
    first = page.locator("main h3 a").first
    name = first.inner_text()
    assert "bridge" in name.lower()
    axe_check(page)
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    axe_check(page)
    screenshot(page, "exercise-detail")


def test_member_programme_learn_and_contributions(page, login_as, axe_check, screenshot):
    member = MemberFactory()
    enrol(member)
    login_as(page, member)

    page.goto("/today/")
    page.get_by_role("link", name="See your week and phase").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your programme")
    axe_check(page)
    screenshot(page, "programme")

    page.goto("/learn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn")
    axe_check(page)
    screenshot(page, "learn")
    page.locator("main h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page)

    page.locator("summary").filter(has_text="account menu").click()
    page.get_by_role("link", name="Contributions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your contributions")
    axe_check(page)
