from datetime import timedelta

import pytest
from django.utils import timezone

from community import selectors, services
from community.models import ThreadRead
from tests.factories import MemberFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_new_since_last_visit_marker(client, member, category, thread_with):
    thread = thread_with(2)
    client.force_login(member)
    first = client.get(thread.get_absolute_url())
    assert b"New since your last visit" not in first.content  # first visit: nothing marked
    read = ThreadRead.objects.get(member=member, thread=thread)
    assert read.last_read_at == thread.last_post_at
    # someone replies after the visit
    later_post = PostFactory(thread=thread, created_at=timezone.now() + timedelta(minutes=1))
    thread.last_post_at, thread.last_post = later_post.created_at, later_post
    thread.save()
    listing = client.get(category.get_absolute_url())
    assert b'badge-green">New<' in listing.content
    page = client.get(thread.get_absolute_url())
    assert page.content.count(b"New since your last visit") == 1
    assert f'id="post-{later_post.pk}"'.encode() in page.content
    # and then it's read
    again = client.get(thread.get_absolute_url())
    assert b"New since your last visit" not in again.content


def test_threads_latest_activity_first_pinned_on_top(member, category, thread_with):
    old_pinned = thread_with(1, is_pinned=True)
    a = thread_with(1)
    b = thread_with(1)
    now = timezone.now()
    for thread, age in ((old_pinned, 50), (a, 10), (b, 5)):
        thread.last_post_at = now - timedelta(minutes=age)
        thread.save()
    page = selectors.thread_list(category=category, user=member, page=1)
    assert [t.pk for t in page] == [old_pinned.pk, b.pk, a.pk]


def test_threads_paginate_twenty_a_page(member, category, thread_with):
    for _ in range(21):
        thread_with(1)
    page = selectors.thread_list(category=category, user=member, page=2)
    assert page.paginator.num_pages == 2 and len(page.object_list) == 1


def test_pending_and_hidden_are_invisible_to_other_members(approval_category, coach):
    newbie = MemberFactory()
    thread = services.thread_create(author=newbie, category=approval_category, title="Hi", body="x")
    other = MemberFactory()
    assert selectors.thread_get(thread_id=thread.pk, user=other) is None
    assert selectors.thread_get(thread_id=thread.pk, user=newbie) is not None
    assert selectors.thread_get(thread_id=thread.pk, user=coach) is not None
    services.post_approve(coach=coach, post=thread.posts.get())
    assert selectors.thread_get(thread_id=thread.pk, user=other) is not None
    services.thread_hide(coach=coach, thread=thread, reason="Duplicate")
    assert selectors.thread_get(thread_id=thread.pk, user=other) is None
    assert selectors.thread_get(thread_id=thread.pk, user=coach) is not None


def test_quote_reply_prefills_the_quoted_post(client, member, thread_with):
    thread = thread_with(1)
    post = thread.posts.get()
    client.force_login(member)
    response = client.get(f"/community/t/{thread.pk}/reply/?quote={post.pk}")
    assert response.status_code == 200
    assert f"&gt; **{post.author_name}** wrote:".encode() in response.content


def test_edited_marker_for_everyone_history_for_coaches(client, member, coach, category, seasoned):
    thread = services.thread_create(author=seasoned, category=category, title="T", body="before")
    post = thread.posts.get()
    services.post_edit(editor=seasoned, post=post, body="after")
    client.force_login(member)
    page = client.get(thread.get_absolute_url())
    assert b"edited" in page.content and b"/revisions/" not in page.content
    assert client.get(f"/community/p/{post.pk}/revisions/").status_code == 403
    client.force_login(coach)
    page = client.get(thread.get_absolute_url())
    assert f"/community/p/{post.pk}/revisions/".encode() in page.content
    history = client.get(f"/community/p/{post.pk}/revisions/")
    assert b"before" in history.content


@pytest.mark.parametrize("moderator", [False, True])
def test_every_thread_page_read_from_either_end_is_the_paginators_page(
    member, coach, thread_with, moderator
):
    """Pages past the middle are read from the end (selectors._prepared_page): each page holds
    the same posts in the same order as Django's Paginator over the visible posts, also where
    posts share a created_at (the id breaks the tie), with the member's own pending posts and
    without another member's."""
    from django.core.paginator import Paginator

    viewer = coach if moderator else member
    thread = thread_with(47)
    same_moment = thread.posts.order_by("created_at").values_list("created_at", flat=True)[30]
    for author, approved in ((member, False), (MemberFactory(), False), (member, True)):
        PostFactory(thread=thread, author=author, is_approved=approved, created_at=same_moment)
    expected = Paginator(
        selectors.visible_posts(user=viewer).filter(thread=thread).order_by("created_at", "pk"),
        selectors.POSTS_PER_PAGE,
    )
    assert expected.count == (50 if moderator else 49)
    counted = selectors.thread_get(thread_id=thread.pk, user=viewer, count_posts=True)
    assert counted.listed_posts == expected.count  # the page's count, read with the thread
    for number in ["1", "2", "3", "x", "99"]:
        for item in (thread, counted):
            page = selectors.thread_posts(thread=item, user=viewer, page=number)
            wanted = expected.get_page(number)
            assert page.number == wanted.number and page.paginator.count == expected.count
            assert [post.pk for post in page] == [post.pk for post in wanted]


def test_every_category_page_read_from_either_end_is_the_paginators_page(
    member, category, thread_with
):
    from django.core.paginator import Paginator

    now = timezone.now()
    for i in range(45):
        thread = thread_with(1, is_pinned=i % 10 == 0)
        thread.last_post_at = now - timedelta(minutes=i // 3)  # threes share a moment
        thread.save()
    expected = Paginator(
        selectors.visible_threads(user=member)
        .filter(category=category)
        .order_by("-is_pinned", "-last_post_at", "-pk"),
        selectors.THREADS_PER_PAGE,
    )
    for number in [1, 2, 3]:
        page = selectors.thread_list(category=category, user=member, page=number)
        assert [t.pk for t in page] == [t.pk for t in expected.page(number)]


@pytest.mark.parametrize("moderator", [False, True])
def test_the_category_page_counts_the_threads_its_viewer_may_open(
    member, coach, category, thread_with, moderator
):
    """`category_page` counts the threads in the same read as the category (and its watch):
    the member's own pending thread counts, another's pending or hidden thread does not (a
    coach counts them all), and the pages are the Paginator's."""
    from django.core.paginator import Paginator

    from community.models import CategoryWatch

    viewer = coach if moderator else member
    for _ in range(21):
        thread_with(1)
    thread_with(1, is_approved=False, author=member)
    thread_with(1, is_approved=False)
    thread_with(1, is_hidden=True)
    found = selectors.category_page(slug=category.slug, user=viewer)
    assert found.listed_threads == (24 if moderator else 22) and found.is_watching is False
    expected = Paginator(
        selectors.visible_threads(user=viewer)
        .filter(category=category)
        .order_by("-is_pinned", "-last_post_at", "-pk"),
        selectors.THREADS_PER_PAGE,
    )
    for number in [1, 2]:
        page = selectors.thread_list(category=found, user=viewer, page=number)
        assert page.paginator.count == expected.count
        assert [t.pk for t in page] == [t.pk for t in expected.page(number)]
    CategoryWatch.objects.create(category=category, member=viewer)
    assert selectors.category_page(slug=category.slug, user=viewer).is_watching is True
    assert selectors.category_page(slug="no-such-category", user=viewer) is None
