"""A category's lines, the top of a category or thread page and the page links are kept per
process under the values they show: whatever changes (by any path, even a bulk UPDATE), each
viewer sees it at once, with their own read marks, watch state, rights and token."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from community import selectors, services
from community.models import Category, Post, Thread
from tests.factories import CoachFactory, MemberFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _line(html: str, thread: Thread) -> str:
    """The category page's line for `thread` ('' when it is not listed)."""
    url = reverse("community:thread", args=[thread.pk])
    for line in re.findall(r'<li class="thread-row.*?</li>', html, re.S):
        if f'href="{url}"' in line:
            return line
    return ""


@pytest.fixture
def topic(category, later):
    item = services.thread_create(
        author=MemberFactory(), category=category, title="Bridges", body="x"
    )
    later()
    return item


def test_a_kept_line_follows_its_thread_and_the_viewers_reading(topic, category, member, later):
    reader = _client(member)
    url = category.get_absolute_url()
    line = _line(_html(reader, url), topic)
    assert "Bridges" in line and "0 replies" in line and "(unread)" in line
    # a bulk UPDATE, which no service sees, shows at once
    Thread.objects.filter(pk=topic.pk).update(title="Bridges, twice a day")
    assert "Bridges, twice a day" in _line(_html(reader, url), topic)
    # a reply: its count, its author and the new mark
    _html(reader, topic.get_absolute_url())  # read to the end
    assert "(unread)" not in _line(_html(reader, url), topic)
    reply = services.post_create(author=MemberFactory(), thread=topic, body="Me too.")
    line = _line(_html(reader, url), topic)
    assert "1 reply" in line and f"by {reply.author_name}" in line and 'badge-green">New<' in line
    _html(reader, topic.get_absolute_url())
    assert 'badge-green">New<' not in _line(_html(reader, url), topic)
    # pinned and locked by a coach
    services.thread_set_flags(coach=CoachFactory(), thread=topic, pinned=True, locked=True)
    line = _line(_html(reader, url), topic)
    assert ">Pinned<" in line and ">Locked<" in line and "is-pinned" in line
    # another member, who never opened it, sees it unread in the same process
    assert "(unread)" in _line(_html(_client(MemberFactory()), url), topic)


def test_a_hidden_thread_leaves_the_members_list_and_its_count(category, member, coach, later):
    threads = []
    for number in range(21):
        threads.append(
            services.thread_create(
                author=MemberFactory(), category=category, title=f"Topic {number}", body="x"
            )
        )
        later()
    reader, moderator = _client(member), _client(coach)
    url = category.get_absolute_url()
    first = _html(reader, url)
    assert "Page 1 of 2" in first and _line(first, threads[-1])
    services.thread_hide(coach=coach, thread=threads[-1], reason="Off topic")
    shown = _html(reader, url)
    assert not _line(shown, threads[-1]) and "Topic 20" not in shown
    assert "Page 1 of" not in shown  # 20 threads left for members: one page
    assert not _line(_html(reader, url + "?page=2"), threads[-1])
    coach_line = _line(_html(moderator, url), threads[-1])
    assert ">Hidden<" in coach_line and "Page 1 of 2" in _html(moderator, url)
    services.thread_unhide(coach=coach, thread=threads[-1])
    again = _html(reader, url)
    assert _line(again, threads[-1]) and ">Hidden<" not in again and "Page 1 of 2" in again


def test_another_members_pending_thread_is_neither_listed_nor_counted(
    approval_category, member, later
):
    for number in range(20):
        services.thread_create(
            author=CoachFactory(), category=approval_category, title=f"Topic {number}", body="x"
        )
        later()
    newbie = MemberFactory()
    pending = services.thread_create(
        author=newbie, category=approval_category, title="My first question", body="x"
    )
    url = approval_category.get_absolute_url()
    assert not pending.is_approved
    others = _html(_client(member), url)
    assert not _line(others, pending) and "Page 1 of" not in others
    own = _html(_client(newbie), url)
    assert ">Awaiting approval<" in _line(own, pending) and "Page 1 of 2" in own


def test_page_links_follow_the_count_and_the_page(category, member, later):
    for number in range(20):
        services.thread_create(
            author=MemberFactory(), category=category, title=f"Topic {number}", body="x"
        )
        later()
    reader = _client(member)
    url = category.get_absolute_url()
    assert 'class="pagination"' not in _html(reader, url)
    services.thread_create(author=MemberFactory(), category=category, title="One more", body="x")
    first = _html(reader, url)
    assert "Page 1 of 2" in first and 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = _html(reader, url + "?page=2")
    assert "Page 2 of 2" in second and 'href="?page=1" rel="prev"' in second
    assert 'rel="next"' not in second


def test_the_tops_of_the_pages_follow_watch_state_and_state(topic, category, member, coach):
    reader = _client(member)
    assert "Watch for new threads" in _html(reader, category.get_absolute_url())
    services.category_watch_set(member=member, category=category, watching=True)
    assert "Stop watching this category" in _html(reader, category.get_absolute_url())
    assert "Watch for new threads" in _html(_client(MemberFactory()), category.get_absolute_url())
    assert "Watch this thread" in _html(reader, topic.get_absolute_url())
    services.thread_watch_set(member=member, thread=topic, watching=True)
    assert ">Unwatch<" in _html(reader, topic.get_absolute_url())
    services.thread_set_flags(coach=coach, thread=topic, locked=True)
    Category.objects.filter(pk=category.pk).update(name="Form checks")
    top = _html(reader, topic.get_absolute_url())
    assert "Locked</span> Bridges" in top and ">Form checks</a>" in top
    assert "This thread is locked; no new replies." in top


def test_a_demoted_coach_loses_the_coaches_rights_at_once(coaches_category, topic):
    from backcore.accounts.services import coach_add

    coach = MemberFactory()  # a member who coaches, so still a member once demoted
    coach_add(user=coach)
    as_coach = _client(coach)
    url = coaches_category.get_absolute_url()
    assert ">Start a thread<" in _html(as_coach, url)
    assert "Coach tools" in _html(as_coach, topic.get_absolute_url())
    coach.groups.remove(Group.objects.get(name="Coaches"))  # demoted: no coach, no staff
    type(coach).objects.filter(pk=coach.pk).update(is_staff=False)
    assert ">Start a thread<" not in _html(as_coach, url)
    assert "Coaches start threads here" in _html(as_coach, url)
    page = _html(as_coach, topic.get_absolute_url())
    hide_url = reverse("community:post_hide", args=[topic.posts.get().pk])
    assert "Coach tools" not in page and hide_url not in page


def test_the_tops_carry_the_viewers_own_token(topic, category, member):
    _html(_client(MemberFactory()), category.get_absolute_url())  # drawn for someone else first
    _html(_client(MemberFactory()), topic.get_absolute_url())
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    for page, action, watched in (
        (
            category.get_absolute_url(),
            reverse("community:category_watch", args=[category.slug]),
            lambda: member.community_category_watches.filter(category=category).exists(),
        ),
        (
            topic.get_absolute_url(),
            reverse("community:thread_watch", args=[topic.pk]),
            lambda: member.community_thread_watches.filter(thread=topic).exists(),
        ),
    ):
        html = _html(client, page)
        assert "csrf-" not in html  # the stand-in never reaches a page
        form = re.search(f'<form method="post" action="{re.escape(action)}">.*?</form>', html, re.S)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)
        response = client.post(action, {"watch": "1", "csrfmiddlewaretoken": token})
        assert response.status_code in (200, 302) and watched()


def test_reactions_and_tombstones_shown_from_the_posts_read(thread_with, member, coach):
    """Each post's reaction counts (and the viewer's own) come with the posts' own read, on a
    page read from the start and on one read from the end; a hidden or deleted post shows its
    tombstone and no reactions."""
    thread = thread_with(45)
    posts = list(thread.posts.order_by("created_at", "pk"))
    services.reaction_toggle(member=member, post=posts[3], kind="cheer")
    for _ in range(2):
        services.reaction_toggle(member=MemberFactory(), post=posts[3], kind="thanks")
    services.reaction_toggle(member=member, post=posts[42], kind="same_here")
    services.reaction_toggle(member=MemberFactory(), post=posts[42], kind="same_here")
    services.post_hide(coach=coach, post=posts[4], reason="Spam")
    services.reaction_toggle(member=MemberFactory(), post=posts[4], kind="cheer")
    Post.objects.filter(pk=posts[41].pk).update(is_deleted=True)

    def reactions(html: str, post: Post) -> dict:
        block = re.search(f'id="reactions-{post.pk}".*?</div>', html, re.S)
        if block is None:
            return {}
        found = re.findall(
            r'class="reaction( is-mine)?" aria-pressed="\w+">([\w ]+) <span>(\d+)</span>',
            block.group(0),
        )
        return {label: (int(n), bool(mine)) for mine, label, n in found}

    reader, other = _client(member), _client(MemberFactory())
    first = _html(reader, thread.get_absolute_url())
    assert reactions(first, posts[3]) == {
        "Cheer": (1, True),
        "Same here": (0, False),
        "Thanks": (2, False),
    }
    assert reactions(_html(other, thread.get_absolute_url()), posts[3])["Cheer"] == (1, False)
    assert "This post was hidden by a coach." in first and reactions(first, posts[4]) == {}
    last = _html(reader, thread.get_absolute_url() + "?page=3")
    assert reactions(last, posts[42])["Same here"] == (2, True)
    assert reactions(last, posts[43]) == {
        "Cheer": (0, False),
        "Same here": (0, False),
        "Thanks": (0, False),
    }
    assert "This post was deleted by its author." in last and reactions(last, posts[41]) == {}
    services.reaction_toggle(member=member, post=posts[42], kind="same_here")  # taken back
    assert reactions(_html(reader, thread.get_absolute_url() + "?page=3"), posts[42])[
        "Same here"
    ] == (1, False)


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_the_counts_are_read_from_indexes_alone(category, member, thread_with):
    """A category page counts the threads a member may open, and a thread page the posts of
    its listing, from an index holding every column the rule reads (no table pages)."""
    thread = thread_with(3)
    category_count = selectors._category_page_queryset(slug=category.slug, user=member)
    assert "Index Only Scan using community_thread_counted" in _plan(
        *category_count.query.sql_with_params()
    )
    thread_count = selectors._thread_get_queryset(
        thread_id=thread.pk, user=member, count_posts=True
    )
    assert "Index Only Scan using community_post_counted" in _plan(
        *thread_count.query.sql_with_params()
    )
