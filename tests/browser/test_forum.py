"""Journey 4: a thread, a quote-reply with a mention, a reaction, a report, and a coach hiding it."""

import re

import pytest
from playwright.sync_api import expect

from backcore.notifications.models import Notification
from community.models import Report
from tests.factories import CoachFactory, MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _named(factory, name):
    user = factory()
    user.profile.display_name = name
    user.profile.save(update_fields=["display_name"])
    return user


def _post(page, author):
    """The article of the post whose heading is the author's name."""
    return page.get_by_role("article", name=author)


def test_thread_quote_mention_react_report_and_coach_hides(
    page, new_page, login_as, axe_check, screenshot
):
    alice = _named(MemberFactory, "Alice Walker")
    ben = _named(MemberFactory, "Ben Stone")
    coach = _named(CoachFactory, "Coach Robin")

    # Alice starts a thread, previewing it first (htmx).
    login_as(page, alice)
    page.goto("/community/")
    axe_check(page)
    screenshot(page, "community")
    page.get_by_role("link", name="Questions for coaches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions for coaches")
    axe_check(page)
    page.get_by_role("link", name="Start a thread").click()
    expect(page.get_by_label("Title")).to_be_visible()
    axe_check(page)
    page.get_by_label("Title").fill("Side plank feels wobbly")
    page.get_by_label("Your message").fill(
        "My hips drop after about **ten seconds**. Should I shorten the hold?"
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("ten seconds")
    axe_check(page)
    page.get_by_role("button", name="Start thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Side plank feels wobbly")
    thread_url = page.url
    axe_check(page)
    screenshot(page, "community-thread")

    # Ben quote-replies, mentions Alice and cheers her post.
    ben_page = new_page()
    login_as(ben_page, ben)
    ben_page.goto(thread_url)
    _post(ben_page, "Alice Walker").get_by_role("link", name="Quote").click()
    body = ben_page.get_by_label("Your message")
    expect(body).to_have_value(re.compile(r"^> \*\*Alice Walker\*\* wrote:"))
    axe_check(ben_page)
    body.fill(body.input_value() + "@AliceWalker try 8 seconds and build up. It worked for me.")
    ben_page.get_by_role("button", name="Post reply").click()
    reply = _post(ben_page, "Ben Stone")
    expect(reply.locator("blockquote")).to_contain_text("My hips drop after about ten seconds")
    expect(reply.get_by_role("link", name="@AliceWalker")).to_be_visible()

    cheer = _post(ben_page, "Alice Walker").get_by_role("button", name=re.compile(r"^Cheer"))
    expect(cheer).to_have_attribute("aria-pressed", "false")
    cheer.click()
    cheer = _post(ben_page, "Alice Walker").get_by_role("button", name=re.compile(r"^Cheer"))
    expect(cheer).to_have_attribute("aria-pressed", "true")
    expect(cheer).to_contain_text("1")
    axe_check(ben_page)

    # The mention reaches Alice exactly once; she opens it and reports Ben's reply.
    assert Notification.objects.filter(recipient=alice, kind="mention").count() == 1
    page.goto("/community/notifications/")
    axe_check(page)
    page.get_by_role("link", name=re.compile("Ben Stone mentioned you")).click()
    expect(_post(page, "Ben Stone")).to_be_visible()
    expect(
        _post(page, "Alice Walker").get_by_role("button", name=re.compile(r"^Cheer"))
    ).to_contain_text("1")
    _post(page, "Ben Stone").get_by_role("link", name="Report").click()
    expect(page.get_by_label("What's wrong with this post?")).to_be_visible()
    axe_check(page)
    page.get_by_label("What's wrong with this post?").fill(
        "Dosing advice should come from a coach, not another member."
    )
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status")).to_contain_text("a coach will review this post")
    assert Report.objects.filter(reporter=alice, post__author=ben).count() == 1

    # A coach reviews the report and hides the post.
    coach_page = new_page()
    login_as(coach_page, coach)
    coach_page.goto("/community/moderation/")
    axe_check(coach_page)
    screenshot(coach_page, "community-moderation")
    report_card = coach_page.get_by_role("article").filter(has_text="Dosing advice should come")
    report_card.get_by_role("link", name="Hide this post").click()
    axe_check(coach_page)
    coach_page.get_by_label("Reason").fill("Please leave dosing to the coaches.")
    coach_page.get_by_role("button", name="Hide post").click()
    expect(coach_page.get_by_role("status")).to_contain_text("Post hidden")
    coach_page.goto("/community/moderation/")
    report_card = coach_page.get_by_role("article").filter(has_text="Dosing advice should come")
    expect(report_card).to_contain_text("post already hidden")
    report_card.get_by_role("button", name="Resolve").click()
    expect(coach_page.get_by_text("No open reports.")).to_be_visible()

    # Both members now see the reply hidden; its text is gone from the page.
    for member_page in (ben_page, page):
        member_page.goto(thread_url)
        hidden = _post(member_page, "Ben Stone")
        expect(hidden).to_contain_text("This post was hidden by a coach.")
        expect(hidden).not_to_contain_text("try 8 seconds")
        expect(_post(member_page, "Alice Walker")).to_contain_text("Should I shorten the hold?")
    axe_check(page)
