"""Phone first in the player: at 390 × 844 the timer is on the first screen, and the pain scale
and the player's buttons are large enough to tap (at least 44 px high)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import PlannedSession
from tests.browser.conftest import PHONE
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db(transaction=True)
MIN_TARGET = 44


def _heights(locator) -> list[float]:
    return [box["height"] for box in (el.bounding_box() for el in locator.all()) if box]


def test_pain_scale_and_player_fit_a_thumb_and_the_first_screen(new_page, member, login_as):
    enrol(member)
    page = new_page(viewport=PHONE)
    login_as(page, member)
    page.goto("/today/")
    assert PlannedSession.objects.filter(member=member, date=timezone.localdate()).exists()
    page.goto("/today/session/")
    # The one-tap pain question before the first exercise.
    scale = page.locator("form .scale-row label, form .pain-scale button, form .scale-row button")
    expect(scale.first).to_be_visible()
    assert min(_heights(scale)) >= MIN_TARGET
    scale.filter(has_text="2").first.click()
    timer = page.locator(".player-timer")
    expect(timer).to_be_visible()
    box = timer.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], "the timer starts on the first screen"
    buttons = page.locator("[data-player] button:visible")
    assert buttons.count() >= 1
    assert min(_heights(buttons)) >= MIN_TARGET
