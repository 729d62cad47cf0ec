"""Bench data for the forum: threads, posts (one very long thread), reactions, and what a
moderator finds waiting (posts awaiting approval, open reports, handled ones behind them). Bulk
inserts; counters and last-post links are set afterwards as the posting service would leave
them."""

from datetime import timedelta

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.html import escape

from backcore.accounts.names import public_name_of
from backcore.bench import BATCH, BenchContext, analyze, register
from community.models import Category, Post, Reaction, Report, Thread

WORDS = [
    "back",
    "hold",
    "bridge",
    "plank",
    "breathing",
    "walk",
    "stiff",
    "morning",
    "week",
    "phase",
    "coach",
    "dose",
    "slow",
    "steady",
    "reps",
    "sets",
    "hip",
    "glute",
    "core",
    "brace",
    "sitting",
    "desk",
    "sleep",
    "stretch",
    "tired",
    "better",
    "worse",
    "today",
    "plan",
    "bird",
    "dog",
    "cat",
    "cow",
    "tilt",
    "knee",
    "chair",
    "stairs",
    "garden",
    "work",
    "kids",
    "lifting",
    "bending",
    "twinge",
]
COMMON = "pain"  # in about a third of posts
RARE = "kayak"  # in about one post in a thousand
LONG_THREAD_POSTS = 1_000
PENDING_ONE_IN = 500  # posts awaiting approval: one for every 500 visible posts
REPORTED_ONE_IN = 200  # open reports: one for every 200 visible posts, as many handled
REPORT_REASONS = [
    "This reads like medical advice.",
    "Unkind reply to a newcomer.",
    "Advertising a paid programme.",
    "Off topic for this category.",
]


def _post(rng, members: list[int], **fields) -> Post:
    """A post by a member picked at random, with a body of bench words, drawn as posting draws
    a plain paragraph; `fields` give its thread, time and state."""
    author = rng.choice(members)
    body = _body(rng)
    return Post(
        author_id=author,
        author_name=public_name_of(member_id=author, display_name=None),
        body=body,
        body_html=f"<p>{escape(body)}</p>",
        **fields,
    )


def _body(rng) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 60))]
    if rng.random() < 0.33:
        words.insert(rng.randrange(len(words)), COMMON)
    if rng.random() < 0.001:
        words.insert(rng.randrange(len(words)), RARE)
    return " ".join(words).capitalize() + "."


@register(order=20)
def forum(ctx: BenchContext) -> None:
    rng = ctx.rng
    categories = list(Category.objects.filter(who_can_start="members")) or list(
        Category.objects.all()
    )
    members = ctx.member_ids
    thread_count = max(10, len(members) // 2)
    posts_per_thread = 20
    now = timezone.now()
    threads = []
    for _ in range(thread_count):
        author = rng.choice(members)
        threads.append(
            Thread(
                category=rng.choice(categories),
                title=" ".join(rng.choice(WORDS) for _ in range(5)).capitalize(),
                author_id=author,
                author_name=public_name_of(member_id=author, display_name=None),
                created_at=now - timedelta(days=rng.randint(1, 365)),
            )
        )
    threads = Thread.objects.bulk_create(threads, batch_size=BATCH)
    long_thread = threads[0]
    posts = []
    total = 0
    for thread in threads:
        count = (
            LONG_THREAD_POSTS if thread is long_thread else rng.randint(2, posts_per_thread * 2 - 2)
        )
        for n in range(count):
            posts.append(
                _post(
                    rng,
                    members,
                    thread=thread,
                    created_at=thread.created_at + timedelta(minutes=n * 7),
                    is_opening=n == 0,
                )
            )
        if len(posts) >= BATCH:
            total += len(Post.objects.bulk_create(posts, batch_size=BATCH))
            posts.clear()
    total += len(Post.objects.bulk_create(posts, batch_size=BATCH))
    # Reactions on the long thread's posts and a sample of the rest.
    long_ids = list(Post.objects.filter(thread=long_thread).values_list("pk", flat=True))
    sample = list(
        Post.objects.exclude(thread=long_thread)
        .order_by("?")
        .values_list("pk", flat=True)[: len(members)]
    )
    reactions = set()
    for post_id in long_ids + sample:
        for _ in range(rng.randint(0, 4)):
            reactions.add(
                (post_id, rng.choice(members), rng.choice(["cheer", "thanks", "same_here"]))
            )
    Reaction.objects.bulk_create(
        [Reaction(post_id=p, member_id=m, kind=k) for p, m, k in reactions], batch_size=BATCH
    )
    # Counters and last-post links, as the posting service keeps them.
    last = {
        row["thread_id"]: row
        for row in Post.objects.values("thread_id").annotate(
            n=Count("id"), last_id=Max("id"), last_at=Max("created_at")
        )
    }
    for thread in threads:
        row = last[thread.pk]
        thread.reply_count = row["n"] - 1
        thread.last_post_id = row["last_id"]
        thread.last_post_at = row["last_at"]
    Thread.objects.bulk_update(
        threads, ["reply_count", "last_post", "last_post_at"], batch_size=1000
    )
    for category in Category.objects.all():
        stats = Post.objects.filter(thread__category=category).aggregate(
            n=Count("id"), last_id=Max("id"), last_at=Max("created_at")
        )
        category.thread_count = Thread.objects.filter(category=category).count()
        category.post_count = stats["n"]
        category.last_post_id = stats["last_id"]
        category.last_post_at = stats["last_at"]
        category.save(update_fields=["thread_count", "post_count", "last_post", "last_post_at"])
    ctx.facts["threads"] = len(threads)
    ctx.facts["posts"] = total
    ctx.facts["reactions"] = len(reactions)
    ctx.facts["long thread"] = long_thread.pk
    ctx.say(f"  {len(threads)} threads, {total} posts, {len(reactions)} reactions")


@register(order=21)
def moderation_backlog(ctx: BenchContext) -> None:
    """What the moderation queue holds on a busy forum: posts awaiting approval (new members'
    first replies, newest in their threads, not counted, as posting leaves them) and open
    reports on visible posts, with as many handled reports behind them."""
    rng = ctx.rng
    members = ctx.member_ids
    visible = list(Post.objects.order_by("pk").values_list("pk", flat=True))
    threads = list(Thread.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    pending = []
    for _ in range(max(5, len(visible) // PENDING_ONE_IN)):
        pending.append(
            _post(
                rng,
                members,
                thread_id=rng.choice(threads),
                created_at=now - timedelta(minutes=rng.randint(1, 3 * 24 * 60)),
                is_approved=False,
            )
        )
    Post.objects.bulk_create(pending, batch_size=BATCH)
    reported = max(5, len(visible) // REPORTED_ONE_IN)
    reports = []
    for n, post_id in enumerate(rng.sample(visible, min(len(visible), 2 * reported))):
        handled = n >= reported
        reports.append(
            Report(
                post_id=post_id,
                reporter_id=rng.choice(members),
                reason=rng.choice(REPORT_REASONS),
                status=rng.choice([Report.Status.RESOLVED, Report.Status.DISMISSED])
                if handled
                else Report.Status.OPEN,
                created_at=now - timedelta(hours=rng.randint(1, 24 * 60)),
                handled_by_id=ctx.coach_id if handled else None,
                handled_at=now - timedelta(minutes=rng.randint(1, 60)) if handled else None,
            )
        )
    Report.objects.bulk_create(reports, batch_size=BATCH)
    analyze(Post, Report)
    ctx.facts["posts awaiting approval"] = len(pending)
    ctx.facts["open reports"] = reported
    ctx.say(f"  {len(pending)} posts awaiting approval, {reported} open reports")
