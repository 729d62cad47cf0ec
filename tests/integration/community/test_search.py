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
