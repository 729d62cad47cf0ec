"""A coach's programme-wide edit (a phase, a pool entry, an exercise) and the replanning that
follows it: stored plans of today and later are made again from the edited programme, so an
edit reaches what members are shown and sent at once. The members an edit reaches are split
into chunks once (ProgrammeEditChunk), and each chunk is its own task, so workers replan in
parallel and a chunk killed part-way is sent again on its own. Imported by programs.models."""

from django.db import models
from django.db.models import Q


class ProgrammeEdit(models.Model):
    """One edit to replan after. `sent_at` / `sends` count the sends of the task that splits
    its members into chunks (`fanned_out_at` once it has); each chunk counts its own."""

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
    members = models.PositiveIntegerField(
        default=0, help_text="Members the edit reaches, counted when they were split into chunks."
    )
    members_replanned = models.PositiveIntegerField(default=0)
    fanned_out_at = models.DateTimeField(
        null=True, blank=True, help_text="When its members were split into chunks and sent."
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Its replanning (or one of its chunks) was sent several times without "
        "finishing: see the worker's log, then replan again from the list.",
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


class ProgrammeEditChunk(models.Model):
    """Up to a hundred members replanned after an edit in one transaction: either all of them
    are replanned with `done_at`, or none is and the chunk is sent again."""

    edit = models.ForeignKey(ProgrammeEdit, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    member_ids = models.JSONField(default=list)
    sent_at = models.DateTimeField(null=True, blank=True)
    sends = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Sent the most times allowed without finishing: no longer sent again by itself. "
        "See the worker's log, then replan the edit again from admin.",
    )
    members_replanned = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["edit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["edit", "number"], name="edit_chunk_unique_number"),
        ]
        indexes = [
            models.Index(
                fields=["sent_at"], condition=Q(done_at__isnull=True), name="edit_chunk_pending"
            )
        ]

    def __str__(self) -> str:
        return f"Edit {self.edit_id} chunk {self.number}"
