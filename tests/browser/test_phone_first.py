"""Phone first: on a 390 × 844 screen the way into today's session is in the first screen."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programs.models import PlannedSession
from tests.browser.conftest import PHONE
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db(transaction=True)


def test_start_session_is_in_the_first_screen_on_a_phone(new_page, member, login_as, axe_check):
    enrol(member)
    page = new_page(viewport=PHONE)
    login_as(page, member)
    page.goto("/today/")
    session = PlannedSession.objects.get(member=member, date=timezone.localdate())
    assert session.items.count() >= 3  # a real plan, long enough to push a bottom button away
    start = page.get_by_role("link", name="Start session")
    expect(start).to_be_visible()
    box = start.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]
    axe_check(page)
