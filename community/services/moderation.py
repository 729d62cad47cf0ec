"""Coaches keeping the forum safe: approving first posts, hiding, pinning, locking, moving,
and handling members' reports. Every function asks community.permissions first."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from backcore.accounts.models import User
from community.models import Category, Post, Report, Thread
from community.permissions import require_moderator
from community.services.publishing import post_count_change, post_publish


@transaction.atomic
def post_approve(*, coach: User, post: Post) -> Post:
    require_moderator(coach)
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if post.is_approved:
        return post
    post.is_approved = True
    post.save(update_fields=["is_approved"])
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(is_approved=True)
    post_publish(post)
    return post


@transaction.atomic
def post_hide(*, coach: User, post: Post, reason: str) -> Post:
    require_moderator(coach)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say briefly why the post is hidden."})
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if not post.is_hidden and not post.is_deleted:
        post_count_change(post, -1)
    post.is_hidden = True
    post.hidden_reason = reason[:300]
    post.full_clean()
    post.save(update_fields=["is_hidden", "hidden_reason"])
    return post


@transaction.atomic
def post_unhide(*, coach: User, post: Post) -> Post:
    require_moderator(coach)
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if not post.is_hidden:
        return post
    post.is_hidden = False
    post.hidden_reason = ""
    post.save(update_fields=["is_hidden", "hidden_reason"])
    if not post.is_deleted:
        post_count_change(post, +1)
    return post


@transaction.atomic
def thread_set_flags(
    *, coach: User, thread: Thread, pinned: bool | None = None, locked: bool | None = None
) -> Thread:
    require_moderator(coach)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    fields = []
    if pinned is not None:
        thread.is_pinned = pinned
        fields.append("is_pinned")
    if locked is not None:
        thread.is_locked = locked
        fields.append("is_locked")
    if fields:
        thread.save(update_fields=fields)
    return thread


@transaction.atomic
def thread_hide(*, coach: User, thread: Thread, reason: str) -> Thread:
    require_moderator(coach)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say briefly why the thread is hidden."})
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    thread.is_hidden = True
    thread.hidden_reason = reason[:300]
    thread.save(update_fields=["is_hidden", "hidden_reason"])
    return thread


@transaction.atomic
def thread_unhide(*, coach: User, thread: Thread) -> Thread:
    require_moderator(coach)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    thread.is_hidden = False
    thread.hidden_reason = ""
    thread.save(update_fields=["is_hidden", "hidden_reason"])
    return thread


@transaction.atomic
def thread_move(*, coach: User, thread: Thread, category: Category) -> Thread:
    require_moderator(coach)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.category_id == category.pk:
        return thread
    if thread.is_approved:
        posts = Post.objects.filter(
            thread=thread, is_approved=True, is_hidden=False, is_deleted=False
        ).count()
        # Both counters locked in one order, so two moves in opposite directions between the
        # same two categories wait for each other instead of deadlocking.
        list(
            Category.objects.select_for_update()
            .filter(pk__in=[thread.category_id, category.pk])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Category.objects.filter(pk=thread.category_id).update(
            thread_count=Greatest(F("thread_count") - 1, 0),
            post_count=Greatest(F("post_count") - posts, 0),
        )
        Category.objects.filter(pk=category.pk).update(
            thread_count=F("thread_count") + 1,
            post_count=F("post_count") + posts,
            last_post_at=Greatest(F("last_post_at"), Value(thread.last_post_at)),
        )
    thread.category = category
    thread.save(update_fields=["category"])
    return thread


@transaction.atomic
def report_create(*, reporter: User, post: Post, reason: str) -> Report:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Tell the coaches what is wrong with this post."})
    existing = Report.objects.filter(
        post=post, reporter=reporter, status=Report.Status.OPEN
    ).first()
    if existing:
        return existing
    report = Report(post=post, reporter=reporter, reason=reason[:500])
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_close(*, coach: User, report: Report, status: str, note: str = "") -> Report:
    require_moderator(coach)
    if status not in (Report.Status.RESOLVED, Report.Status.DISMISSED):
        raise ValidationError({"status": "Resolve or dismiss the report."})
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.OPEN:
        return report
    report.status = status
    report.note = note.strip()[:300]
    report.handled_by = coach
    report.handled_at = timezone.now()
    report.full_clean()
    report.save(update_fields=["status", "note", "handled_by", "handled_at"])
    return report
