"""Ranked result pages kept per process until the forum changes (community.selectors._RANKED,
keyed on the forum search version of migration 0009), and the shown posts read again under the
visibility rule.

The freshness tests commit (transactional): the version moves when a writer commits, so only
committed changes exercise a kept page. Each first checks that the page it searched was kept.
"""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from community import selectors, services
from community.models import Post
from tests.factories import CategoryFactory, CoachFactory, MemberFactory

pytestmark = pytest.mark.postgres

URL = "/community/search/?q={}"


def _version() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM community_search_version")
        return cursor.fetchone()[0]


def _found(client, word: str) -> str:
    response = client.get(URL.format(word))
    assert response.status_code == 200
    return response.content.decode()


def _kept(word: str, *, moderator: bool = False) -> bool:
    """Whether this process keeps page 1 of `word` at the current version."""
    kept = selectors._RANKED.get((word, moderator, 1))
    return kept is not None and kept[0] == _version()


@pytest.fixture
def forum(db):
    """A member, a coach and a thread with two posts, committed."""
    coach, member = CoachFactory(), MemberFactory()
    thread = services.thread_create(
        author=coach,
        category=CategoryFactory(),
        title="Morning routine",
        body="Paddling a kayak on the lake eases my back.",
    )
    reply = Post.objects.create(
        thread=thread, author=member, author_name="Reply", body="A kayak helps me too."
    )
    return {"coach": coach, "member": member, "thread": thread, "reply": reply}


def _searched(client, forum, word: str = "kayak") -> str:
    """Search twice as the member (the second from the kept page) and check it was kept."""
    client.force_login(forum["member"])
    _found(client, word)
    page = _found(client, word)
    assert _kept(word)
    return page


@pytest.mark.django_db(transaction=True)
def test_a_new_post_is_found_at_once(client, forum):
    _searched(client, forum)
    post = services.post_create(
        author=forum["coach"], thread=forum["thread"], body="Kayak again this morning."
    )
    assert f"/community/p/{post.pk}/" in _found(client, "kayak")


@pytest.mark.django_db(transaction=True)
def test_an_edited_post_is_found_by_its_new_word_only(client, forum):
    reply = forum["reply"]
    _searched(client, forum, "kayak")
    _searched(client, forum, "canoe")
    services.post_edit(editor=forum["member"], post=reply, body="A canoe helps me too.")
    assert f"/community/p/{reply.pk}/" in _found(client, "canoe")
    assert f"/community/p/{reply.pk}/" not in _found(client, "kayak")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["hidden by a coach", "deleted", "unapproved"])
def test_a_post_leaves_the_results_at_once(client, forum, change):
    reply = forum["reply"]
    assert f"/community/p/{reply.pk}/" in _searched(client, forum)
    if change == "hidden by a coach":
        services.post_hide(coach=forum["coach"], post=reply, reason="off topic")
    elif change == "deleted":
        services.post_delete(member=forum["member"], post=reply)
    else:  # as the admin's list edit does
        Post.objects.filter(pk=reply.pk).update(is_approved=False)
    page = _found(client, "kayak")
    assert f"/community/p/{reply.pk}/" not in page and "helps me too" not in page


@pytest.mark.django_db(transaction=True)
def test_a_hidden_thread_leaves_the_results_at_once(client, forum):
    assert "Morning routine" in _searched(client, forum)
    services.thread_hide(coach=forum["coach"], thread=forum["thread"], reason="spam")
    page = _found(client, "kayak")
    assert "Morning routine" not in page and "Nothing found" in page


@pytest.mark.django_db(transaction=True)
def test_a_transaction_finds_its_own_changes_before_it_commits(client, forum):
    """The version moves at commit; a search later in the writing transaction ranks afresh."""
    reply = forum["reply"]
    _searched(client, forum)
    with transaction.atomic():
        post = services.post_create(
            author=forum["coach"], thread=forum["thread"], body="Kayak again this morning."
        )
        services.post_hide(coach=forum["coach"], post=reply, reason="off topic")
        found = {r.pk for r in selectors.search_posts(query="kayak", user=forum["member"], page=1)}
        assert post.pk in found and reply.pk not in found
        # what only this transaction sees is kept for no one
        assert post.pk not in selectors._RANKED[("kayak", False, 1)][1]


@pytest.mark.django_db(transaction=True)
def test_a_kept_page_never_shows_what_was_hidden_while_it_was_read(client, forum, monkeypatch):
    """A coach hides a post between the version read (the page is kept: no ranking) and the read
    of the shown posts: the shown read applies the visibility rule itself."""
    reply = forum["reply"]
    _searched(client, forum)
    shown = selectors._with_headlines

    def hidden_meanwhile(**kwargs):
        services.post_hide(coach=forum["coach"], post=reply, reason="off topic")
        return shown(**kwargs)

    monkeypatch.setattr(selectors, "_with_headlines", hidden_meanwhile)
    page = _found(client, "kayak")
    assert f"/community/p/{forum['thread'].posts.order_by('pk')[0].pk}/" in page
    assert f"/community/p/{reply.pk}/" not in page and "helps me too" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["hidden", "thread hidden", "unapproved", "deleted"])
def test_a_post_changed_after_ranking_is_not_shown(client, forum, monkeypatch, change):
    """The same race on a fresh ranking: the post is changed once its page is ranked."""
    reply, thread = forum["reply"], forum["thread"]
    ranked = selectors._ranked_page

    def changed_meanwhile(**kwargs):
        found = ranked(**kwargs)
        if change == "thread hidden":
            services.thread_hide(coach=forum["coach"], thread=thread, reason="spam")
        else:
            update = {
                "hidden": {"is_hidden": True, "hidden_reason": "spam"},
                "deleted": {"is_deleted": True},
                "unapproved": {"is_approved": False},
            }[change]
            Post.objects.filter(pk=reply.pk).update(**update)
        return found

    monkeypatch.setattr(selectors, "_ranked_page", changed_meanwhile)
    client.force_login(forum["member"])
    page = _found(client, "kayak")
    assert f"/community/p/{reply.pk}/" not in page
    if change == "thread hidden":
        assert "Morning routine" not in page


@pytest.mark.django_db(transaction=True)
def test_a_coach_finds_what_members_find_and_not_what_is_hidden(client, forum):
    reply = forum["reply"]
    _searched(client, forum)  # the member's page, kept
    client.force_login(forum["coach"])
    page = _found(client, "kayak")
    assert page.count('class="card"') == 2 and _kept("kayak", moderator=True)
    services.post_hide(coach=forum["coach"], post=reply, reason="off topic")
    page = _found(client, "kayak")
    assert page.count('class="card"') == 1 and f"/community/p/{reply.pk}/" not in page


@pytest.mark.django_db(transaction=True)
def test_a_kept_page_runs_as_many_queries(client, forum, django_assert_num_queries):
    _searched(client, forum)
    # session, user (with membership, groups, header profile, bell); the forum search version; the
    # page's posts: the ranking is kept (one more query when it is not: test_search)
    with django_assert_num_queries(4):
        _found(client, "kayak")


# The version itself (migration 0009)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_update_moves_the_version_once(forum):
    Post.objects.bulk_create(
        Post(thread=forum["thread"], author_name="bench", body=f"Walk {n}.") for n in range(300)
    )
    before = _version()
    with transaction.atomic():
        updated = _version_row_updates()
        Post.objects.filter(thread=forum["thread"]).update(body="Walk on.")
        Post.objects.filter(thread=forum["thread"]).update(is_hidden=True, hidden_reason="spam")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what the commit would run
        assert _version_row_updates() - updated == 1
    assert _version() > before


def _version_row_updates() -> int:
    """The version row's updates this connection counted and has not yet reported (PostgreSQL
    15 keeps earlier transactions' counts there until it reports them, so compare two reads in
    one transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd FROM pg_stat_xact_user_tables "
            "WHERE relname = 'community_search_version'"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_writes_search_never_shows_leave_the_version(forum):
    thread, before = forum["thread"], _version()
    Post.objects.filter(thread=thread).update(notified_at=thread.created_at)
    services.thread_set_flags(coach=forum["coach"], thread=thread, pinned=True)
    Post.objects.filter(pk=forum["reply"].pk).update(body=forum["reply"].body)  # no change
    thread.save()  # every column written, none changed
    assert _version() == before
    services.post_hide(coach=forum["coach"], post=forum["reply"], reason="x")
    assert _version() > before


@pytest.mark.django_db(transaction=True)
def test_a_restored_database_never_serves_a_page_kept_before_the_restore(client, forum):
    """A backup taken a write earlier comes back (or the table is made again by migrations):
    the next write moves the version past every number issued before, so a page kept under
    one of those numbers is never served for other data (migration 0011)."""
    before = _version()
    _searched(client, forum)  # kept under `before`
    with connection.cursor() as cursor:  # the version as the backup had it
        cursor.execute("UPDATE community_search_version SET version = %s", [before - 1])
    post = services.post_create(
        author=forum["coach"], thread=forum["thread"], body="Kayak again this morning."
    )
    assert _version() > before
    assert f"/community/p/{post.pk}/" in _found(client, "kayak")


@contextmanager
def _other_connection():
    import psycopg

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # a wait fails the test, never hangs it
        yield other
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_writers_never_wait_on_the_version_before_they_commit(forum):
    """A transaction that posted and hid a thread holds no lock on the version until its
    commit: another writer changes a post and commits meanwhile, without waiting."""
    other_thread = services.thread_create(
        author=forum["coach"], category=forum["thread"].category, title="Other", body="Hi."
    )
    before = _version()
    with transaction.atomic():
        services.post_create(author=forum["coach"], thread=forum["thread"], body="Kayak news.")
        services.thread_hide(coach=forum["coach"], thread=other_thread, reason="spam")
        with _other_connection() as other, other.cursor() as cursor:
            cursor.execute("SELECT version FROM community_search_version FOR UPDATE NOWAIT")
            cursor.execute(
                "UPDATE community_post SET body = 'A kayak, again.' WHERE id = %s",
                [forum["reply"].pk],
            )
            other.commit()
        between = _version()
        assert between > before  # the other's commit
    assert _version() > between  # and this one's, at its commit
