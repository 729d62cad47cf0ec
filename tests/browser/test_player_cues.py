"""The session player's cues on a fake clock: countdown, "10 seconds left", per-side switch,
pause and resume, rest between sets, and the form filled in for saving. Plus axe on the
progress, reminders and data pages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import PlannedItem, PlannedSession
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db(transaction=True)


def todays_session(member, **fields):
    """An enrolled member (the safety gate opens the player only after a clear screen and an
    intake) whose session today is exactly the given items, pain before already answered."""
    enrol(member)
    today = timezone.localdate()
    PlannedSession.objects.filter(member=member, date=today).delete()
    return session_with_items(member=member, day=today, pain_before=1, **fields)


def live_text(page) -> str:
    return page.locator("[data-player] [aria-live]").inner_text()


def test_hold_per_side_with_rest(page, member, login_as, axe_check):
    session = todays_session(member, holds=(15,), reps=())
    PlannedItem.objects.filter(session=session).update(sets=2, per_side=True, rest_seconds=20)
    login_as(page, member)
    page.clock.install()
    page.goto("/today/session/")
    player = page.locator("[data-player]")
    clock = page.locator(".player-clock")
    status = page.locator(".player-status")
    expect(player).to_be_visible()
    expect(status).to_have_text("Set 1 of 2 · first side")
    axe_check(page)

    page.get_by_role("button", name="Start").click()
    expect(player).to_have_attribute("data-phase", "running")
    page.clock.run_for(4_000)
    expect(clock).to_have_text("0:11")
    page.clock.run_for(1_500)
    expect(page.locator("[data-player] [aria-live]")).to_have_text("10 seconds left")

    # Pause holds the time; Resume carries on from there.
    page.get_by_role("button", name="Pause").click()
    shown = clock.inner_text()
    page.clock.run_for(5_000)
    expect(clock).to_have_text(shown)
    page.get_by_role("button", name="Resume").click()
    # The hold ends ~9.6 s after Resume and the flash lasts 1.2 s; the clock also flows in
    # real time after run_for, so stop well inside the flash to check it.
    page.clock.run_for(10_000)
    expect(page.locator("[data-player] [aria-live]")).to_have_text("Hold complete — switch sides")
    expect(status).to_have_text("Set 1 of 2 · second side")
    expect(player).to_have_class(re.compile(r"is-flash"))

    page.get_by_role("button", name="Start").click()
    page.clock.run_for(15_500)
    expect(status).to_have_text("Rest before set 2 of 2")
    expect(page.get_by_role("button", name="Skip rest")).to_be_visible()
    expect(page.locator("#actual_sets")).to_have_value("1")  # the form follows along
    page.clock.run_for(20_500)
    expect(status).to_have_text("Set 2 of 2 · first side")
    for _side in range(2):
        page.get_by_role("button", name="Start").click()
        page.clock.run_for(15_500)
    expect(status).to_have_text("All 2 sets done")
    expect(page.locator("[data-player] [aria-live]")).to_have_text(re.compile("Exercise complete"))
    expect(page.locator("#actual_seconds")).to_have_value("15")
    expect(page.locator("#actual_sets")).to_have_value("2")
    expect(page.locator("#sides_done")).to_have_value("2")

    page.get_by_role("button", name="Done — save and continue").click()
    expect(page.get_by_role("heading", name="All exercises saved")).to_be_visible()
    item = PlannedItem.objects.get(session=session)
    assert (item.actual_seconds, item.actual_sets, item.sides_done, item.target_met) == (
        15,
        2,
        2,
        True,
    )


def test_bad_value_shows_message_in_place(page, member, login_as):
    todays_session(member, holds=(20,), reps=())
    login_as(page, member)
    page.goto("/today/session/")
    page.locator("#actual_seconds").evaluate("el => { el.removeAttribute('max'); }")
    page.locator("#actual_seconds").fill("601")
    page.get_by_role("button", name="Done — save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Hold time can be at most 600 seconds.")


def test_progress_reminders_and_data_pages_pass_axe(page, member, login_as, axe_check):
    today = timezone.localdate()
    for back in range(1, 4):
        session_with_items(
            member=member,
            day=today - timedelta(days=7 * back),
            holds=(20 + back,),
            reps=(8,),
            status="completed",
            pain_during=back + 1,
            effort=5,
        )
    PlannedItem.objects.filter(session__member=member).update(
        actual_seconds=20, actual_sets=1, completed_at=timezone.now()
    )
    PlannedItem.objects.filter(session__member=member, hold_seconds__isnull=True).update(
        actual_seconds=None, actual_reps=8
    )
    login_as(page, member)
    for url, heading in (
        ("/progress/", "Your progress"),
        ("/account/reminders/", "Reminders and calendar"),
        ("/account/data/", "Your data"),
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)
    page.goto("/progress/")
    expect(page.get_by_role("img", name=re.compile("Pain during sessions"))).to_be_visible()
