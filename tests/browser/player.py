"""Driving the session player with the keyboard alone (Tab, Enter, Space) and a fake clock.

The page must have called ``page.clock.install()`` before the player loaded: the player's
timers then only move when the test runs the clock, so a 30-second hold takes no real time.
"""

import re

from playwright.sync_api import Page, expect

from tests.browser.flows import tab_to

SLACK_MS = 400  # a couple of the player's 200 ms ticks past the end


def _player_data(page: Page) -> dict:
    root = page.locator("[data-player]")
    return {
        "mode": root.get_attribute("data-mode"),
        "hold": int(root.get_attribute("data-hold") or 0),
        "reps": int(root.get_attribute("data-reps") or 0),
        "sets": int(root.get_attribute("data-sets") or 1),
        "per_side": root.get_attribute("data-per-side") == "1",
        "rest": int(root.get_attribute("data-rest") or 0),
    }


def _do_hold(page: Page, hold: int) -> None:
    clock_face = page.locator(".player-clock")
    tab_to(page, "Start")
    page.keyboard.press("Space")
    expect(page.locator("[data-player]")).to_have_attribute("data-phase", "running")
    # Half-way, the countdown shows the remaining time: the fake clock drives it.
    page.clock.run_for(hold * 500)
    minutes, seconds = clock_face.inner_text().split(":")
    shown = int(minutes) * 60 + int(seconds)
    assert abs(shown - hold / 2) <= 1, f"{hold} s hold shows {shown} s left half-way"
    page.clock.run_for(hold * 500 + SLACK_MS)


def _do_reps(page: Page, target: int) -> None:
    tab_to(page, "+1 rep")
    for _ in range(max(1, target)):
        page.keyboard.press("Enter")
    expect(page.locator(".player-clock")).to_have_text(f"{max(1, target)} / {target}")
    tab_to(page, "Set done")
    page.keyboard.press("Space")


def _do_exercise(page: Page) -> None:
    data = _player_data(page)
    status = page.locator(".player-status")
    expect(page.get_by_role("button", name="Skip rest")).to_be_hidden()  # not resting yet
    for set_number in range(1, data["sets"] + 1):
        for _side in range(2 if data["per_side"] else 1):
            if data["mode"] == "hold":
                _do_hold(page, data["hold"])
            else:
                _do_reps(page, data["reps"])
        if set_number < data["sets"] and data["rest"]:
            expect(status).to_have_text(re.compile(r"^Rest before set"))
            page.clock.run_for(data["rest"] * 1000 + SLACK_MS)
    sets = data["sets"]
    expect(status).to_have_text(f"All {sets} set{'s' if sets != 1 else ''} done")
    expect(page.get_by_role("status").filter(has_text="Exercise complete")).to_have_count(1)


def finish_session_by_keyboard(page: Page, *, axe_check=None, max_items: int = 8) -> int:
    """Do every exercise in the player; returns how many were saved."""
    count = page.locator(".player-count")
    for saved in range(max_items):
        if page.get_by_role("heading", name="All exercises saved").is_visible():
            return saved
        expect(count).to_have_text(re.compile(r"^Exercise \d+ of \d+$"))
        before = count.inner_text()
        _do_exercise(page)
        if axe_check and saved == 0:
            axe_check(page)  # the timer's own controls, once they are built
        tab_to(page, "Done — save and continue")
        page.keyboard.press("Enter")
        expect(count).not_to_have_text(before)
        expect(page.get_by_role("heading", level=2).first).to_be_focused()
    raise AssertionError(f"the player still had exercises after {max_items}")
