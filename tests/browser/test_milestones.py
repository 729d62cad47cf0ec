"""Milestones on a phone and a laptop: Today says a new one once, Progress keeps every one,
axe clean and nothing scrolls sideways."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from programs.models import Milestone, MilestoneKind, Phase
from programs.selectors.sessions import member_today
from programs.services.outcomes import goal_add
from tests.browser.conftest import PHONE
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SHARE_TEN = re.compile(r"Share with the forum\W+10 sessions done")
LONG_GOAL = "Sitting through a whole film at the cinema without getting up " + "x" * 17


def member_with_milestones():
    member = MemberFactory()
    enrol(member)
    today = member_today(member)
    goal = goal_add(member=member, activity=LONG_GOAL, rating=2, today=today)
    Milestone.objects.bulk_create(
        [
            Milestone(
                member=member,
                kind=MilestoneKind.PHASE,
                phase=Phase.objects.order_by("order")[1],
                reached_on=today - timedelta(days=3),
            ),
            Milestone(
                member=member,
                kind=MilestoneKind.SESSIONS,
                sessions=10,
                reached_on=today - timedelta(days=2),
            ),
            Milestone(
                member=member,
                kind=MilestoneKind.GREEN_WEEK,
                week_start=today - timedelta(days=today.weekday() + 7),
                reached_on=today - timedelta(days=today.weekday()),
            ),
            Milestone(
                member=member,
                kind=MilestoneKind.GOAL,
                goal=goal,
                goal_from=2,
                goal_to=5,
                reached_on=today,
            ),
        ]
    )
    return member


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_today_once_then_progress(new_page, login_as, axe_check, viewport):
    member = member_with_milestones()
    page = new_page(viewport=viewport)
    login_as(page, member)

    page.goto("/today/")
    expect(page.get_by_role("heading", name="4 milestones")).to_be_visible()
    expect(page.get_by_role("heading", name="10 sessions done")).to_be_visible()
    assert overflow(page) <= 0
    axe_check(page)

    page.get_by_role("button", name="Got it").click()
    expect(page.get_by_role("heading", name="10 sessions done")).to_have_count(0)
    page.goto("/today/")
    expect(page.get_by_role("heading", name="10 sessions done")).to_have_count(0)

    page.goto("/progress/")
    section = page.locator("section", has=page.get_by_role("heading", name="Milestones"))
    expect(section.get_by_role("heading", level=3)).to_have_count(4)
    expect(section.get_by_role("heading", name=f"{LONG_GOAL}: 2 → 5")).to_be_visible()
    assert overflow(page) <= 0
    axe_check(page)


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 900}], ids=["390", "1280"])
def test_share_one_with_the_forum_as_a_check_in(new_page, login_as, axe_check, viewport):
    member = member_with_milestones()
    page = new_page(viewport=viewport)
    login_as(page, member)
    page.goto("/progress/")
    page.get_by_role("link", name=SHARE_TEN).click()
    expect(page.get_by_role("heading", name="Share a milestone")).to_be_visible()
    assert overflow(page) <= 0
    axe_check(page)
    page.get_by_label("Add a few words (optional)").fill("Slow and steady.")
    page.get_by_role("button", name="Post it to the forum").click()
    expect(page.get_by_role("heading", name="10 sessions done")).to_be_visible()
    expect(page.get_by_text("Slow and steady.")).to_be_visible()
    expect(page.locator(".checkin-badge")).to_be_visible()
    page.goto("/progress/")
    page.get_by_role("link", name=SHARE_TEN).click()
    expect(page.get_by_text("You shared this on")).to_be_visible()
    axe_check(page)
