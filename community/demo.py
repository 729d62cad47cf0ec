"""Demo forum content: a few threads and replies from the demo member and coach. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from backcore.demo import demo_seeder
from community import services
from community.models import Category, Post, Thread

DEMO_THREADS = [
    # category slug, title, starter role, opening post, replies as (role, body)
    (
        "announcements",
        "Welcome to the BackCore community",
        "coach",
        "Hello everyone! This is a place to swap notes, ask questions and cheer each other on.\n\n"
        "- Be kind and specific.\n- Questions about pain or dosing go to **Questions for coaches**.\n"
        "- If something feels wrong, use *Report* and a coach will look.",
        [("member", "Thanks @CoachRobin — glad to be here.")],
    ),
    (
        "introductions",
        "Hi from Sam",
        "member",
        "I've had a stiff lower back on and off for years. Starting slowly with the first phase "
        "and hoping to walk to work again by spring.",
        [("coach", "Welcome, Sam! Slow and steady is exactly right. Tell us how week one goes.")],
    ),
    (
        "questions-for-coaches",
        "How long should a bird dog hold be?",
        "member",
        "The plan says 8 seconds but I can only manage about 5 before I wobble. "
        "Should I keep going or stop at 5?",
        [
            (
                "coach",
                "Stop where your form is still good — 5 seconds with a steady pelvis beats 8 wobbly ones. "
                "The plan will only step up once a week feels comfortable.",
            )
        ],
    ),
]


def _ensure_thread(users, slug, title, role, body, replies, when) -> bool:
    category = Category.objects.filter(slug=slug).first()
    if category is None or Thread.objects.filter(category=category, title=title).exists():
        return False
    author = users[role]
    thread = services.thread_create(author=author, category=category, title=title, body=body)
    if not thread.is_approved:  # a new member's first posts wait for a coach
        services.post_approve(coach=users["coach"], post=thread.posts.get())
    # Demo posts are back-dated so flood control and "latest activity" look natural.
    Post.objects.filter(thread=thread).update(created_at=when)
    Thread.objects.filter(pk=thread.pk).update(created_at=when, last_post_at=when)
    for i, (reply_role, reply_body) in enumerate(replies, start=1):
        at = when + timedelta(hours=i)
        post = services.post_create(author=users[reply_role], thread=thread, body=reply_body)
        Post.objects.filter(pk=post.pk).update(created_at=at)
        Thread.objects.filter(pk=thread.pk).update(last_post_at=at)
    return True


@demo_seeder
@transaction.atomic
def seed(*, stdout, users) -> None:
    created = 0
    start = timezone.now() - timedelta(days=len(DEMO_THREADS) + 1)
    for i, (slug, title, role, body, replies) in enumerate(DEMO_THREADS):
        created += _ensure_thread(
            users, slug, title, role, body, replies, start + timedelta(days=i)
        )
    Thread.objects.filter(title="Welcome to the BackCore community").update(is_pinned=True)
    # The back-dating above must reach the category's "latest" line too, or the index says
    # "3 minutes ago" for a post its thread shows as three days old.
    for category in Category.objects.exclude(last_post=None).select_related("last_post"):
        category.last_post_at = category.last_post.created_at
        category.save(update_fields=["last_post_at"])
    stdout.write(f"Community: {created} demo thread(s) added.")
