"""Community forum: categories, flat threads, posts, reactions, reports.
Notifications live in backcore.notifications."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

FORMER_MEMBER = "former member"


class Category(models.Model):
    class Starters(models.TextChoices):
        MEMBERS = "members", "Any member"
        COACHES = "coaches", "Coaches only"

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    who_can_start = models.CharField(
        max_length=16,
        choices=Starters.choices,
        default=Starters.MEMBERS,
        help_text="Who may start new threads. Everyone may reply unless a thread is locked.",
    )
    new_member_posts_need_approval = models.BooleanField(
        default=False,
        help_text="A new member's first few posts wait for a coach before others see them.",
    )
    # Counters, kept up to date with F() in the posting transaction.
    thread_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(null=True, blank=True)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(who_can_start__in=["members", "coaches"]),
                name="community_category_who_can_start_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("community:category", args=[self.slug])


class Thread(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(max_length=140)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_threads",
    )
    author_name = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    is_approved = models.BooleanField(default=True)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    last_post_at = models.DateTimeField(default=timezone.now)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["category", "-is_pinned", "-last_post_at"], name="community_thread_listing"
            ),
            # a category's count of the threads a member may open, from the index alone
            models.Index(
                fields=["category"],
                include=["is_approved", "author"],
                condition=Q(is_hidden=False),
                name="community_thread_counted",
            ),
        ]
        permissions = [("moderate_community", "Can moderate the community forum")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:thread", args=[self.pk])


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_posts",
    )
    author_name = models.CharField(max_length=60)
    body = models.TextField(max_length=20_000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_opening = models.BooleanField(default=False, help_text="The post that started the thread.")
    is_approved = models.BooleanField(default=True)
    is_deleted = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=300, blank=True)
    # Check-in badge snapshot, computed from the member's programme logs at posting time.
    badge_streak_days = models.PositiveIntegerField(null=True, blank=True)
    badge_phase_name = models.CharField(max_length=80, blank=True)
    # Empty while watchers and mentioned members are still to be notified: if the task was never
    # queued (Redis down) or its message was lost, a beat sweeper queues it again.
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["thread", "created_at"], name="community_post_thread_order"),
            # a thread's count of the posts a member's listing shows, from the index alone
            models.Index(
                fields=["thread"], include=["is_approved", "author"], name="community_post_counted"
            ),
            models.Index(fields=["author", "-created_at"], name="community_post_author_recent"),
            # the moderation queue: posts awaiting approval, oldest first
            models.Index(
                fields=["created_at", "id"],
                condition=Q(is_approved=False, is_hidden=False, is_deleted=False),
                name="community_post_pending",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(notified_at__isnull=True),
                name="community_post_notify_pending",
            ),
            # search: the latest published posts first; a common word's matches are read
            # newest first through it and only the latest SEARCH_RANKED are ranked
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_approved=True, is_hidden=False, is_deleted=False),
                name="community_post_recent",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_hidden=False) | ~Q(hidden_reason=""),
                name="community_post_hidden_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse("community:post", args=[self.pk])

    @property
    def is_visible(self) -> bool:
        return self.is_approved and not self.is_hidden and not self.is_deleted

    @property
    def has_badge(self) -> bool:
        return self.badge_streak_days is not None


class PostRevision(models.Model):
    """The body as it was before an edit; coaches can read the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_by_name = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        CHEER = "cheer", "Cheer"
        SAME_HERE = "same_here", "Same here"
        THANKS = "thanks", "Thanks"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_reactions"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "post", "kind"], name="community_one_reaction_kind_per_member"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["cheer", "same_here", "thanks"]),
                name="community_reaction_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on post {self.post_id}"


class Report(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_reports",
    )
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # the moderation queue: open reports, oldest first
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status="open"),
                name="community_report_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "resolved", "dismissed"]),
                name="community_report_status_valid",
            ),
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=Q(status="open"),
                name="community_one_open_report_per_member_post",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} on post {self.post_id} ({self.status})"


class ThreadWatch(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_thread_watches"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="community_one_thread_watch")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} watches thread {self.thread_id}"


class CategoryWatch(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_category_watches",
    )
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "category"], name="community_one_category_watch"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} watches category {self.category_id}"


class ThreadRead(models.Model):
    """Where a member stopped reading a thread, for "new since your last visit"."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_thread_reads"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_at = models.DateTimeField()
    last_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="community_one_thread_read")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} read thread {self.thread_id}"


class MilestoneShare(models.Model):
    """A programme milestone the member chose to share, once: its thread in the wins category.
    The milestone lives in programs; the forum keeps only its id (community reads programs
    through programs.selectors and nothing else)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestone_shares"
    )
    milestone_id = models.PositiveIntegerField()
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["milestone_id"], name="one_share_per_milestone"),
        ]

    def __str__(self) -> str:
        return f"Milestone {self.milestone_id} shared by {self.member_id}"
