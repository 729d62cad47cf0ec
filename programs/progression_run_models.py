"""The weekly run's record: a run split into chunks of members, each done once, so a run that
was killed part-way carries on where it stopped. Imported by programs.models."""

from django.db import models
from django.db.models import Q


class ProgressionRun(models.Model):
    """One start of the weekly progression: for the weeks that had ended at `due_at` in each
    member's own timezone, or for one given week (`week_start`) for every active member."""

    due_at = models.DateTimeField(null=True, blank=True)
    week_start = models.DateField(null=True, blank=True, help_text="A given week, for everyone.")
    members = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Weekly run {self.pk} ({'finished' if self.finished_at else 'in progress'})"


class ProgressionRunChunk(models.Model):
    """Up to a few hundred members reviewed for `week_start` in one transaction: either all of
    them are written with `done_at`, or none is and the chunk is sent again."""

    run = models.ForeignKey(ProgressionRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    week_start = models.DateField()
    enrolment_ids = models.JSONField(default=list)
    sent_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Sent the most times allowed without finishing: no longer sent again by itself "
        "(its members stay out of new runs). See the worker's log, then retry it from admin.",
    )
    members_reviewed = models.PositiveIntegerField(default=0)
    already_reviewed = models.PositiveIntegerField(default=0)
    decisions_written = models.PositiveIntegerField(default=0)
    advanced = models.PositiveIntegerField(default=0)
    stepped_back = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="run_chunk_unique_number"),
        ]
        indexes = [
            models.Index(
                fields=["sent_at"], condition=Q(done_at__isnull=True), name="run_chunk_pending"
            )
        ]

    def __str__(self) -> str:
        return f"Run {self.run_id} chunk {self.number}"
