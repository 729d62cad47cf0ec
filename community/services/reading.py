"""What a member follows (watched threads and categories) and how far they have read."""

from django.db import transaction

from backcore.accounts.models import User
from community.models import Category, CategoryWatch, Thread, ThreadRead, ThreadWatch


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
