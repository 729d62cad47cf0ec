"""The landing page: its four cards sit two by two (one column on a phone), and a real exercise
shows what a session looks like: the moving figure, its dose and a hold timer that counts."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def _card_rows(page) -> list[int]:
    """How many of the four cards share each row, top to bottom."""
    tops = page.evaluate(
        "[...document.querySelectorAll('.grid-pairs > .card')]"
        ".map(el => Math.round(el.getBoundingClientRect().top))"
    )
    assert len(tops) == 4
    return [tops.count(top) for top in sorted(set(tops))]


@pytest.mark.parametrize(("viewport", "rows"), [(LAPTOP, [2, 2]), (PHONE, [1, 1, 1, 1])])
def test_landing_shows_a_session_and_no_card_alone(new_page, axe_check, screenshot, viewport, rows):
    page = new_page(viewport=viewport)
    page.clock.install()
    page.goto("/")
    assert _card_rows(page) == rows
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    sample = page.get_by_role("region", name="What a session looks like")
    expect(sample.get_by_role("heading", name="Glute bridge hold")).to_be_visible()
    expect(sample.locator("figure.exercise-figure svg").first).to_be_visible()
    expect(sample.locator(".sample-dose")).to_have_text("10 s hold × 3 sets")
    clock = sample.locator("[data-clock]")
    expect(clock).to_have_text("10")
    axe_check(page)

    sample.get_by_role("button", name="Try one hold").click()
    page.clock.run_for(4_000)
    expect(clock).to_have_text(re.compile(r"^[67]$"))
    page.clock.run_for(7_000)
    expect(clock).to_have_text("0")
    expect(sample.get_by_role("status")).to_contain_text("then do 2 more")
    expect(sample.get_by_role("button", name="Try again")).to_be_enabled()
    axe_check(page)
    if viewport is LAPTOP:
        screenshot(page, "landing")
