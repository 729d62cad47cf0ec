"""Community writes. Every change to the forum goes through one of these functions."""

from datetime import timedelta

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Lower, Replace
from django.urls import reverse
from django.utils import timezone

from backcore import markdown
from backcore.accounts.models import Profile, User
from backcore.dispatch import send_on_commit
from backcore.notifications import services as notifications
from backcore.notifications.models import EmailMode, Topic
from community.models import (
    FORMER_MEMBER,
    Category,
    CategoryWatch,
    Post,
    PostRevision,
    Reaction,
    Report,
    Thread,
    ThreadRead,
    ThreadWatch,
)
from programs import selectors as programs_selectors

# Flood control: constants, not settings, so a misconfiguration cannot switch it off.
FLOOD_MIN_SECONDS = 20
FLOOD_MAX_PER_DAY = 30
# A new member's first posts wait for a coach in categories that ask for it.
APPROVAL_FIRST_POSTS = 3
UNSUBSCRIBE_SALT = "community.unsubscribe"


class FloodControlError(ValidationError):
    """Posting too fast or too often. The view answers 429 and gives the typed text back."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="flood")
        self.retry_after = retry_after


# ---------------------------------------------------------------- helpers


def is_moderator(user) -> bool:
    """Coaches (the "Coaches" group) and staff moderate the forum. Remembered on the user
    object so a page asks the database at most once."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_community_moderator", None)
    if cached is None:
        cached = bool(user.is_staff or user.is_coach)
        user._community_moderator = cached
    return cached


def _require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only coaches can do that.")


def member_url(user_id: int) -> str:
    return reverse("community:member", args=[user_id])


def mentions_resolve(*, body: str) -> dict[str, int]:
    """@handles in a body → member ids. A handle is the display name without spaces,
    or `@member<id>` for members without a display name."""
    handles = markdown.mention_handles(body)
    if not handles:
        return {}
    found: dict[str, int] = {}
    by_id = {h: int(h[6:]) for h in handles if h.startswith("member") and h[6:].isdigit()}
    if by_id:
        for uid in User.objects.filter(pk__in=by_id.values(), is_active=True).values_list(
            "pk", flat=True
        ):
            found[f"member{uid}"] = uid
    rows = (
        Profile.objects.annotate(handle=Lower(Replace("display_name", Value(" "), Value(""))))
        .filter(handle__in=handles, user__is_active=True)
        .values_list("handle", "user_id")
    )
    for handle, uid in rows:
        found.setdefault(handle, uid)
    return found


def body_render(*, body: str) -> str:
    """Markdown → cleaned HTML, with @mentions linked. Used on save and for the preview."""
    mentions = {h: member_url(uid) for h, uid in mentions_resolve(body=body).items()}
    return markdown.render(body, mentions=mentions)


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
    if is_moderator(author):
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
    if not category.new_member_posts_need_approval or is_moderator(author):
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


def _publish(post: Post) -> None:
    """Count a visible post on its thread and category and notify watchers after commit."""
    thread_updates = {"last_post_at": post.created_at, "last_post_id": post.pk}
    category_updates = {
        "post_count": F("post_count") + 1,
        "last_post_at": post.created_at,
        "last_post_id": post.pk,
    }
    if post.is_opening:
        category_updates["thread_count"] = F("thread_count") + 1
    else:
        thread_updates["reply_count"] = F("reply_count") + 1
    Thread.objects.filter(pk=post.thread_id).update(**thread_updates)
    Category.objects.filter(pk=post.thread.category_id).update(**category_updates)
    if post.author_id:
        ThreadWatch.objects.get_or_create(member_id=post.author_id, thread_id=post.thread_id)
    from community import tasks  # tasks import services; import here to avoid a cycle

    post_id = post.pk
    send_on_commit(tasks.notify_post, post_id)


def _count_change(post: Post, delta: int) -> None:
    """A published post disappears (delta=-1) or comes back (+1)."""
    if not post.is_approved:
        return
    if not post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(
            reply_count=Greatest(F("reply_count") + delta, 0)
        )
    Category.objects.filter(pk=post.thread.category_id).update(
        post_count=Greatest(F("post_count") + delta, 0)
    )


# ---------------------------------------------------------------- posting


@transaction.atomic
def thread_create(
    *, author: User, category: Category, title: str, body: str, attach_badge: bool = False
) -> Thread:
    if category.who_can_start == Category.Starters.COACHES and not is_moderator(author):
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
        _publish(post)
    else:
        ThreadWatch.objects.get_or_create(member=author, thread=thread)
    return thread


@transaction.atomic
def post_create(*, author: User, thread: Thread, body: str, attach_badge: bool = False) -> Post:
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("category").get(pk=thread.pk)
    )
    moderator = is_moderator(author)
    if thread.is_hidden and not moderator:
        raise PermissionDenied("This thread is hidden.")
    if not thread.is_approved and not moderator:
        raise ValidationError("This thread is waiting for a coach's approval; replies open after.")
    if thread.is_locked and not moderator:
        raise ValidationError("This thread is locked; no new replies.", code="locked")
    now = timezone.now()
    _flood_check(author, now)
    post = _new_post(thread=thread, author=author, body=body, attach_badge=attach_badge, now=now)
    post.is_approved = not _needs_approval(author, thread.category)
    post.full_clean()
    post.save()
    if post.is_approved:
        _publish(post)
    else:
        ThreadWatch.objects.get_or_create(member=author, thread=thread)
    return post


@transaction.atomic
def post_approve(*, coach: User, post: Post) -> Post:
    _require_moderator(coach)
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if post.is_approved:
        return post
    post.is_approved = True
    post.save(update_fields=["is_approved"])
    if post.is_opening:
        Thread.objects.filter(pk=post.thread_id).update(is_approved=True)
    _publish(post)
    return post


@transaction.atomic
def post_edit(*, editor: User, post: Post, body: str) -> Post:
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    moderator = is_moderator(editor)
    if post.author_id != editor.pk and not moderator:
        raise PermissionDenied("You can only edit your own posts.")
    if post.is_deleted:
        raise ValidationError("This post was deleted.")
    if post.thread.is_locked and not moderator:
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
    if post.author_id != member.pk and not is_moderator(member):
        raise PermissionDenied("You can only delete your own posts.")
    if post.is_deleted:
        return post
    if not post.is_hidden:
        _count_change(post, -1)
    post.is_deleted = True
    post.save(update_fields=["is_deleted"])
    return post


# ---------------------------------------------------------------- moderation


@transaction.atomic
def post_hide(*, coach: User, post: Post, reason: str) -> Post:
    _require_moderator(coach)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say briefly why the post is hidden."})
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if not post.is_hidden and not post.is_deleted:
        _count_change(post, -1)
    post.is_hidden = True
    post.hidden_reason = reason[:300]
    post.full_clean()
    post.save(update_fields=["is_hidden", "hidden_reason"])
    return post


@transaction.atomic
def post_unhide(*, coach: User, post: Post) -> Post:
    _require_moderator(coach)
    post = Post.objects.select_for_update(of=("self",)).select_related("thread").get(pk=post.pk)
    if not post.is_hidden:
        return post
    post.is_hidden = False
    post.hidden_reason = ""
    post.save(update_fields=["is_hidden", "hidden_reason"])
    if not post.is_deleted:
        _count_change(post, +1)
    return post


@transaction.atomic
def thread_set_flags(
    *, coach: User, thread: Thread, pinned: bool | None = None, locked: bool | None = None
) -> Thread:
    _require_moderator(coach)
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
    _require_moderator(coach)
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
    _require_moderator(coach)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    thread.is_hidden = False
    thread.hidden_reason = ""
    thread.save(update_fields=["is_hidden", "hidden_reason"])
    return thread


@transaction.atomic
def thread_move(*, coach: User, thread: Thread, category: Category) -> Thread:
    _require_moderator(coach)
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if thread.category_id == category.pk:
        return thread
    if thread.is_approved:
        posts = Post.objects.filter(
            thread=thread, is_approved=True, is_hidden=False, is_deleted=False
        ).count()
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
    _require_moderator(coach)
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


# ---------------------------------------------------------------- reactions, watching, reading


@transaction.atomic
def reaction_toggle(*, member: User, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns True when now present."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Choose cheer, same here or thanks."})
    if not post.is_visible:
        raise ValidationError("You can't react to this post.")
    deleted, _ = Reaction.objects.filter(member=member, post=post, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(member=member, post=post, kind=kind)
    return True


@transaction.atomic
def thread_watch_set(*, member: User, thread: Thread, watching: bool) -> None:
    if watching:
        ThreadWatch.objects.get_or_create(member=member, thread=thread)
    else:
        ThreadWatch.objects.filter(member=member, thread=thread).delete()


@transaction.atomic
def category_watch_set(*, member: User, category: Category, watching: bool) -> None:
    if watching:
        CategoryWatch.objects.get_or_create(member=member, category=category)
    else:
        CategoryWatch.objects.filter(member=member, category=category).delete()


def thread_mark_read(*, member: User, thread: Thread) -> None:
    """Remember how far the member has read: one upsert, whatever was there before."""
    ThreadRead.objects.bulk_create(
        [
            ThreadRead(
                member=member,
                thread=thread,
                last_read_at=thread.last_post_at,
                last_post_id=thread.last_post_id,
            )
        ],
        update_conflicts=True,
        unique_fields=["member", "thread"],
        update_fields=["last_read_at", "last_post"],
    )


# ---------------------------------------------------------------- notifications

NOTIFICATION_VERBS = {
    "reply": "replied in",
    "mention": "mentioned you in",
    "new_thread": "started",
}


def notification_preference_set(*, member: User, email: str):
    """The member's community email choice (instant, digest or off)."""
    return notifications.notification_preference_set(
        member=member, email=email, topic=Topic.COMMUNITY
    )


def email_mode(*, member: User) -> str:
    return notifications.email_mode(member=member, topic=Topic.COMMUNITY)


@transaction.atomic
def notifications_for_post(*, post_id: int) -> list[int]:
    """Notify watchers and mentioned members about one published post, through the shared
    notifications service. Safe to run twice: one notification per recipient per post."""
    post = Post.objects.select_related("thread", "author").filter(pk=post_id).first()
    if post is None or not post.is_visible or post.thread.is_hidden:
        return []
    thread = post.thread
    recipients: dict[int, str] = {}
    if post.is_opening:
        for uid in CategoryWatch.objects.filter(category_id=thread.category_id).values_list(
            "member_id", flat=True
        ):
            recipients[uid] = "new_thread"
    else:
        for uid in ThreadWatch.objects.filter(thread=thread).values_list("member_id", flat=True):
            recipients[uid] = "reply"
    for uid in mentions_resolve(body=post.body).values():
        recipients[uid] = "mention"
    recipients.pop(post.author_id, None)
    url = reverse("community:post", args=[post.pk])
    queued: list[int] = []
    for kind in NOTIFICATION_VERBS:
        ids = [uid for uid, k in recipients.items() if k == kind]
        if not ids:
            continue
        queued += notifications.notify(
            recipient_ids=ids,
            topic=Topic.COMMUNITY,
            kind=kind,
            event_key=f"post:{post.pk}",
            verb=NOTIFICATION_VERBS[kind],
            url=url,
            actor=post.author,
            actor_name=post.author_name,
            title=thread.title,
        )
    Post.objects.filter(pk=post.pk, notified_at__isnull=True).update(notified_at=timezone.now())
    return queued


# Links in emails sent before notifications moved to backcore still work.
def unsubscribe_token(*, user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT, compress=True)


@transaction.atomic
def unsubscribe_apply(*, token: str) -> User:
    """Turn off community email for the member a signed link names (no sign-in needed)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValidationError("This unsubscribe link is not valid.") from exc
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None:
        raise ValidationError("This unsubscribe link is no longer valid.")
    notification_preference_set(member=user, email=EmailMode.OFF)
    return user


# ---------------------------------------------------------------- privacy


@transaction.atomic
def member_forget(*, user_id: int) -> None:
    """Call before deleting an account: posts stay, under "former member", with personal
    details (name, check-in badge) stripped; the member's own forum state is removed."""
    notifications.notification_actor_forget(actor_id=user_id, name=FORMER_MEMBER)
    Post.objects.filter(author_id=user_id).update(
        author=None, author_name=FORMER_MEMBER, badge_streak_days=None, badge_phase_name=""
    )
    Thread.objects.filter(author_id=user_id).update(author=None, author_name=FORMER_MEMBER)
    PostRevision.objects.filter(edited_by_id=user_id).update(
        edited_by=None, edited_by_name=FORMER_MEMBER
    )
    Report.objects.filter(reporter_id=user_id).update(reporter=None)
    for model in (ThreadWatch, CategoryWatch, ThreadRead, Reaction):
        model.objects.filter(member_id=user_id).delete()
