from datetime import timedelta

import pytest
from django.utils import timezone

from community import services
from community.models import Category
from tests.factories import CategoryFactory, MemberFactory, PostFactory, ThreadFactory


@pytest.fixture
def category(db):
    return CategoryFactory()


@pytest.fixture
def approval_category(db):
    return CategoryFactory(new_member_posts_need_approval=True)


@pytest.fixture
def coaches_category(db):
    return CategoryFactory(who_can_start=Category.Starters.COACHES)


@pytest.fixture
def seasoned(db):
    """A member past the approval stage (three approved posts)."""
    person = MemberFactory()
    PostFactory.create_batch(3, author=person, created_at=timezone.now() - timedelta(days=3))
    return person


@pytest.fixture
def later():
    """Move the clock on between posts so flood control doesn't trip in tests about other things."""
    import time_machine

    travellers = []

    def _later(seconds: int = 60):
        base = travellers[-1].target if travellers else timezone.now()
        if travellers:
            travellers[-1].stop()
        t = time_machine.travel(base + timedelta(seconds=seconds), tick=False)
        t.start()
        t.target = base + timedelta(seconds=seconds)
        travellers.append(t)

    yield _later
    if travellers:
        travellers[-1].stop()


@pytest.fixture
def thread_with(db, category):
    """A thread in `category` with n posts (the opening post included), counters in step."""

    def make(n: int, **thread_kwargs):
        start = timezone.now() - timedelta(hours=2)
        thread = ThreadFactory(category=category, **thread_kwargs)
        last = None
        for i in range(n):
            last = PostFactory(
                thread=thread, is_opening=i == 0, created_at=start + timedelta(seconds=i)
            )
        thread.reply_count = max(n - 1, 0)
        thread.last_post = last
        thread.last_post_at = last.created_at if last else start
        thread.save()
        return thread

    return make


def post_reply(*, author, thread, body="A reply", **kwargs):
    return services.post_create(author=author, thread=thread, body=body, **kwargs)
