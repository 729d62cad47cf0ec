"""Every member and coach page fits the screen: no horizontal overflow at 390 px (a phone)
or 1280 px (a laptop), and chart labels on Progress are readable on a phone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from programs.models import Enrolment, PlannedItem, PlannedSession
from programs.services import plan_day
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
MEMBER_PAGES = [
    "/",
    "/today/",
    "/programme/",
    "/progress/",
    "/today/session/",
    "/sessions/log-late/",
    "/learn/",
    "/exercises/",
    "/community/",
    "/account/profile/",
    "/account/data/",
    "/account/reminders/",
    "/account/messages/",
    "/account/contributions/",
    "/community/notifications/settings/",
]


def member_with_history():
    member = MemberFactory()
    today = timezone.localdate()
    started = today - timedelta(days=16)
    enrol(member, today=started)
    Enrolment.objects.filter(member=member).update(
        created_at=datetime.combine(started, datetime.min.time(), tzinfo=UTC)
    )
    for back in range(16, 0, -1):
        day = today - timedelta(days=back)
        session = plan_day(member=member, day=day)
        PlannedItem.objects.filter(session=session).update(
            completed_at=timezone.now(), actual_seconds=20, actual_reps=8, actual_sets=2
        )
        PlannedSession.objects.filter(pk=session.pk).update(
            status="completed", pain_during=back % 4, effort=5, morning_pain=1
        )
    return member


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_member_pages_never_scroll_sideways(new_page, login_as):
    member = member_with_history()
    problems = []
    for viewport in (PHONE, LAPTOP):
        page = new_page(viewport=viewport)
        login_as(page, member)
        for url in MEMBER_PAGES:
            response = page.goto(url)
            assert response is not None and response.status < 400, (url, response.status)
            extra = overflow(page)
            if extra > 0:
                problems.append(f"{url} at {viewport['width']} px: {extra} px too wide")
    assert problems == []


def test_chart_labels_are_readable_on_a_phone(new_page, login_as):
    member = member_with_history()
    page = new_page(viewport=PHONE)
    login_as(page, member)
    page.goto("/progress/")
    heights = page.evaluate(
        """() => [...document.querySelectorAll('.chart-svg .chart-xlabel, .chart-svg .chart-tick')]
            .filter(el => getComputedStyle(el).display !== 'none')
            .map(el => el.getBoundingClientRect().height)"""
    )
    assert heights, "the progress page shows charts"
    assert min(heights) >= 10, heights


def test_coach_pages_never_scroll_sideways(new_page, login_as, axe_check):
    from programs.services.coach_alerts import coach_alert_raise
    from tests.factories import CoachFactory

    member = member_with_history()
    alert = coach_alert_raise(
        member=member,
        cause="session_pain",
        detail="Sharp pain 7/10 during today's session, with a long detail that has to wrap "
        "on a phone instead of pushing the page sideways: " + "pain " * 20,
    )
    coach = CoachFactory()
    pages = [
        "/coach/",
        "/coach/?show=all",
        f"/coach/alerts/{alert.pk}/",
        f"/coach/members/{member.pk}/",
        "/admin/",
    ]
    problems = []
    for viewport in (PHONE, LAPTOP):
        page = new_page(viewport=viewport)
        login_as(page, coach)
        for url in pages:
            response = page.goto(url)
            assert response is not None and response.status < 400, (url, response.status)
            extra = overflow(page)
            if extra > 0:
                problems.append(f"{url} at {viewport['width']} px: {extra} px too wide")
            if viewport is PHONE:
                axe_check(page)
    assert problems == []
