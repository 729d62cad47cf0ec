from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import services
from community.models import (
    FORMER_MEMBER,
    Category,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadWatch,
)
from community.services import posting
from tests.factories import MemberFactory, PostFactory

pytestmark = pytest.mark.django_db


def test_seeded_categories_exist_with_rules():
    names = list(Category.objects.filter(order__lt=100).values_list("name", flat=True))
    assert names == [
        "Announcements",
        "Introductions",
        "Progress & wins",
        "Questions for coaches",
        "Sciatica",
        "Active ageing",
        "Form check",
    ]
    assert Category.objects.get(slug="announcements").who_can_start == "coaches"


def test_start_thread_and_reply_update_counters(category, seasoned, member, later):
    thread = services.thread_create(
        author=seasoned, category=category, title="Hello there", body="**Hi** all"
    )
    opening = thread.posts.get()
    assert opening.is_opening and opening.body_html == "<p><strong>Hi</strong> all</p>\n"
    assert opening.author_name == seasoned.public_name
    later()
    reply = services.post_create(author=member, thread=thread, body="Welcome!")
    thread.refresh_from_db()
    category.refresh_from_db()
    assert thread.reply_count == 1
    assert thread.last_post_id == reply.pk and thread.last_post_at == reply.created_at
    assert category.thread_count == 1 and category.post_count == 2
    assert category.last_post_id == reply.pk
    # both posters now watch the thread
    assert set(ThreadWatch.objects.filter(thread=thread).values_list("member_id", flat=True)) == {
        seasoned.pk,
        member.pk,
    }


def test_members_cannot_start_threads_in_coach_categories(coaches_category, member, coach):
    with pytest.raises(PermissionDenied):
        services.thread_create(author=member, category=coaches_category, title="Mine", body="x")
    thread = services.thread_create(author=coach, category=coaches_category, title="News", body="x")
    # ...but members reply there
    services.post_create(author=member, thread=thread, body="Thanks")
    assert thread.posts.count() == 2


def test_locked_thread_refuses_replies(category, member, coach, thread_with):
    thread = thread_with(1)
    services.thread_set_flags(coach=coach, thread=thread, locked=True)
    with pytest.raises(ValidationError, match="locked"):
        services.post_create(author=member, thread=thread, body="Still here?")
    assert thread.posts.count() == 1


def test_flood_control_min_interval_and_daily_cap(category, seasoned, later):
    thread = services.thread_create(author=seasoned, category=category, title="Flood", body="one")
    with pytest.raises(services.FloodControlError) as exc:
        services.post_create(author=seasoned, thread=thread, body="two")
    assert "wait" in exc.value.messages[0]
    assert exc.value.retry_after > 0
    later(services.FLOOD_MIN_SECONDS + 1)
    services.post_create(author=seasoned, thread=thread, body="two")
    # Fill up the day (the seasoned fixture's posts are three days old).
    now = timezone.now()
    PostFactory.create_batch(
        services.FLOOD_MAX_PER_DAY - 2,
        author=seasoned,
        thread=thread,
        created_at=now - timedelta(hours=1),
    )
    later(60)
    with pytest.raises(services.FloodControlError, match="limit"):
        services.post_create(author=seasoned, thread=thread, body="too many")


def test_coaches_are_not_flood_limited(category, coach):
    thread = services.thread_create(author=coach, category=category, title="Coach", body="one")
    services.post_create(author=coach, thread=thread, body="two")
    assert thread.posts.count() == 2


def test_first_three_posts_of_new_member_await_approval(approval_category, member, coach, later):
    thread = services.thread_create(
        author=coach, category=approval_category, title="Say hi", body="Welcome"
    )
    pending = []
    for i in range(3):
        later()
        post = services.post_create(author=member, thread=thread, body=f"hello {i}")
        assert not post.is_approved
        pending.append(post)
    thread.refresh_from_db()
    assert thread.reply_count == 0  # pending posts are not counted
    for post in pending:
        services.post_approve(coach=coach, post=post)
    thread.refresh_from_db()
    assert thread.reply_count == 3
    later()
    fourth = services.post_create(author=member, thread=thread, body="now trusted")
    assert fourth.is_approved


def test_new_member_thread_awaits_approval_and_members_cannot_approve(
    approval_category, member, coach
):
    thread = services.thread_create(
        author=member, category=approval_category, title="Me", body="Hi"
    )
    assert not thread.is_approved
    other = MemberFactory()
    with pytest.raises(PermissionDenied):
        services.post_approve(coach=other, post=thread.posts.get())
    services.post_approve(coach=coach, post=thread.posts.get())
    thread.refresh_from_db()
    approval_category.refresh_from_db()
    assert thread.is_approved and approval_category.thread_count == 1


def test_edit_own_post_keeps_revision(category, seasoned):
    thread = services.thread_create(
        author=seasoned, category=category, title="Edit me", body="first"
    )
    post = thread.posts.get()
    services.post_edit(editor=seasoned, post=post, body="second *take*")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert post.body_html == "<p>second <em>take</em></p>\n"
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == ["first"]


def test_member_cannot_moderate_or_edit_others(category, seasoned, member):
    thread = services.thread_create(author=seasoned, category=category, title="Mine", body="mine")
    post = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.post_edit(editor=member, post=post, body="defaced")
    with pytest.raises(PermissionDenied):
        services.post_delete(member=member, post=post)
    with pytest.raises(PermissionDenied):
        services.post_hide(coach=member, post=post, reason="no")
    with pytest.raises(PermissionDenied):
        services.thread_set_flags(coach=member, thread=thread, pinned=True)
    with pytest.raises(PermissionDenied):
        services.thread_set_flags(coach=member, thread=thread, locked=True)
    with pytest.raises(PermissionDenied):
        services.thread_hide(coach=member, thread=thread, reason="no")
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.body == "mine" and not post.is_hidden and not post.is_deleted
    assert not thread.is_pinned and not thread.is_locked and not thread.is_hidden


def test_coach_can_moderate(category, seasoned, coach):
    other = services.thread_create(author=coach, category=category, title="Elsewhere", body="x")
    thread = services.thread_create(author=seasoned, category=category, title="Mine", body="mine")
    post = thread.posts.get()
    services.post_edit(editor=coach, post=post, body="tidied")
    services.post_hide(coach=coach, post=post, reason="Off topic")
    services.thread_set_flags(coach=coach, thread=thread, pinned=True, locked=True)
    target = Category.objects.get(slug="sciatica")
    services.thread_move(coach=coach, thread=thread, category=target)
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.body == "tidied" and post.is_hidden and post.hidden_reason == "Off topic"
    assert thread.is_pinned and thread.is_locked and thread.category == target
    assert PostRevision.objects.get(post=post).edited_by == coach
    services.post_unhide(coach=coach, post=post)
    post.refresh_from_db()
    assert not post.is_hidden and post.hidden_reason == ""
    assert other.category == category


def test_hiding_needs_a_reason(category, seasoned, coach):
    thread = services.thread_create(author=seasoned, category=category, title="x", body="x")
    with pytest.raises(ValidationError):
        services.post_hide(coach=coach, post=thread.posts.get(), reason="  ")


def test_soft_delete_own_post(category, seasoned, member, thread_with):
    thread = thread_with(1)
    reply = services.post_create(author=member, thread=thread, body="oops")
    services.post_delete(member=member, post=reply)
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.is_deleted and Post.objects.filter(pk=reply.pk).exists()
    assert thread.reply_count == 0


def test_reactions_toggle_one_of_each_kind(thread_with, member):
    post = thread_with(1).posts.get()
    assert services.reaction_toggle(member=member, post=post, kind="cheer") is True
    assert services.reaction_toggle(member=member, post=post, kind="thanks") is True
    assert Reaction.objects.filter(post=post, member=member).count() == 2
    assert services.reaction_toggle(member=member, post=post, kind="cheer") is False
    assert list(Reaction.objects.filter(post=post).values_list("kind", flat=True)) == ["thanks"]
    with pytest.raises(ValidationError):
        services.reaction_toggle(member=member, post=post, kind="boo")


def test_reaction_uniqueness_is_in_the_database(thread_with, member):
    from django.db import IntegrityError, transaction

    post = thread_with(1).posts.get()
    Reaction.objects.create(post=post, member=member, kind="cheer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(post=post, member=member, kind="cheer")


def test_member_forget_keeps_posts_as_former_member(category, seasoned, monkeypatch):
    thread = services.thread_create(
        author=seasoned, category=category, title="Bye", body="I was here"
    )
    Post.objects.filter(thread=thread).update(badge_streak_days=4, badge_phase_name="Phase 1")
    services.member_forget(user_id=seasoned.pk)
    post = Post.objects.get(thread=thread)
    thread = Thread.objects.get(pk=thread.pk)
    assert post.author is None and post.author_name == FORMER_MEMBER
    assert post.body == "I was here"
    assert post.badge_streak_days is None and post.badge_phase_name == ""
    assert thread.author_name == FORMER_MEMBER


def test_checkin_badge_is_computed_not_typed(category, seasoned, monkeypatch):
    calls = []

    def fake_badge(*, user):
        calls.append(user.pk)
        return {"streak_days": 6, "phase_name": "Foundation"}

    monkeypatch.setattr(posting, "checkin_badge_provider", lambda: fake_badge)
    thread = services.thread_create(
        author=seasoned, category=category, title="Week one", body="done", attach_badge=True
    )
    post = thread.posts.get()
    assert calls == [seasoned.pk]
    assert (post.badge_streak_days, post.badge_phase_name) == (6, "Foundation")


def test_no_badge_without_opt_in_or_provider(category, seasoned, monkeypatch):
    monkeypatch.setattr(posting, "checkin_badge_provider", lambda: None)
    thread = services.thread_create(
        author=seasoned, category=category, title="Week one", body="done", attach_badge=True
    )
    assert thread.posts.get().badge_streak_days is None
