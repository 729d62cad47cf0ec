"""The coach loop: alerts raised for coaches, what coaches did about them, and each member's
private conversation with the coaching team. Imported by programs.models."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MEMBER = settings.AUTH_USER_MODEL


class AlertCause(models.TextChoices):
    EMERGENCY = "emergency", "Emergency sign reported"
    CLEARANCE_WAITING = "clearance_waiting", "Waiting over 3 days for a clinician's clearance"
    SESSION_PAIN = "session_pain", "Session logged at 8/10 or with sharp pain"
    LEG_PAIN_SPREADING = "leg_pain_spreading", "Leg pain spreading further down"
    RED_SESSIONS = "red_sessions", "Two red sessions in a week"
    RED_WEEKS = "red_weeks", "Red weeks in a row"
    PAUSED_FOR_PAIN = "paused_for_pain", "Programme paused for pain"
    NO_IMPROVEMENT = "no_improvement", "Pain not improving after 4 weeks"
    FUNCTION_WORSE = "function_worse", "Function re-check got worse"
    STALLED = "stalled", "No session for 14 days"
    MEMBER_MESSAGE = "member_message", "Member wrote to the coaches"


class AlertSeverity(models.IntegerChoices):
    # Higher sorts first in the inbox.
    EMERGENCY = 3, "Emergency"
    HIGH = 2, "High"
    NORMAL = 1, "Normal"


CAUSE_SEVERITY = {
    AlertCause.EMERGENCY: AlertSeverity.EMERGENCY,
    AlertCause.SESSION_PAIN: AlertSeverity.HIGH,
    AlertCause.LEG_PAIN_SPREADING: AlertSeverity.HIGH,
    AlertCause.RED_SESSIONS: AlertSeverity.HIGH,
    AlertCause.RED_WEEKS: AlertSeverity.HIGH,
    AlertCause.PAUSED_FOR_PAIN: AlertSeverity.HIGH,
    AlertCause.CLEARANCE_WAITING: AlertSeverity.NORMAL,
    AlertCause.NO_IMPROVEMENT: AlertSeverity.NORMAL,
    AlertCause.FUNCTION_WORSE: AlertSeverity.NORMAL,
    AlertCause.STALLED: AlertSeverity.NORMAL,
    AlertCause.MEMBER_MESSAGE: AlertSeverity.NORMAL,
}


class AlertAction(models.TextChoices):
    RAISED = "raised", "Raised"
    REPEATED = "repeated", "Happened again"
    SENT = "sent", "Sent to coaches"
    RESENT = "resent", "Re-sent (still unresolved)"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ASSIGNED = "assigned", "Assigned"
    NOTE = "note", "Note"
    REPLIED = "replied", "Replied to the member"
    LIFTED = "lifted", "Emergency block lifted"
    CLEARED = "cleared", "Clearance recorded"
    RESOLVED = "resolved", "Resolved"


class CoachAlert(models.Model):
    """One per cause per member while open: the database refuses a second open one."""

    # Kept (member emptied) when the account is deleted, so coaches' actions stay on record.
    member = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="coach_alerts"
    )
    cause = models.CharField(max_length=24, choices=AlertCause.choices)
    severity = models.PositiveSmallIntegerField(choices=AlertSeverity.choices)
    detail = models.CharField(max_length=300, blank=True)
    occurrences = models.PositiveIntegerField(default=1)
    raised_at = models.DateTimeField(default=timezone.now)
    last_raised_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_to = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-severity", "-last_raised_at", "-pk"]
        indexes = [
            models.Index(
                fields=["-severity", "-last_raised_at"],
                condition=Q(resolved_at__isnull=True),
                name="coach_alert_open_inbox",
            ),
            models.Index(fields=["member", "-raised_at"], name="coach_alert_member_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "cause"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_coach_alert_per_member_cause",
            ),
            models.CheckConstraint(
                condition=Q(
                    cause__in=[
                        "emergency",
                        "clearance_waiting",
                        "session_pain",
                        "leg_pain_spreading",
                        "red_sessions",
                        "red_weeks",
                        "paused_for_pain",
                        "no_improvement",
                        "function_worse",
                        "stalled",
                        "member_message",
                    ]
                ),
                name="coach_alert_cause_valid",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=[1, 2, 3]), name="coach_alert_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()} ({self.member_id})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def is_emergency(self) -> bool:
        return self.cause == AlertCause.EMERGENCY


class CoachAlertEvent(models.Model):
    """Who did what to an alert, and when. Survives account deletion with the note emptied."""

    alert = models.ForeignKey(CoachAlert, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=AlertAction.choices)
    actor = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=60, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} on alert {self.alert_id}"


class Conversation(models.Model):
    """A member's private thread with the coaching team (one per member)."""

    member = models.OneToOneField(MEMBER, on_delete=models.CASCADE, related_name="conversation")
    created_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(null=True, blank=True)
    member_read_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Conversation of {self.member_id}"


def _photo_path(instance, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"conversations/{uuid.uuid4().hex}.{ext}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        MEMBER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=60)
    from_coach = models.BooleanField(default=False)
    body = models.TextField(max_length=5000)
    body_html = models.TextField(blank=True)
    photo = models.ImageField(upload_to=_photo_path, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["conversation", "created_at"], name="message_by_time")]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.conversation_id}"
