"""Journey: a member names a goal, the four-weekly check comes due on Today, they answer it in
the browser, and Progress says what changed. Phone and desktop widths, axe clean."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from programs.models import OutcomeCheck
from programs.selectors.sessions import member_today
from tests.browser.conftest import PHONE
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_goal_then_recheck_then_progress(new_page, login_as, axe_check, viewport):
    member = MemberFactory()
    enrol(member, pain_now=6)
    OutcomeCheck.objects.filter(member=member).update(
        taken_on=member_today(member) - timedelta(days=28)
    )
    page = new_page(viewport=viewport)
    login_as(page, member)

    page.goto("/progress/goals/")
    page.get_by_label("An everyday activity your back makes hard").fill("Tying my shoes")
    page.get_by_label("How well can you do it now?").select_option("3")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("heading", name="Tying my shoes")).to_be_visible()
    axe_check(page)

    page.goto("/today/")
    expect(page.get_by_role("heading", name="Time for your four-weekly check")).to_be_visible()
    page.get_by_role("link", name="Answer now").click()
    expect(
        page.get_by_label("Over the last week, how much did your back usually hurt?")
    ).to_be_visible()
    axe_check(page)
    page.get_by_label("Over the last week, how much did your back usually hurt?").select_option("3")
    page.get_by_label("And at its worst over the last week?").select_option("5")
    page.get_by_label("Tying my shoes: how well can you do it now?").select_option("6")
    page.get_by_role("button", name="Save my answers").click()

    expect(page).to_have_url(f"{page.url.split('/progress/')[0]}/progress/")
    expect(page.get_by_text("Tying my shoes: 3 → 6 since")).to_be_visible()
    expect(page.get_by_text("Usual pain: 6 → 3 since")).to_be_visible()
    axe_check(page)


def _member_not_easing():
    """Eight weeks in: pain better at four weeks, back up at eight (the coach is told), a goal
    rated at each check."""
    from programs.services.outcomes import goal_add, recheck_submit

    member = MemberFactory()
    today = member_today(member)
    start = today - timedelta(days=56)
    enrol(member, today=start, pain_now=6)
    goal = goal_add(member=member, activity="Carrying the shopping", rating=3, today=start)
    answers = {"socks": 1, "sitting": 2, "shopping_bag": 2, "sleeping": 1}
    for day, usual, rating in ((start + timedelta(days=28), 3, 6), (today, 7, 4)):
        recheck_submit(
            member=member,
            today=day,
            pain_usual=usual,
            pain_worst=usual + 1,
            function_answers=answers,
            goal_ratings={goal.pk: rating},
        )
    return member


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_progress_charts_and_what_happens_next(new_page, login_as, axe_check, screenshot, viewport):
    member = _member_not_easing()
    page = new_page(viewport=viewport)
    login_as(page, member)

    page.goto("/today/")
    expect(page.get_by_role("heading", name="Your last check: what happens next")).to_be_visible()
    axe_check(page)

    page.goto("/progress/")
    expect(page.get_by_role("heading", name="Your last check: what happens next")).to_be_visible()
    for chart in ("Usual back pain over the last week", "Carrying the shopping"):
        expect(page.get_by_role("img", name=chart)).to_be_visible()
    expect(page.locator("#chart-outcome-pain .chart-mark")).to_have_count(1)  # 6 -> 3
    page.locator("#chart-outcome-pain summary").click()
    expect(page.locator("#chart-outcome-pain table")).to_contain_text("a meaningful change")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    heights = page.evaluate(
        """() => [...document.querySelectorAll(
              '[id^=chart-outcome-] .chart-xlabel, [id^=chart-outcome-] .chart-tick')]
            .filter(el => getComputedStyle(el).display !== 'none')
            .map(el => el.getBoundingClientRect().height)"""
    )
    assert heights and min(heights) >= 10, heights
    axe_check(page)
    if viewport is PHONE:
        screenshot(page, "progress-outcomes")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_coach_finds_non_responders(new_page, login_as, axe_check, screenshot, viewport):
    from tests.factories import CoachFactory

    member = _member_not_easing()
    coach = CoachFactory()
    page = new_page(viewport=viewport)
    login_as(page, coach)

    page.goto("/coach/")
    expect(page.get_by_text("Re-check").first).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Not responding").click()
    expect(page.get_by_role("heading", name=member.public_name)).to_be_visible()
    expect(page.get_by_text("(8 weeks in): usual pain 6 → 7")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    axe_check(page)
    if viewport is PHONE:
        screenshot(page, "coach-not-responding")
