"""Members writing: new threads, replies, edits and deletions, with flood control and the
first-posts approval rule."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from backcore.accounts.models import User
from community import permissions
from community.models import Category, Post, PostRevision, Thread, ThreadWatch
from community.services.publishing import post_count_change, post_publish
from community.services.rendering import body_render
from programs import selectors as programs_selectors

# Flood control: constants, not settings, so a misconfiguration cannot switch it off.
FLOOD_MIN_SECONDS = 20
FLOOD_MAX_PER_DAY = 30
# A new member's first posts wait for a coach in categories that ask for it.
APPROVAL_FIRST_POSTS = 3


class FloodControlError(ValidationError):
    """Posting too fast or too often. The view answers 429 and gives the typed text back."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="flood")
        self.retry_after = retry_after


def checkin_badge_provider():
    """The programme's badge reader (ARCHITECTURE allows community → programs.selectors)."""
    return programs_selectors.checkin_badge


def _badge_snapshot(user: User) -> tuple[int | None, str]:
    provider = checkin_badge_provider()
    if provider is None:
        return None, ""
    badge = provider(user=user)
    if not badge:
        return None, ""
    return max(int(badge["streak_days"]), 0), str(badge.get("phase_name") or "")[:80]


def _flood_check(author: User, now) -> None:
    if permissions.skips_flood_control(author):
        return
    # Serialise one member's posting so two quick submissions cannot both pass the check.
    User.objects.select_for_update().filter(pk=author.pk).values_list("pk").first()
    recent = Post.objects.filter(author=author, created_at__gte=now - timedelta(days=1))
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None:
        waited = (now - last).total_seconds()
        if waited < FLOOD_MIN_SECONDS:
            wait = int(FLOOD_MIN_SECONDS - waited) + 1
            raise FloodControlError(
                f"You're posting quickly — please wait {wait} seconds and send again. "
                "Your text is still here.",
                retry_after=wait,
            )
    if recent.count() >= FLOOD_MAX_PER_DAY:
        raise FloodControlError(
            f"You've reached today's limit of {FLOOD_MAX_PER_DAY} posts. "
            "Copy your text somewhere safe and post it tomorrow.",
            retry_after=60 * 60,
        )


def _needs_approval(author: User, category: Category) -> bool:
    if not category.new_member_posts_need_approval or permissions.skips_approval(author):
        return False
    approved = Post.objects.filter(author=author, is_approved=True).count()
    return approved < APPROVAL_FIRST_POSTS


def _new_post(*, thread: Thread, author: User, body: str, attach_badge: bool, now) -> Post:
    post = Post(
        thread=thread,
        author=author,
        author_name=author.public_name[:60],
        body=body.strip(),
        created_at=now,
    )
    if attach_badge:
        post.badge_streak_days, post.badge_phase_name = _badge_snapshot(author)
    post.body_html = body_render(body=post.body)
    return post


@transaction.atomic
def thread_create(
    *, author: User, category: Category, title: str, body: str, attach_badge: bool = False
) -> Thread:
    if not permissions.can_start_thread(author, category):
        raise PermissionDenied("Only coaches start threads here; you're welcome to reply.")
    now = timezone.now()
    _flood_check(author, now)
    approved = not _needs_approval(author, category)
    thread = Thread(
        category=category,
        title=title.strip(),
        author=author,
        author_name=author.public_name[:60],
        created_at=now,
        last_post_at=now,
        is_approved=approved,
    )
    thread.full_clean()
    thread.save()
    post = _new_post(thread=thread, author=author, body=body, attach_badge=attach_badge, now=now)
    post.is_opening = True
    post.is_approved = approved
    post.full_clean()
    post.save()
    if approved:
        post_publish(post)
    else:
        ThreadWatch.objects.get_or_create(member=author, thread=thread)
    return thread


@transaction.atomic
def post_create(*, author: User, thread: Thread, body: str, attach_badge: bool = False) -> Post:
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("category").get(pk=thread.pk)
    )
    if not permissions.can_reply(author, thread):
        # The reason a member reads, most fundamental first.
        if thread.is_hidden:
            raise PermissionDenied("This thread is hidden.")
        if not thread.is_approved:
            raise ValidationError(
                "This thread is waiting for a coach's approval; replies open after."
            )
        raise ValidationError("This thread is locked; no new replies.", code="locked")
    now = timezone.now()
    _flood_check(author, now)
    post = _new_post(thread=thread, author=author, body=body, attach_badge=attach_badge, now=now)
    post.is_approved = not _needs_approval(author, thread.category)
    post.full_clean()
    post.save()
    if post.is_approved:
        post_publish(post)
    else:
        ThreadWatch.objects.get_or_create(member=author, thread=thread)
    return post


@transaction.atomic
def post_edit(*, editor: User, post: Post, body: str) -> Post:
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if not permissions.can_edit_post(editor, post, post.thread):
        # The reason a member reads, most fundamental first.
        if not permissions.can_change_post(editor, post):
            raise PermissionDenied("You can only edit your own posts.")
        if post.is_deleted:
            raise ValidationError("This post was deleted.")
        raise ValidationError("This thread is locked; posts can no longer be edited.")
    body = body.strip()
    if body == post.body:
        return post
    PostRevision.objects.create(
        post=post, body=post.body, edited_by=editor, edited_by_name=editor.public_name[:60]
    )
    post.body = body
    post.body_html = body_render(body=body)
    post.edited_at = timezone.now()
    post.full_clean()
    post.save(update_fields=["body", "body_html", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, member: User, post: Post) -> Post:
    """Soft delete: the row stays (replies keep their place) but the text is no longer shown."""
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if not permissions.can_change_post(member, post):
        raise PermissionDenied("You can only delete your own posts.")
    if post.is_deleted:
        return post
    if not post.is_hidden:
        post_count_change(post, -1)
    post.is_deleted = True
    post.save(update_fields=["is_deleted"])
    return post
