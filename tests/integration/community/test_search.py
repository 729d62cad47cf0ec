import pytest

from community import selectors, services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def posts(category, coach, later):
    thread = services.thread_create(
        author=coach,
        category=category,
        title="Morning routine",
        body="Gentle stretching helps me every day.",
    )
    later()
    services.post_create(
        author=coach, thread=thread, body="I <b>love</b> walking <script>x</script>"
    )
    return thread


def test_search_finds_text_and_escapes_snippets(client, member, posts):
    client.force_login(member)
    response = client.get("/community/search/?q=walking")
    assert response.status_code == 200
    assert b"<mark>walking</mark>" in response.content.lower() or b"<mark>" in response.content
    assert b"<script>x</script>" not in response.content
    assert b"<b>love</b>" not in response.content


def test_search_hides_hidden_and_pending_posts(member, coach, posts):
    post = posts.posts.order_by("created_at").last()
    services.post_hide(coach=coach, post=post, reason="test")
    assert list(selectors.search_posts(query="walking", user=member, page=1)) == []


def test_empty_query_shows_nothing(member, posts):
    assert list(selectors.search_posts(query="  ", user=member, page=1)) == []


@pytest.mark.postgres
def test_postgres_search_finds_stemmed_word_with_highlight(member, posts):
    results = list(selectors.search_posts(query="stretches", user=member, page=1))
    assert [p.thread_id for p in results] == [posts.pk]
    assert "<mark>stretching</mark>" in results[0].snippet.lower()


@pytest.mark.postgres
def test_postgres_search_ranks_title_matches_first(category, member, posts, later):
    other = MemberFactory()
    services.thread_create(
        author=other, category=category, title="Walking plans", body="Walking, walking."
    )
    results = list(selectors.search_posts(query="walk", user=member, page=1))
    assert results[0].thread.title == "Walking plans"


def test_the_count_is_capped_and_the_page_says_so(client, member, posts, monkeypatch, later):
    from community import selectors as forum

    monkeypatch.setattr(forum, "SEARCH_COUNT_CAP", 1)
    for n in range(3):
        later()
        services.post_create(author=member, thread=posts, body=f"More walking, day {n}.")
    page = forum.search_posts(query="walking", user=member, page=1)
    assert page.paginator.count == 2 and page.paginator.capped  # counted no further than cap + 1
    client.force_login(member)
    assert b"More than 1 posts match" in client.get("/community/search/?q=walking").content


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(member, posts):
    from django.db import connection

    page = selectors.search_posts(query="walking", user=member, page=1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned anyway
        plan = page.paginator.object_list.explain()
        count_plan = page.paginator._count_from.explain()
    assert "community_post_search" in plan
    assert "community_post_search" in count_plan
    assert "to_tsvector" not in plan  # the stored vector is read, never recomputed per row


@pytest.mark.postgres
def test_postgres_search_follows_edits_and_retitled_threads(coach, member, posts):
    post = posts.posts.order_by("created_at").last()
    services.post_edit(editor=coach, post=post, body="Swimming instead today.")
    assert [p.pk for p in selectors.search_posts(query="swimming", user=member, page=1)] == [
        post.pk
    ]
    posts.title = "Evening routine"
    posts.save(update_fields=["title"])
    found = list(selectors.search_posts(query="evening", user=member, page=1))
    assert {p.thread_id for p in found} == {posts.pk} and len(found) == posts.posts.count()
