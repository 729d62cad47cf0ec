"""Milestones: real events worth a gentle word, each raised once per member by the service that
sees it happen (programs.services.milestones). Imported by programs.models."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from programs.engine.milestones import SESSION_MILESTONES

MEMBER = settings.AUTH_USER_MODEL


class MilestoneKind(models.TextChoices):
    PHASE = "phase", "Phase reached"
    SESSIONS = "sessions", "Sessions done"
    GREEN_WEEK = "green_week", "A week all green"
    GOAL = "goal", "Goal improved"


def _only(**present) -> Q:
    """The detail fields a kind carries are set; every other detail field is blank."""
    fields = ("phase", "sessions", "goal", "week_start")
    condition = Q()
    for name in fields:
        condition &= Q(**{f"{name}__isnull": name not in present})
    return condition


class Milestone(models.Model):
    """One milestone of one member. The partial unique constraints make a second one of the
    same kind (and phase, count or goal) impossible, however often the event is reported."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices)
    phase = models.ForeignKey(
        "programs.Phase", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    goal = models.ForeignKey(
        "programs.Goal", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    goal_from = models.PositiveSmallIntegerField(null=True, blank=True)
    goal_to = models.PositiveSmallIntegerField(null=True, blank=True)
    week_start = models.DateField(null=True, blank=True, help_text="The green week's Monday.")
    reached_on = models.DateField(help_text="The member's local date.")
    seen_at = models.DateTimeField(
        null=True, blank=True, help_text="When Today showed it (shown once, then kept on Progress)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reached_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=MilestoneKind.PHASE) & _only(phase=True))
                | (
                    Q(kind=MilestoneKind.SESSIONS)
                    & _only(sessions=True)
                    & Q(sessions__in=SESSION_MILESTONES)
                )
                | (Q(kind=MilestoneKind.GREEN_WEEK) & _only(week_start=True))
                | (
                    Q(kind=MilestoneKind.GOAL)
                    & _only(goal=True)
                    & Q(goal_from__isnull=False, goal_to__isnull=False)
                    & Q(goal_to__gt=models.F("goal_from"))
                ),
                name="milestone_kind_has_its_details",
            ),
            models.UniqueConstraint(
                fields=["member", "phase"],
                condition=Q(kind=MilestoneKind.PHASE),
                name="one_milestone_per_phase",
            ),
            models.UniqueConstraint(
                fields=["member", "sessions"],
                condition=Q(kind=MilestoneKind.SESSIONS),
                name="one_milestone_per_session_count",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(kind=MilestoneKind.GREEN_WEEK),
                name="one_first_green_week",
            ),
            models.UniqueConstraint(
                fields=["member", "goal"],
                condition=Q(kind=MilestoneKind.GOAL),
                name="one_milestone_per_goal",
            ),
        ]
        indexes = [
            models.Index(
                fields=["member"], condition=Q(seen_at__isnull=True), name="milestone_unseen"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.member} on {self.reached_on}"
