"""Thread pages reuse each post's drawing, but never one viewer's rights or token for another,
and never a post as it was before an edit, a hide or a reaction."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community import services
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(category, later):
    author = MemberFactory()
    item = services.thread_create(
        author=author, category=category, title="Bridges", body="Glute bridges help me."
    )
    later()
    services.post_create(author=MemberFactory(), thread=item, body="Me too, slowly.")
    return item


def _page(user, thread) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_each_viewer_sees_only_their_own_rights(thread, coach, member):
    opening = thread.posts.order_by("created_at").first()
    hide_url = reverse("community:post_hide", args=[opening.pk])
    edit_url = reverse("community:post_edit", args=[opening.pk])
    delete_url = reverse("community:post_delete", args=[opening.pk])
    # the same posts, drawn in one process for a coach, the author and a member, in turn
    for _ in range(2):
        as_coach = _page(coach, thread)
        as_author = _page(opening.author, thread)
        as_member = _page(member, thread)
        assert hide_url in as_coach and edit_url in as_coach and delete_url in as_coach
        assert hide_url not in as_author and edit_url in as_author and delete_url in as_author
        assert not [url for url in (hide_url, edit_url, delete_url) if url in as_member]
        report_url = reverse("community:post_report", args=[opening.pk])
        assert report_url in as_member and report_url not in as_author


def test_an_edit_a_hide_and_a_reaction_show_at_once(thread, coach, member, later):
    opening = thread.posts.order_by("created_at").first()
    assert "Glute bridges help me." in _page(member, thread)
    later()
    services.post_edit(editor=opening.author, post=opening, body="Bridges, twice a day.")
    page = _page(member, thread)
    assert "Bridges, twice a day." in page and "Glute bridges help me." not in page
    services.reaction_toggle(member=member, post=opening, kind="cheer")
    assert 'class="reaction is-mine" aria-pressed="true"' in _page(member, thread)
    assert 'class="reaction is-mine"' not in _page(MemberFactory(), thread)
    services.post_hide(coach=coach, post=opening, reason="off topic")
    assert "This post was hidden by a coach." in _page(member, thread)
    assert "Hidden by a coach: off topic" in _page(coach, thread)


def test_every_form_carries_the_viewers_own_token(thread, member):
    opening = thread.posts.order_by("created_at").first()
    _page(MemberFactory(), thread)  # someone else draws the posts first
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "csrf-" not in html  # the stand-in never reaches a page
    react_url = reverse("community:post_react", args=[opening.pk])
    form = re.search(f'<form method="post" action="{re.escape(react_url)}".*?</form>', html, re.S)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)
    response = client.post(react_url, {"kind": "cheer", "csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert opening.reactions.filter(member=member, kind="cheer").exists()


def test_a_category_lists_each_thread_as_this_viewer_has_read_it(thread, category, member, later):
    reader = MemberFactory()
    _page(reader, thread)  # reads to the end
    client = Client()
    client.force_login(reader)
    assert b"(unread)" not in client.get(category.get_absolute_url()).content
    stranger = Client()
    stranger.force_login(member)
    assert b"(unread)" in stranger.get(category.get_absolute_url()).content
    later()
    services.post_create(author=MemberFactory(), thread=thread, body="A new reply.")
    listing = client.get(category.get_absolute_url()).content
    assert b'badge-green">New<' in listing and b"2 replies" in listing
    assert b'badge-green">New<' not in stranger.get(category.get_absolute_url()).content


def test_the_time_in_words_follows_the_clock(thread, category, member):
    from datetime import timedelta

    import time_machine

    def words(html: str) -> str:
        return html.replace("\xa0", " ")

    last = thread.posts.order_by("created_at").last()
    listing = Client()
    listing.force_login(member)
    with time_machine.travel(last.created_at + timedelta(minutes=2, seconds=5), tick=False):
        assert ">2 minutes ago</time>" in words(_page(member, thread))
        assert "last post 2 minutes ago" in words(
            listing.get(category.get_absolute_url()).content.decode()
        )
    with time_machine.travel(last.created_at + timedelta(minutes=7), tick=False):
        page = words(_page(member, thread))
        assert ">7 minutes ago</time>" in page and ">2 minutes ago</time>" not in page
        assert "last post 7 minutes ago" in words(
            listing.get(category.get_absolute_url()).content.decode()
        )
    with time_machine.travel(last.created_at + timedelta(days=1, hours=3, minutes=4), tick=False):
        assert ">1 day, 3 hours ago</time>" in words(_page(member, thread))
