"""Journey 5: a coach lowers a phase's weekly cap and changes an exercise's dose in admin; the
member's next plan reflects both."""

import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from exercises.models import Exercise
from programs.models import MemberDose, Phase, PlannedItem, PlannedSession
from programs.services import plan_day, progression_run_week
from tests.factories import CoachFactory, MemberFactory
from tests.factories.programs import enrol

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _member_with_a_green_week(monday):
    """Enrolled on `monday` a week ago, every day trained and green."""
    member = MemberFactory()
    enrol(member, today=monday)
    for offset in range(7):
        plan_day(member=member, day=monday + timedelta(days=offset))
    PlannedSession.objects.filter(member=member).update(
        status="completed", pain_during=1, sharp_pain=False, effort=4, morning_pain=1
    )
    # Each exercise logged in full, as the player saves it.
    PlannedItem.objects.filter(session__member=member).update(
        actual_seconds=F("hold_seconds"),
        actual_reps=F("reps"),
        actual_sets=F("sets"),
        target_met=True,
        completed_at=timezone.now(),
    )
    PlannedItem.objects.filter(session__member=member, per_side=True).update(sides_done=2)
    return member


def _plan_item(page, exercise_name):
    return page.locator(".plan-item").filter(
        has=page.get_by_role("heading", name=re.compile(re.escape(exercise_name)))
    )


def test_lower_cap_and_change_dose_show_in_next_plan(
    page, new_page, login_as, axe_check, screenshot
):
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    # Reconnect runs at a 10 % weekly cap until the coach lowers it.
    Phase.objects.filter(slug="reconnect").update(weekly_cap_percent=10)
    member = _member_with_a_green_week(last_monday)
    knee = Exercise.objects.get(slug="single-knee-to-chest")  # 20 s × 2 per side, from the seed
    superman = Exercise.objects.get(slug="half-superman-hold")  # 5 s × 3 sets, from the seed
    assert MemberDose.objects.get(member=member, exercise=knee).hold_seconds == 20
    assert MemberDose.objects.get(member=member, exercise=superman).sets == 3

    # The coach works in Django admin.
    coach = CoachFactory()
    login_as(page, coach)
    page.goto("/admin/")
    axe_check(page)
    page.get_by_role("link", name="Phases").click()
    expect(page.get_by_role("link", name="Reconnect")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Reconnect").click()
    expect(page.get_by_role("heading", name=re.compile("Change phase"))).to_be_visible()
    axe_check(page)
    screenshot(page, "admin-phase")
    page.get_by_label("Weekly cap percent").fill("5")
    row = (
        page.locator(".inline-related")
        .filter(
            has=page.locator(f"select[name$='-exercise'] option[value='{superman.pk}'][selected]")
        )
        .filter(has=page.locator("select[name$='-track'] option[value='general'][selected]"))
    )
    expect(row).to_have_count(1)
    row.get_by_label("Start sets").fill("2")
    row.get_by_label("Ceiling sets").fill("2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    axe_check(page)
    phase = Phase.objects.get(slug="reconnect")
    assert phase.weekly_cap_percent == 5
    assert phase.pool_entries.get(track="general", exercise=superman).ceiling_sets == 2

    # The weekly progression runs (as beat does on Monday), then the member opens today's plan.
    result = progression_run_week(week_start=last_monday)
    assert result.members_reviewed == 1
    member_page = new_page()
    login_as(member_page, member)
    member_page.goto("/today/")
    expect(member_page.get_by_role("heading", name="Your session")).to_be_visible()
    axe_check(member_page)

    # The cap: 20 s grows by at most 5 % → 21 s (the old 10 % cap would have given 22 s).
    knee_item = _plan_item(member_page, knee.name)
    expect(knee_item).to_contain_text("21 s hold × 2 sets each side")
    expect(knee_item).to_contain_text("Up to 21 s × 2 sets per side (from 20 s × 2 sets per side)")
    # The dose: the coach's new ceiling of 2 sets brings 3 sets down to 2.
    expect(_plan_item(member_page, superman.name)).to_contain_text("5 s hold × 2 sets")
    for label in member_page.locator(".plan-item strong").all_inner_texts():
        assert "22 s" not in label
