"""What happens when a post becomes visible or stops being visible: the thread's and category's
counters move, and watchers hear about it after the commit. Shared by posting and moderation."""

from django.db.models import F
from django.db.models.functions import Greatest

from backcore.dispatch import send_on_commit
from community.models import Category, Post, Thread, ThreadWatch


def post_publish(post: Post) -> None:
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
    send_on_commit("community.tasks.notify_post", post.pk)


def post_count_change(post: Post, delta: int) -> None:
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
