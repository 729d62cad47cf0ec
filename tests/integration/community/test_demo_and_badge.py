import io

import pytest
from django.urls import reverse

from backcore import demo as backcore_demo
from community import demo
from community.models import Post, Thread
from community.services import posting

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_visible():
    users = backcore_demo.seed(io.StringIO())
    demo.seed(stdout=io.StringIO(), users=users)
    counts = (Thread.objects.count(), Post.objects.count())
    demo.seed(stdout=io.StringIO(), users=users)
    assert (Thread.objects.count(), Post.objects.count()) == counts == (3, 6)
    assert not Thread.objects.filter(is_approved=False).exists()
    assert Thread.objects.filter(is_pinned=True).count() == 1


def test_demo_categories_say_the_same_age_as_their_latest_post():
    from community.models import Category

    demo.seed(stdout=io.StringIO(), users=backcore_demo.seed(io.StringIO()))
    categories = Category.objects.exclude(last_post=None).select_related("last_post")
    assert categories
    for category in categories:
        assert category.last_post_at == category.last_post.created_at


def test_badge_option_appears_only_when_programs_provides_it(
    client, member, seasoned, category, monkeypatch
):
    url = reverse("community:thread_new", args=[category.slug])
    client.force_login(seasoned)
    monkeypatch.setattr(posting, "checkin_badge_provider", lambda: None)
    assert b"attach_badge" not in client.get(url).content

    def badge(*, user):
        return {"streak_days": 12, "phase_name": "Build"}

    monkeypatch.setattr(posting, "checkin_badge_provider", lambda: badge)
    assert b"attach_badge" in client.get(url).content
    client.post(url, {"title": "Twelve days", "body": "Feeling good", "attach_badge": "on"})
    thread = Thread.objects.get(title="Twelve days")
    page = client.get(thread.get_absolute_url())
    assert b"12-day streak" in page.content and b"Build" in page.content


def test_typed_badge_values_are_ignored(client, seasoned, category, monkeypatch):
    monkeypatch.setattr(posting, "checkin_badge_provider", lambda: lambda *, user: None)
    client.force_login(seasoned)
    client.post(
        reverse("community:thread_new", args=[category.slug]),
        {"title": "Fake", "body": "x", "attach_badge": "on", "badge_streak_days": "999"},
    )
    assert Post.objects.get(thread__title="Fake").badge_streak_days is None
