"""Every forum page runs a constant number of queries, whatever the number of rows."""

import pytest
from django.urls import reverse

from community import services
from tests.factories import CategoryFactory, MemberFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db

# Fixed costs: session, and the user with their membership, coach group, header profile and
# bell count in one read (backcore.accounts.selectors.member_context).
CATEGORY_LIST_QUERIES = 3
THREAD_LIST_QUERIES = 4  # the category, its watch and its count in one read
# + the thread (counting its posts), its page of posts with their reactions counted in the
# same read (reactions were one more query) and the read marker's upsert
THREAD_PAGE_QUERIES = 5


def _thread_page_queries() -> int:
    """PostgreSQL counts a page's reactions in its posts' read; elsewhere it is one more query."""
    from django.db import connection

    return THREAD_PAGE_QUERIES + (connection.vendor != "postgresql")


@pytest.mark.parametrize("rows", [1, 50])
def test_category_list_query_count(client, member, rows, django_assert_num_queries):
    for _ in range(rows):
        category = CategoryFactory()
        thread = ThreadFactory(category=category)
        post = PostFactory(thread=thread, is_opening=True)
        category.last_post = post
        category.last_post_at = post.created_at
        category.save()
    client.force_login(member)
    with django_assert_num_queries(CATEGORY_LIST_QUERIES):
        response = client.get("/community/")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_thread_list_query_count(client, member, category, rows, django_assert_num_queries):
    for i in range(rows):
        thread = ThreadFactory(category=category, is_pinned=i == 0)
        post = PostFactory(thread=thread, is_opening=True)
        thread.last_post = post
        thread.save()
        services.thread_mark_read(member=member, thread=thread)
    client.force_login(member)
    with django_assert_num_queries(THREAD_LIST_QUERIES):
        response = client.get(category.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_thread_page_query_count(client, member, thread_with, rows, django_assert_num_queries):
    thread = thread_with(rows)
    reactor = MemberFactory()
    for post in thread.posts.all():
        services.reaction_toggle(member=reactor, post=post, kind="cheer")
    client.force_login(member)
    url = thread.get_absolute_url() + ("?page=3" if rows == 50 else "")
    with django_assert_num_queries(_thread_page_queries()):
        response = client.get(url)
    assert response.status_code == 200
    # the read marker is stored (one upsert) on the last page; once caught up, no write at all
    with django_assert_num_queries(_thread_page_queries() - 1):
        assert client.get(url).status_code == 200


# Fixed costs (session; user with header profile and bell count) + each list's count and page.
MODERATION_QUERIES = 6


@pytest.mark.parametrize("rows", [1, 30])
def test_coach_sees_moderation_queue_in_constant_queries(
    client, coach, thread_with, rows, django_assert_num_queries
):
    thread = thread_with(rows)
    for post in thread.posts.all():
        services.report_create(reporter=MemberFactory(), post=post, reason="please look")
    waiting = ThreadFactory()
    for _ in range(rows):
        PostFactory(thread=waiting, is_approved=False)
    client.force_login(coach)
    for page, shown in (("", min(rows, 25)), ("?reports_page=2&pending_page=2", rows % 25)):
        with django_assert_num_queries(MODERATION_QUERIES):
            response = client.get(reverse("community:moderation") + page)
        assert response.status_code == 200
        assert response.content.count(b"please look") == shown


def test_a_later_thread_page_counts_reactions_of_its_own_posts(client, member, thread_with):
    thread = thread_with(45)
    posts = list(thread.posts.order_by("created_at", "pk"))
    services.reaction_toggle(member=member, post=posts[40], kind="thanks")
    services.reaction_toggle(member=MemberFactory(), post=posts[40], kind="thanks")
    services.reaction_toggle(member=MemberFactory(), post=posts[0], kind="cheer")
    client.force_login(member)
    page = client.get(thread.get_absolute_url() + "?page=3").context["page_obj"]
    shown = {post.pk: post for post in page.object_list}
    assert posts[0].pk not in shown
    assert shown[posts[40].pk].n_thanks == 2 and shown[posts[40].pk].mine_thanks == 1
    assert shown[posts[41].pk].n_thanks == 0 and shown[posts[41].pk].n_cheer == 0
