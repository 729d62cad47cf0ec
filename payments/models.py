from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class SuggestedAmount(models.Model):
    """An amount offered on /join/; coaches and staff edit these in admin. Stored in minor units."""

    amount_minor = models.PositiveIntegerField(
        unique=True, help_text="In cents/pence: 1500 = 15.00"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "amount_minor"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="suggested_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_minor / 100:.2f}"


class Contribution(models.Model):
    """One payment (or the free join): one row per Checkout Session and per later subscription invoice."""

    class Kind(models.TextChoices):
        FREE = "free", "No cost"
        ONE_TIME = "one_time", "One-time"
        MONTHLY = "monthly", "Monthly"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for checkout"
        PROCESSING = "processing", "Processing"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"
        CANCELLED = "cancelled", "Cancelled"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
    )
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=128, unique=True)
    checkout_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    invoice_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    customer_id = models.CharField(max_length=255, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    receipt_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        # The admin's list, newest first, one page at a time (and date ranges by created_at).
        indexes = [models.Index(fields=["-created_at", "-id"], name="contribution_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="contribution_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["free", "one_time", "monthly"]),
                name="contribution_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["pending", "processing", "paid", "failed", "refunded", "cancelled"]
                ),
                name="contribution_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[a-z]{3}$"),
                name="contribution_currency_lowercase_iso",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount_display} {self.get_kind_display().lower()} ({self.get_status_display().lower()})"

    @property
    def amount_display(self) -> str:
        from payments.money import format_minor

        return format_minor(self.amount_minor, self.currency)


class Subscription(models.Model):
    """A member's monthly contribution as Stripe last told us about it."""

    stripe_subscription_id = models.CharField(max_length=255, unique=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contribution_subscriptions",
    )
    amount_minor = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=32, default="incomplete")
    cancel_at_period_end = models.BooleanField(default=False)
    current_period_end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="subscription_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="subscription_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stripe_subscription_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in {"active", "trialing", "past_due", "incomplete"}

    @property
    def amount_display(self) -> str:
        from payments.money import format_minor

        return format_minor(self.amount_minor, self.currency)


class WebhookEvent(models.Model):
    """Every verified Stripe event, stored once by its id, processed in the background."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored (type not handled)"
        FAILED = "failed", "Failed"

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["-received_at", "-id"], name="webhook_event_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "processed", "ignored", "failed"]),
                name="webhook_event_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"
