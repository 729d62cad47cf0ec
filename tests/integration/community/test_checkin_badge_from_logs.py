"""The check-in badge comes from the member's real programme logs, never from what they type."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Category
from community.services import thread_create
from programs.selectors import checkin_badge
from programs.selectors.sessions import member_today
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db


def done_session(member, day):
    """A finished session with its exercises done (a session with fewer than half done
    neither adds to the streak nor breaks it)."""
    session = session_with_items(member=member, day=day, status="completed")
    session.items.update(completed_at=timezone.now())


def test_no_badge_before_enrolment(member):
    assert checkin_badge(user=member) is None


def test_streak_counts_completed_days_back_from_today(member):
    enrol(member)
    today = member_today(member)
    for days_ago in (1, 2, 3):
        done_session(member, today - timedelta(days=days_ago))
    # A gap four days ago ends the streak; an older session does not count.
    done_session(member, today - timedelta(days=6))
    assert checkin_badge(user=member) == {"streak_days": 3, "phase_name": "Reconnect"}


def test_post_with_badge_snapshots_the_real_streak(member):
    enrol(member)
    today = member_today(member)
    for days_ago in (0, 1):
        done_session(member, today - timedelta(days=days_ago))
    category = Category.objects.get(slug="progress-and-wins")
    thread = thread_create(
        author=member, category=category, title="Two days in", body="Feeling ok", attach_badge=True
    )
    post = thread.posts.get()
    assert (post.badge_streak_days, post.badge_phase_name) == (2, "Reconnect")
