"""Journey: a member logs a 9/10 session, a coach sees the alert in the inbox and replies,
and the member reads the reply (the coach loop)."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import CoachAlert, PlannedSession
from programs.services.planning import plan_day
from programs.services.sessions import session_log_item
from tests.browser.conftest import PHONE
from tests.factories import CoachFactory, MemberFactory
from tests.factories.programs import enrol

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _member_with_exercises_done():
    member = MemberFactory()
    member.profile.display_name = "Dana Reyes"
    member.profile.save()
    enrol(member)
    session = plan_day(member=member, day=timezone.localdate())
    for item in session.items.all():
        session_log_item(
            member=member,
            item=item,
            actual_seconds=item.hold_seconds,
            actual_reps=item.reps,
            actual_sets=item.sets,
            sides_done=2 if item.per_side else None,
        )
    return member


def test_pain_alert_reaches_a_coach_who_replies(page, new_page, login_as, axe_check, screenshot):
    member = _member_with_exercises_done()
    coach = CoachFactory()
    coach.profile.display_name = "Coach Sam"
    coach.profile.save()

    # The member logs the session at 9/10.
    login_as(page, member)
    page.goto("/today/session/finish/")
    expect(page.get_by_role("link", name="Write to your coaches")).to_be_visible()
    page.get_by_role("group", name=re.compile("^Pain during")).get_by_role(
        "radio", name="9", exact=True
    ).check()
    page.get_by_role("group", name=re.compile("^Effort")).get_by_role(
        "radio", name="7", exact=True
    ).check()
    page.get_by_role("button", name="Save session").click()
    assert PlannedSession.objects.get(member=member).pain_during == 9
    page.goto("/today/")
    expect(page.get_by_text("A coach has been told")).to_be_visible()
    axe_check(page)

    # The coach finds it in the inbox (from the admin index) and replies.
    coach_page = new_page()
    login_as(coach_page, coach)
    coach_page.goto("/admin/")
    coach_page.get_by_role("link", name=re.compile("Coach inbox")).first.click()
    expect(coach_page.get_by_role("heading", level=1)).to_have_text("Coach inbox")
    alert_link = coach_page.get_by_role("link", name=re.compile("Dana Reyes: Session logged"))
    expect(alert_link).to_be_visible()
    expect(coach_page.locator(".pain-strip").first).to_contain_text("9")
    axe_check(coach_page)
    screenshot(coach_page, "coach-inbox")
    alert_link.click()
    coach_page.get_by_role("button", name="Assign to me").click()
    coach_page.get_by_label("Reply to Dana Reyes").fill(
        "Thanks for telling us. Take tomorrow off and we'll **ease the next session**."
    )
    coach_page.get_by_role("button", name="Send reply").click()
    expect(coach_page.get_by_text("Reply sent")).to_be_visible()
    axe_check(coach_page)
    alert = CoachAlert.objects.get(member=member, cause="session_pain")
    assert alert.assigned_to == coach
    assert "replied" in alert.events.values_list("action", flat=True)

    # The member sees who replied and reads it.
    page.goto("/today/")
    expect(page.get_by_text(re.compile("Coach Sam replied"))).to_be_visible()
    page.get_by_role("link", name="Read the reply").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages with your coaches")
    expect(
        page.locator(".conversation strong").filter(has_text="ease the next session")
    ).to_be_visible()
    axe_check(page)
    screenshot(page, "member-messages")

    # Both pages hold up on a phone.
    for person, path in ((member, "/account/messages/"), (coach, "/coach/?show=all")):
        phone = new_page(viewport=PHONE)
        login_as(phone, person)
        phone.goto(path)
        axe_check(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Another member sees none of it.
    other_page = new_page()
    login_as(other_page, MemberFactory())
    other_page.goto("/account/messages/")
    expect(other_page.get_by_text("ease the next session")).to_have_count(0)
    other_page.goto("/coach/")
    expect(other_page.get_by_role("heading", level=1)).not_to_have_text("Coach inbox")
