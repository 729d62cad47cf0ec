"""A coach's programme-wide edit (a phase, a pool entry, an exercise) and the replanning that
follows it: stored plans of today and later are made again from the edited programme, a chunk
of members at a time, so an edit reaches what members are shown and sent at once. Imported by
programs.models."""

from django.db import models
from django.db.models import Q


class ProgrammeEdit(models.Model):
    """One edit to replan after. `after_member_id` is where the next chunk starts, so a worker
    killed part-way loses nothing and a second copy of a chunk finds it already done."""

    summary = models.CharField(max_length=200)
    phase_ids = models.JSONField(default=list, blank=True)
    exercise_ids = models.JSONField(default=list, blank=True)
    enrolled_phase_ids = models.JSONField(
        default=list,
        blank=True,
        help_text="Phases whose every active member is visited, planned today or not (a lowered "
        "weekly cap limits the doses members carry, not only stored plans).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    after_member_id = models.PositiveIntegerField(default=0)
    members_replanned = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Sent again several times without finishing: see the worker's log, then "
        "replan again from the list.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["sent_at"],
                condition=Q(finished_at__isnull=True),
                name="programme_edit_pending",
            )
        ]

    def __str__(self) -> str:
        state = "replanned" if self.finished_at else "failed" if self.failed_at else "replanning"
        return f"{self.summary} ({state})"
