"""Journey 2: a member who reports an emergency sign is stopped and never sees a plan."""

import re

import pytest
from playwright.sync_api import expect

from programs.models import PlannedSession
from tests.browser.flows import answer_intake_details, answer_safety_screen
from tests.factories import MemberFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SADDLE = "New numbness in your groin, between your legs or around your bottom"
URGENT = "Please seek urgent medical care today"
PLAN_PAGES = ("/today/", "/today/session/", "/programme/", "/programme/intake/", "/progress/")


def _expect_urgent_care(page):
    expect(page.get_by_role("heading", level=1)).to_have_text(URGENT)
    expect(page.get_by_role("heading", name="Your session")).to_have_count(0)
    expect(page.get_by_role("heading", name="Today's session")).to_have_count(0)
    expect(
        page.get_by_role("link", name=re.compile("Start session|Continue session"))
    ).to_have_count(0)


def test_emergency_sign_at_first_screen_blocks_every_plan_page(
    page, login_as, axe_check, screenshot
):
    member = MemberFactory()
    login_as(page, member)
    page.goto("/today/")
    # No intake yet: today's page sends the member to the safety questions first.
    expect(page).to_have_url(re.compile(r"/programme/intake/"))
    answer_safety_screen(page, tick=(SADDLE,))

    expect(page.get_by_role("heading", level=1)).to_have_text(URGENT)
    expect(page.get_by_text("emergency department")).to_be_visible()
    # No way round it: no form, no "continue anyway".
    expect(page.get_by_role("main").get_by_role("button")).to_have_count(0)
    axe_check(page)
    screenshot(page, "urgent-care")

    for path in (*PLAN_PAGES, "/programme/intake/?step=details", "/programme/intake/?step=screen"):
        page.goto(path)
        if "/progress/" in path:
            # Progress may show the (empty) record, but never a plan or a way to start one.
            expect(page.get_by_role("link", name=re.compile("Start session"))).to_have_count(0)
            continue
        _expect_urgent_care(page)
    assert not PlannedSession.objects.filter(member=member).exists()


def test_emergency_sign_reported_later_hides_the_plan_already_made(page, login_as, axe_check):
    member = MemberFactory()
    login_as(page, member)
    page.goto("/programme/intake/")
    answer_safety_screen(page)
    answer_intake_details(page)
    expect(page.get_by_role("heading", name="Your session")).to_be_visible()
    assert PlannedSession.objects.filter(member=member).count() == 1

    # Later the member answers the safety questions again and ticks an emergency sign.
    page.get_by_role("link", name="Update your answers").click()
    page.get_by_role("link", name="Answer the safety questions again").click()
    answer_safety_screen(page, tick=(SADDLE,))
    expect(page.get_by_role("heading", level=1)).to_have_text(URGENT)
    axe_check(page)

    for path in PLAN_PAGES:
        if path == "/progress/":
            continue
        page.goto(path)
        _expect_urgent_care(page)


def test_coach_lifts_a_block_with_a_note_and_the_member_screens_again(
    page, login_as, axe_check, screenshot
):
    from programs.models import EmergencyLift
    from programs.services import intake_screen_submit
    from tests.factories import CoachFactory
    from tests.factories.programs import enrol

    member = MemberFactory()
    enrol(member)
    intake_screen_submit(member=member, answers={"flag_saddle_numbness": True})
    coach = CoachFactory()

    login_as(page, coach)
    page.goto("/admin/programs/intake/?red_flags=emergency")
    page.get_by_role("checkbox", name=re.compile("Select this object")).first.check()
    page.get_by_role("combobox", name=re.compile("Action")).select_option("lift_emergency_block")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Lift an emergency block")).to_be_visible()
    screenshot(page, "admin-lift-emergency-block")
    # The note and the confirmation are both required (the server refuses too: integration).
    expect(page.get_by_label("Coach's note")).to_have_attribute("required", "")
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Lift the block").click()
    expect(page.get_by_role("heading", name="Lift an emergency block")).to_be_visible()
    assert not EmergencyLift.objects.exists()
    page.get_by_label("Coach's note").fill("Seen at urgent care on Monday: no nerve compression.")
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Lift the block").click()
    expect(page.get_by_text("Emergency block lifted")).to_be_visible()
    assert EmergencyLift.objects.get(member=member).coach == coach

    # The member is sent back through the safety questions before any plan.
    login_as(page, member)
    page.goto("/today/")
    expect(page).to_have_url(re.compile(r"/programme/intake/\?step=screen"))
    expect(page.get_by_text("A coach has lifted the pause")).to_be_visible()
    axe_check(page)
    answer_safety_screen(page)
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", name=re.compile("Your session|Rest day"))).to_be_visible()


def test_paused_for_pain_member_records_a_clearance_and_restarts(
    page, login_as, axe_check, screenshot
):
    from django.utils import timezone

    from programs.models import Enrolment
    from tests.factories.programs import enrol

    member = MemberFactory()
    enrol(member)
    Enrolment.objects.filter(member=member).update(status="paused_for_pain")
    login_as(page, member)
    page.goto("/today/")
    heading = "Your programme is paused until a clinician has checked your back"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name=re.compile("Start session"))).to_have_count(0)
    axe_check(page)
    screenshot(page, "paused-for-pain")
    page.get_by_role("link", name="Record your clearance").click()
    page.get_by_label(re.compile("A doctor, physiotherapist")).check()
    page.get_by_label("Date you were cleared").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="I have been cleared").click()
    page.goto("/today/")
    expect(page.get_by_role("heading", name=re.compile("Your session|Rest day"))).to_be_visible()
