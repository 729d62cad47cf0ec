"""Outcomes: the member's own goals (a patient-specific functional scale) and the four-weekly
re-checks, kept as a series that is never overwritten. Imported by programs.models."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from programs.engine.outcomes import Response

MEMBER = settings.AUTH_USER_MODEL
ZERO_TO_TEN = [MinValueValidator(0), MaxValueValidator(10)]
MAX_ACTIVE_GOALS = 3
FUNCTION_MAX_SCORE = 24  # eight items scored 0–3 (programs/seed lessons: function_questionnaire)


def _zero_to_ten(field: str, *, nullable: bool = False) -> Q:
    condition = Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 10})
    return condition | Q(**{f"{field}__isnull": True}) if nullable else condition


class CheckKind(models.TextChoices):
    INTAKE = "intake", "Intake"
    RECHECK = "recheck", "Re-check"


class OutcomeResponse(models.TextChoices):
    """The engine's verdict on a re-check (programs.engine.outcomes.Response), stored so the
    coach inbox and admin can filter for non-responders. Blank on the intake's first point."""

    RESPONDING = Response.RESPONDING.value, "Responding"
    NOT_YET = Response.NOT_YET.value, "No meaningful change yet"
    NOT_RESPONDING = Response.NOT_RESPONDING.value, "Not responding"


class Goal(models.Model):
    """An everyday activity the member's back makes hard, in their own words. At most three are
    active at once (programs.services.outcomes); a removed goal keeps its ratings."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="outcome_goals")
    activity = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(activity=""), name="goal_activity_not_blank"),
        ]
        indexes = [models.Index(fields=["member", "ended_at"], name="goal_member_active")]

    def __str__(self) -> str:
        return self.activity


class OutcomeCheck(models.Model):
    """One answered check: the intake's answers (the first point) or a four-weekly re-check."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="outcome_checks")
    kind = models.CharField(max_length=10, choices=CheckKind.choices)
    taken_on = models.DateField(help_text="The member's local date.")
    pain_usual = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    pain_worst = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    function_answers = models.JSONField(default=dict, blank=True)
    function_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(FUNCTION_MAX_SCORE)]
    )
    response = models.CharField(
        max_length=16,
        choices=OutcomeResponse.choices,
        blank=True,
        default="",
        help_text="The engine's verdict against the start, set when a re-check is saved.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k for k, _ in CheckKind.choices]),
                name="outcome_check_kind_valid",
            ),
            models.CheckConstraint(
                condition=_zero_to_ten("pain_usual", nullable=True),
                name="outcome_check_pain_usual_0_10",
            ),
            models.CheckConstraint(
                condition=_zero_to_ten("pain_worst", nullable=True),
                name="outcome_check_pain_worst_0_10",
            ),
            models.CheckConstraint(
                condition=Q(function_score__isnull=True)
                | Q(function_score__lte=FUNCTION_MAX_SCORE),
                name="outcome_check_function_0_24",
            ),
            models.CheckConstraint(
                condition=Q(kind="intake", response="")
                | Q(kind="recheck", response__in=OutcomeResponse.values),
                name="outcome_check_response_valid",
            ),
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(kind="intake"),
                name="one_intake_outcome_per_member",
            ),
        ]
        indexes = [
            models.Index(fields=["member", "-taken_on"], name="outcome_check_latest"),
            # The admin's list over every member, in the model's order, one page at a time.
            models.Index(fields=["taken_on", "created_at", "id"], name="outcome_check_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.member} on {self.taken_on}"


class GoalRating(models.Model):
    """How well the member can do a goal's activity, 0 (not at all) to 10 (as before), on a
    day: from a re-check, or from the goals page."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="ratings")
    outcome_check = models.ForeignKey(
        OutcomeCheck,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goal_ratings",
    )
    rating = models.PositiveSmallIntegerField(validators=ZERO_TO_TEN)
    rated_on = models.DateField(help_text="The member's local date.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rated_on", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_zero_to_ten("rating"), name="goal_rating_0_10"),
            models.UniqueConstraint(
                fields=["goal", "outcome_check"], name="one_rating_per_goal_per_check"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.rating}/10 on {self.rated_on}"


class RecheckSkip(models.Model):
    """The member said "not now" to a due re-check: quiet for that day, asked at the next visit."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="recheck_skips")
    skipped_on = models.DateField(help_text="The member's local date.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "skipped_on"], name="one_skip_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member} skipped the re-check on {self.skipped_on}"
