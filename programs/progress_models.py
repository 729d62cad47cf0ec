"""Progress's stored running totals. Imported by programs.models."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ProgressTotals(models.Model):
    """A member's totals over every week before `through_week` (the first week Progress charts
    week by week): finished sessions, seconds under tension and, per exercise, the best hold
    and rep count with the week each was reached and the sessions it was in. Progress reads
    this row and only the weeks it shows; `progress_totals_roll` moves it forward as weeks
    leave the charts, and a change to a session older than any chart drops it
    (programs/cache.py), so it is never trusted past what it was computed from."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_totals"
    )
    through_week = models.DateField(help_text="Totals of sessions dated before this Monday.")
    sessions_completed = models.PositiveIntegerField(default=0)
    tension_seconds = models.PositiveBigIntegerField(default=0)
    # [[exercise id, name, best hold, its week, best reps, its week, sessions], ...]
    exercises = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "progress totals"
        constraints = [
            models.CheckConstraint(
                condition=Q(through_week__week_day=2), name="progress_totals_through_a_monday"
            ),
        ]

    def __str__(self) -> str:
        return f"Progress totals of {self.member} before {self.through_week}"
