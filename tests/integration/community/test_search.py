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


@pytest.fixture
def forum_with_statistics(posts):
    """1,000 posts, "pain" in a third of them and "kayak" in two, and fresh planner statistics,
    so PostgreSQL plans as it would on a real forum."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from community.models import Post

    start = timezone.now() - timedelta(days=30)
    Post.objects.bulk_create(
        Post(
            thread=posts,
            author_name="bench",
            body=("Pain after the bridge" if n % 3 == 0 else "Slow steady walk")
            + (" and a kayak trip" if n in (7, 700) else "")
            + f", day {n}.",
            created_at=start + timedelta(minutes=n),
        )
        for n in range(1_000)
    )
    with connection.cursor() as cursor:
        # what autovacuum does on a live server: fold the GIN index's pending list in
        cursor.execute("SELECT gin_clean_pending_list('community_post_search')")
        cursor.execute("ANALYZE community_post")
        cursor.execute("ANALYZE community_thread")
    return posts


def _ranked_query_plan(member, query: str) -> str:
    """EXPLAIN of the query that ranks the matches (sequential scans off: 1,000 posts fit
    in a few pages, where a scan is cheapest)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        selectors.search_posts(query=query, user=member, page=1)
    ranked = [q["sql"] for q in ctx.captured_queries if "ts_rank" in q["sql"]]
    assert len(ranked) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + ranked[0])
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_postgres_search_finds_a_rare_word_by_the_gin_index(member, forum_with_statistics):
    plan = _ranked_query_plan(member, "kayak")
    assert "community_post_search" in plan, plan
    assert "to_tsvector" not in plan  # the stored vector is read, never recomputed per row
    page = selectors.search_posts(query="kayak", user=member, page=1)
    assert page.paginator.count == 2


@pytest.mark.postgres
def test_postgres_search_reads_a_common_word_newest_first(
    member, forum_with_statistics, monkeypatch
):
    # A word in far more posts than the cap: read newest first by the index until the cap and
    # ranked there; never every match sorted by rank.
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 50)
    plan = _ranked_query_plan(member, "pain")
    assert "community_post_recent" in plan, plan
    assert "to_tsvector" not in plan
    page = selectors.search_posts(query="pain", user=member, page=1)
    assert page.paginator.count == 51 and page.paginator.capped


@pytest.mark.postgres
@pytest.mark.parametrize("rows", [1, 30])
def test_postgres_search_runs_a_constant_number_of_queries(
    client, member, posts, later, rows, django_assert_num_queries
):
    for n in range(rows):
        later()
        services.post_create(author=member, thread=posts, body=f"Walking again, day {n}.")
    client.force_login(member)
    # session, user (with membership, groups, header profile, bell); the forum search version; the
    # ranking (this transaction changed what search shows: never a kept page, see
    # test_search_kept for one); the page's posts
    with django_assert_num_queries(5):
        response = client.get("/community/search/?q=walking")
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows + 1, 20)


@pytest.mark.postgres
def test_postgres_search_pages_through_the_ranked_matches(member, posts, later, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_PER_PAGE", 2)
    for n in range(4):
        later()
        services.post_create(author=member, thread=posts, body=f"Walking again, day {n}.")
    seen = []
    for number in (1, 2, 3):
        page = selectors.search_posts(query="walking", user=member, page=number)
        assert page.number == number and page.paginator.count == 5
        seen += [post.pk for post in page]
    assert len(seen) == len(set(seen)) == 5
    # past the end, or not a number: the last page, or the first
    assert selectors.search_posts(query="walking", user=member, page=9).number == 3
    assert selectors.search_posts(query="walking", user=member, page="x").number == 1
    # a page number past any bigint: the last page, not a database error
    assert selectors.search_posts(query="walking", user=member, page="9" * 40).number == 3


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


def test_the_results_page_follows_a_hide_an_edit_and_a_retitle_at_once(
    client, member, coach, posts, later
):
    """Results are drawn from kept fragments (community_posts.search_result): what a coach hides
    leaves the page at once, and an edited post or a renamed thread is drawn anew."""
    post = posts.posts.order_by("created_at").last()
    client.force_login(member)
    url = "/community/search/?q=walking"
    for _ in range(2):  # the second draws from what the first kept
        page = client.get(url).content.decode()
        assert f"/community/p/{post.pk}/" in page and "Morning routine" in page
    posts.title = "Walking routine"
    posts.save(update_fields=["title"])
    later()
    services.post_edit(editor=coach, post=post, body="I love walking in the rain.")
    page = client.get(url).content.decode()
    assert "Walking routine" in page and "Morning routine" not in page
    assert "rain" in page
    services.post_hide(coach=coach, post=post, reason="off topic")
    page = client.get(url).content.decode()
    assert f"/community/p/{post.pk}/" not in page and "rain" not in page


@pytest.mark.postgres
def test_a_kept_headline_is_used_only_while_the_body_is_the_same(member, posts):
    """Headlines are kept per post and query (selectors._SNIPPETS): a repeated search asks
    PostgreSQL for none, and a body changed by any path (here a bulk UPDATE, no edit time)
    gets its headline made anew on the next search."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from community.models import Post

    post = posts.posts.order_by("created_at").last()
    first = selectors.search_posts(query="walking", user=member, page=1)
    assert "<mark>walking</mark>" in first[0].snippet
    with CaptureQueriesContext(connection) as queries:
        again = selectors.search_posts(query="walking", user=member, page=1)
    assert again[0].snippet == first[0].snippet
    shown = [q["sql"] for q in queries.captured_queries if "ts_headline" in q["sql"]]
    assert len(shown) == 1 and f"'{{{post.pk}}}'" in shown[0].split("CASE WHEN")[1][:200]
    Post.objects.filter(pk=post.pk).update(body="Walking by the sea, slowly.")
    changed = selectors.search_posts(query="walking", user=member, page=1)
    assert "sea" in changed[0].snippet and "love" not in changed[0].snippet
    assert "sea" in selectors.search_posts(query="walking", user=member, page=1)[0].snippet
