"""In-app notifications (the bell) and their email, for any app. Apps describe an event in
plain fields (who, what, where to go); nothing here knows about forum posts or coach alerts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Topic(models.TextChoices):
    COMMUNITY = "community", "Community (replies, mentions, new threads)"
    COACHING = "coaching", "Coaching (messages and alerts)"


class EmailMode(models.TextChoices):
    INSTANT = "instant", "Email me at once"
    DIGEST = "digest", "One daily digest"
    OFF = "off", "No email (site only)"


class NotificationPreference(models.Model):
    """How a person wants email for one topic. No row means instant."""

    Email = EmailMode

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    topic = models.CharField(max_length=16, choices=Topic.choices)
    email = models.CharField(max_length=16, choices=EmailMode.choices, default=EmailMode.INSTANT)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "topic"], name="notifications_one_preference_per_topic"
            ),
            models.CheckConstraint(
                condition=Q(email__in=["instant", "digest", "off"]),
                name="notifications_preference_email_valid",
            ),
            models.CheckConstraint(
                condition=Q(topic__in=["community", "coaching"]),
                name="notifications_preference_topic_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.topic}: {self.email}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(max_length=16, choices=Topic.choices)
    kind = models.CharField(max_length=32)
    # One event, one notification per recipient, however often a task runs.
    event_key = models.CharField(max_length=80)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=60)
    verb = models.CharField(max_length=80)
    title = models.CharField(max_length=140, blank=True)
    url = models.CharField(max_length=300)
    # Urgent notifications are emailed at once whatever the recipient's email choice.
    urgent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # The email sweeper's scan: unread, not yet emailed.
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True, read_at__isnull=True),
                name="notification_email_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"], name="notifications_one_per_event"
            ),
            models.CheckConstraint(
                condition=Q(topic__in=["community", "coaching"]),
                name="notifications_topic_valid",
            ),
            models.CheckConstraint(
                condition=Q(url__startswith="/"), name="notifications_url_is_local_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} ({self.event_key})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def summary(self) -> str:
        text = f"{self.actor_name} {self.verb}".strip()
        return f"{text} “{self.title}”" if self.title else text
