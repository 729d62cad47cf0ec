"""One story across a member's pages: Programme, Progress and the player never contradict
Today (phase, week of phase, what opens the next phase, this week's finished sessions, doses)."""

import pytest
from django.utils import timezone

from programs.models import PlannedItem, PlannedSession
from programs.services import plan_day
from tests.browser.test_no_overflow import PHONE, member_with_history

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _phase_story(page) -> dict:
    story = page.locator(".phase-story")
    return {
        "heading": story.locator("#phase-heading").inner_text(),
        "week": story.locator(".phase-week").inner_text(),
        "summary": story.locator(".phase-summary").inner_text(),
        "progress": story.locator("#phase-progress-label").all_inner_texts(),
        "unlocks": story.locator(".phase-unlocks li").all_inner_texts(),
    }


def test_today_programme_progress_and_player_tell_one_story(new_page, login_as):
    member = member_with_history()
    today = timezone.localdate()
    # Today's session finished short (one exercise of several): every page must count it alike.
    session = plan_day(member=member, day=today)
    items = list(session.items.order_by("order"))
    assert len(items) > 2
    PlannedItem.objects.filter(pk=items[0].pk).update(
        completed_at=timezone.now(), actual_reps=items[0].reps, actual_seconds=items[0].hold_seconds
    )
    PlannedSession.objects.filter(pk=session.pk).update(
        status="completed", pain_during=1, effort=4, completed_at=timezone.now()
    )

    page = new_page(viewport=PHONE)
    login_as(page, member)
    page.goto("/today/")
    story = _phase_story(page)
    assert story["heading"].startswith("Phase ")
    names = page.locator(".plan-item h3 a").all_inner_texts()
    doses = dict(zip(names, page.locator(".plan-item strong").all_inner_texts(), strict=True))
    assert doses

    page.goto("/programme/")
    assert _phase_story(page) == story
    done_on_programme = page.locator(".week .badge-green").count()
    assert "Short session" in page.locator(".week [aria-current=date]").inner_text()

    page.goto("/progress/")
    assert _phase_story(page) == story
    this_week = page.locator(".streak").last
    done_on_progress = this_week.locator("li.is-done").count()
    assert this_week.locator("li.is-today.is-short").count() == 1
    assert done_on_programme == done_on_progress, (done_on_programme, done_on_progress)

    page.goto("/today/session/")
    name = page.locator("#player-heading").inner_text().replace("Warm-up", "").strip()
    assert page.locator(".player-dose").inner_text() == doses[name]
