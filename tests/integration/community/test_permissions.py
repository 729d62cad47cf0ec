"""One set of forum rights: the page offers exactly what the services accept."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community import permissions, services
from community.models import Category
from tests.factories import MemberFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _refused(call) -> bool:
    try:
        call()
    except (PermissionDenied, ValidationError):
        return True
    return False


@pytest.mark.parametrize("who_can_start", Category.Starters.values)
@pytest.mark.parametrize("role", ["member", "coach"])
def test_starting_a_thread(request, role, who_can_start, later):
    person = request.getfixturevalue(role)
    category = request.getfixturevalue("category")
    category.who_can_start = who_can_start
    category.save()
    allowed = permissions.can_start_thread(person, category)
    assert allowed == (role == "coach" or who_can_start == Category.Starters.MEMBERS)
    later()
    refused = _refused(
        lambda: services.thread_create(author=person, category=category, title="Hi", body="Hello")
    )
    assert refused is not allowed
    page = request.getfixturevalue("client")
    page.force_login(person)
    offered = b"Start a thread</a>" in page.get(category.get_absolute_url()).content
    assert offered is allowed


@pytest.mark.parametrize(
    "flags", [{}, {"is_locked": True}, {"is_hidden": True}, {"is_approved": False}]
)
@pytest.mark.parametrize("role", ["member", "coach"])
def test_replying(request, role, flags, category, later):
    person = request.getfixturevalue(role)
    thread = ThreadFactory(category=category, **flags)
    PostFactory(thread=thread, is_opening=True)
    allowed = permissions.can_reply(person, thread)
    assert allowed == (role == "coach" or not flags)
    later()
    refused = _refused(lambda: services.post_create(author=person, thread=thread, body="Me too"))
    assert refused is not allowed


@pytest.mark.parametrize("role", ["author", "other", "coach"])
def test_editing_and_deleting_a_post(request, role, category, client, later):
    author = MemberFactory()
    person = {"author": author, "other": MemberFactory()}.get(role) or request.getfixturevalue(role)
    thread = ThreadFactory(category=category)
    post = PostFactory(thread=thread, is_opening=True, author=author)
    allowed = permissions.can_change_post(person, post)
    assert allowed == (role != "other")
    client.force_login(person)
    page = client.get(thread.get_absolute_url()).content
    assert (reverse("community:post_edit", args=[post.pk]).encode() in page) is allowed
    assert (client.get(reverse("community:post_edit", args=[post.pk])).status_code == 200) is (
        allowed
    )
    later()
    assert _refused(lambda: services.post_edit(editor=person, post=post, body="New")) is not (
        allowed
    )
    assert _refused(lambda: services.post_delete(member=person, post=post)) is not allowed


@pytest.mark.parametrize("role", ["author", "coach"])
def test_in_a_locked_thread_only_coaches_edit_and_the_page_says_the_same(
    request, role, category, client
):
    author = MemberFactory()
    person = author if role == "author" else request.getfixturevalue(role)
    thread = ThreadFactory(category=category, is_locked=True)
    post = PostFactory(thread=thread, is_opening=True, author=author)
    allowed = permissions.can_edit_post(person, post, thread)
    assert allowed is (role == "coach")
    client.force_login(person)
    page = client.get(thread.get_absolute_url()).content
    assert (reverse("community:post_edit", args=[post.pk]).encode() in page) is allowed
    assert reverse("community:post_delete", args=[post.pk]).encode() in page  # still theirs
    assert _refused(lambda: services.post_edit(editor=person, post=post, body="New")) is not (
        allowed
    )


@pytest.mark.parametrize("role", ["member", "coach"])
def test_moderation_is_for_coaches_only(request, role, category, client):
    person = request.getfixturevalue(role)
    thread = ThreadFactory(category=category)
    post = PostFactory(thread=thread, is_opening=True)
    allowed = permissions.is_moderator(person)
    assert allowed is (role == "coach")
    client.force_login(person)
    assert (b"Coach tools" in client.get(thread.get_absolute_url()).content) is allowed
    assert (client.get(reverse("community:moderation")).status_code == 200) is allowed
    hide = lambda: services.post_hide(coach=person, post=post, reason="Off topic")  # noqa: E731
    assert _refused(hide) is not allowed


def test_anonymous_visitors_have_no_rights(category):
    from django.contrib.auth.models import AnonymousUser

    nobody = AnonymousUser()
    thread = ThreadFactory(category=category)
    post = PostFactory(thread=thread, is_opening=True)
    assert not permissions.is_moderator(nobody)
    assert not permissions.can_change_post(nobody, PostFactory.build(author=None, thread=thread))
    assert not permissions.can_change_post(nobody, post)
