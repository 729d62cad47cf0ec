"""The programme: intake and red flags, phases and pools, each member's state, plans and decisions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from programs.choices import (
    CLINICIAN_FLAGS,
    EMERGENCY_FLAGS,
    ActivityLevel,
    AgeBand,
    DecisionKind,
    EnrolmentStatus,
    EscalationKind,
    ItemRole,
    Minutes,
    PainDuration,
    SessionStatus,
    Track,
)

MEMBER = settings.AUTH_USER_MODEL
ZERO_TO_TEN = [MinValueValidator(0), MaxValueValidator(10)]
TRAINING_DAYS_REGEX = r"^[01]{7}$"


def _in_choices(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


def _zero_to_ten(field: str, *, nullable: bool = False) -> Q:
    condition = Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 10})
    return condition | Q(**{f"{field}__isnull": True}) if nullable else condition


def _one_dose_kind(prefix: str) -> Q:
    """Exactly one of hold seconds or reps is set."""
    return Q(**{f"{prefix}hold_seconds__isnull": True}, **{f"{prefix}reps__isnull": False}) | Q(
        **{f"{prefix}hold_seconds__isnull": False}, **{f"{prefix}reps__isnull": True}
    )


class RedFlagAnswers(models.Model):
    """The eleven red-flag answers, shared by the intake and each screening's history row."""

    flag_saddle_numbness = models.BooleanField("groin or saddle numbness", default=False)
    flag_bladder_bowel = models.BooleanField("bladder or bowel change", default=False)
    flag_both_legs = models.BooleanField("symptoms in both legs", default=False)
    flag_leg_weakness = models.BooleanField("worsening leg weakness or foot drop", default=False)
    flag_cancer_history = models.BooleanField("history of cancer", default=False)
    flag_weight_loss = models.BooleanField("unexplained weight loss", default=False)
    flag_fever = models.BooleanField("fever or chills", default=False)
    flag_trauma_or_bone = models.BooleanField("fall/blow, osteoporosis or steroids", default=False)
    flag_night_pain = models.BooleanField("night pain no position eases", default=False)
    flag_age_onset = models.BooleanField("new pain under 20 or over 55", default=False)
    flag_inflammatory = models.BooleanField("inflammatory condition", default=False)

    class Meta:
        abstract = True

    @property
    def emergency_flags(self) -> list[str]:
        return [key for key in EMERGENCY_FLAGS if getattr(self, key)]

    @property
    def clinician_flags(self) -> list[str]:
        return [key for key in CLINICIAN_FLAGS if getattr(self, key)]

    @property
    def has_emergency_flag(self) -> bool:
        return bool(self.emergency_flags)

    @property
    def has_clinician_flag(self) -> bool:
        return bool(self.clinician_flags)


class Intake(RedFlagAnswers):
    """One per member, editable; the red-flag answers are asked first."""

    member = models.OneToOneField(MEMBER, on_delete=models.CASCADE, related_name="intake")
    emergency_flagged_at = models.DateTimeField(null=True, blank=True)
    clinician_cleared_on = models.DateField(null=True, blank=True)
    rescreen_required_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when a coach lifts an emergency block: no plan until the member "
        "answers the safety screen again.",
    )

    pain_now = models.PositiveSmallIntegerField(default=0, validators=ZERO_TO_TEN)
    # The worst of the last week: the starting point of the worst-pain series the four-weekly
    # re-checks continue (blank for intakes made before it was asked).
    pain_worst = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    pain_low_back = models.BooleanField(default=False)
    pain_buttock = models.BooleanField(default=False)
    pain_leg = models.BooleanField(default=False)
    duration = models.CharField(max_length=20, choices=PainDuration.choices, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    activity_level = models.CharField(max_length=20, choices=ActivityLevel.choices, blank=True)
    equipment = models.JSONField(default=list, blank=True, help_text="Equipment slugs at hand.")
    minutes_per_day = models.PositiveSmallIntegerField(choices=Minutes.choices, default=Minutes.TEN)
    training_days = models.CharField(
        max_length=7,
        default="1111100",
        help_text="Seven characters, Monday first: 1 = a training day, 0 = a rest day.",
    )
    goals = models.TextField(max_length=500, blank=True)
    fear_bending_harms = models.BooleanField(null=True, blank=True)
    fear_pain_means_harm = models.BooleanField(null=True, blank=True)
    fear_rest_until_better = models.BooleanField(null=True, blank=True)
    function_answers = models.JSONField(default=dict, blank=True)
    function_score = models.PositiveSmallIntegerField(null=True, blank=True)
    track = models.CharField(max_length=20, choices=Track.choices, default=Track.GENERAL)
    # The member's own choice of track ("" = the one their answers suggest). Leg pain always
    # means the sciatica track: its glides and leg checks are part of keeping them safe.
    track_choice = models.CharField(max_length=20, choices=Track.choices, blank=True, default="")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_zero_to_ten("pain_now"), name="intake_pain_now_0_10"),
            models.CheckConstraint(
                condition=Q(pain_worst__isnull=True)
                | (_zero_to_ten("pain_worst") & Q(pain_worst__gte=F("pain_now"))),
                name="intake_pain_worst_0_10_not_below_now",
            ),
            models.CheckConstraint(
                condition=Q(track_choice="") | _in_choices("track_choice", Track),
                name="intake_track_choice_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("minutes_per_day", Minutes), name="intake_minutes_5_10_20"
            ),
            models.CheckConstraint(
                condition=Q(training_days__regex=TRAINING_DAYS_REGEX)
                & Q(training_days__contains="1"),
                name="intake_training_days_mask",
            ),
            models.CheckConstraint(
                condition=_in_choices("track", Track), name="intake_track_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Intake of {self.member}"

    @property
    def training_weekdays(self) -> frozenset[int]:
        return self.weekdays_of(self.training_days)

    @staticmethod
    def weekdays_of(training_days: str) -> frozenset[int]:
        """Monday 0 … Sunday 6, from the seven-character mask ("1101010")."""
        return frozenset(i for i, ch in enumerate(training_days) if ch == "1")

    @property
    def is_blocked(self) -> bool:
        return self.has_emergency_flag

    @property
    def needs_clearance(self) -> bool:
        return self.has_clinician_flag and self.clinician_cleared_on is None


class SafetyScreen(RedFlagAnswers):
    """A history row per red-flag screening, so flags are asked again over time and coaches see them."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="safety_screens")
    screened_at = models.DateTimeField(auto_now_add=True)
    has_emergency = models.BooleanField(default=False)
    has_clinician = models.BooleanField(default=False)
    clinician_cleared_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-screened_at", "-id"]
        indexes = [
            models.Index(fields=["member", "-screened_at"]),
            models.Index(fields=["-screened_at", "-id"], name="safety_screen_newest_first"),
        ]

    def __str__(self) -> str:
        return f"Screen of {self.member} at {self.screened_at:%Y-%m-%d}"


class EmergencyLift(models.Model):
    """A coach lifting a member's emergency block, with the note that says why."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="emergency_lifts")
    coach = models.ForeignKey(
        MEMBER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(max_length=2000)
    flagged_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-lifted_at", "-id"]
        indexes = [models.Index(fields=["-lifted_at", "-id"], name="emergency_lift_newest_first")]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="emergency_lift_has_a_note"),
        ]

    def __str__(self) -> str:
        return f"Emergency block of {self.member} lifted at {self.lifted_at:%Y-%m-%d}"


class Phase(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    order = models.PositiveSmallIntegerField(unique=True)
    summary = models.CharField(max_length=300, blank=True)
    lesson = models.TextField(blank=True, help_text="Why this phase, in our own words (Markdown).")
    weekly_cap_percent = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(5), MaxValueValidator(10)],
        help_text="Weekly load cap: 5 to 10 percent.",
    )
    min_weeks = models.PositiveSmallIntegerField(default=2, validators=[MinValueValidator(1)])
    adherence_threshold = models.FloatField(
        default=0.8,
        validators=[MinValueValidator(0.01), MaxValueValidator(1)],
        help_text="Share of planned sessions done over the last two weeks, 0–1.",
    )
    max_effort_to_progress = models.PositiveSmallIntegerField(default=7, validators=ZERO_TO_TEN)
    unlock_text = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_cap_percent__gte=5) & Q(weekly_cap_percent__lte=10),
                name="phase_cap_5_to_10",
            ),
            models.CheckConstraint(condition=Q(min_weeks__gte=1), name="phase_min_weeks_positive"),
            models.CheckConstraint(
                condition=Q(adherence_threshold__gt=0) & Q(adherence_threshold__lte=1),
                name="phase_adherence_0_1",
            ),
            models.CheckConstraint(
                condition=_zero_to_ten("max_effort_to_progress"), name="phase_max_effort_0_10"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PoolEntry(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="pool_entries")
    track = models.CharField(max_length=20, choices=Track.choices)
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    start_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    start_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    start_sets = models.PositiveSmallIntegerField(default=1)
    ceiling_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    ceiling_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    ceiling_sets = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["phase__order", "track", "order", "id"]
        verbose_name_plural = "pool entries"
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "track", "exercise"], name="pool_entry_unique_per_phase_track"
            ),
            models.CheckConstraint(
                condition=_in_choices("track", Track), name="pool_entry_track_valid"
            ),
            models.CheckConstraint(
                condition=_one_dose_kind("start_"), name="pool_entry_start_one_kind"
            ),
            models.CheckConstraint(
                condition=_one_dose_kind("ceiling_"), name="pool_entry_ceiling_one_kind"
            ),
            models.CheckConstraint(
                condition=Q(start_sets__gte=1) & Q(start_sets__lte=models.F("ceiling_sets")),
                name="pool_entry_sets_positive_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    Q(start_hold_seconds__isnull=True) & Q(ceiling_hold_seconds__isnull=True)
                )
                | (
                    Q(start_hold_seconds__gte=1)
                    & Q(start_hold_seconds__lte=models.F("ceiling_hold_seconds"))
                ),
                name="pool_entry_hold_positive_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(start_reps__isnull=True) & Q(ceiling_reps__isnull=True))
                | (Q(start_reps__gte=1) & Q(start_reps__lte=models.F("ceiling_reps"))),
                name="pool_entry_reps_positive_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phase} / {self.track} / {self.exercise.name}"

    def clean(self) -> None:
        super().clean()
        start_is_hold = self.start_hold_seconds is not None
        ceiling_is_hold = self.ceiling_hold_seconds is not None
        if start_is_hold != ceiling_is_hold:
            raise ValidationError("Start and ceiling must both be holds (seconds) or both be reps.")


class Enrolment(models.Model):
    """A member's place in the programme."""

    member = models.OneToOneField(MEMBER, on_delete=models.CASCADE, related_name="enrolment")
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="enrolments")
    phase_started_on = models.DateField()
    track = models.CharField(max_length=20, choices=Track.choices, default=Track.GENERAL)
    status = models.CharField(
        max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    weeks_in_phase = models.PositiveSmallIntegerField(default=0)
    last_reviewed_week = models.DateField(null=True, blank=True)
    contact_coach_suggested_on = models.DateField(null=True, blank=True)
    # The engine's counters across weeks (see programs/engine/types.py MemberState).
    weeks_away = models.PositiveSmallIntegerField(default=0)
    red_weeks = models.PositiveSmallIntegerField(default=0)
    red_weeks_at_floor = models.PositiveSmallIntegerField(default=0)
    weeks_trained = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("track", Track), name="enrolment_track_valid"
            ),
            models.CheckConstraint(
                condition=_in_choices("status", EnrolmentStatus), name="enrolment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.phase.name} ({self.get_status_display().lower()})"

    @property
    def is_active(self) -> bool:
        return self.status == EnrolmentStatus.ACTIVE


class MemberDose(models.Model):
    """A member's current dose of one pool exercise, with the unrounded value the engine carries."""

    # No index of its own: member_dose_unique (member, exercise) serves reads by member, and
    # the weekly run rewrites every dose, so each index less is less work per row.
    member = models.ForeignKey(
        MEMBER, on_delete=models.CASCADE, related_name="doses", db_index=False
    )
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.CASCADE, related_name="+")
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    sets = models.PositiveSmallIntegerField(default=1)
    carried = models.FloatField(null=True, blank=True)
    # PROTECT: deleting the easier exercise a member is on would leave its dose on the harder
    # one (a rise the weekly cap never allowed). Coaches withdraw it by unpublishing instead,
    # which brings the member back to the harder exercise at its start dose.
    variation = models.ForeignKey(
        "exercises.Exercise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices, default=DecisionKind.START)
    reason = models.CharField(max_length=400, blank=True)
    weeks_at_dose = models.PositiveSmallIntegerField(
        default=0, help_text="Weeks this dose has been trained unchanged."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "exercise"], name="member_dose_unique"),
            models.CheckConstraint(condition=_one_dose_kind(""), name="member_dose_one_kind"),
            models.CheckConstraint(
                condition=Q(sets__gte=1)
                & (Q(hold_seconds__isnull=True) | Q(hold_seconds__gte=1))
                & (Q(reps__isnull=True) | Q(reps__gte=1)),
                name="member_dose_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} / {self.exercise_id}"


class PlannedSession(models.Model):
    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="planned_sessions")
    date = models.DateField()
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="+")
    is_rest_day = models.BooleanField(default=False)
    reason = models.CharField(max_length=400, blank=True)
    estimated_seconds = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    sharp_pain = models.BooleanField(default=False)
    effort = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    notes = models.TextField(max_length=2000, blank=True)
    morning_pain = models.PositiveSmallIntegerField(null=True, blank=True, validators=ZERO_TO_TEN)
    morning_answered_at = models.DateTimeField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=ZERO_TO_TEN,
        help_text="Pain just before the session, so next morning can be compared with it.",
    )
    pain_spread = models.BooleanField(
        null=True, blank=True, help_text="Sciatica: did pain spread further down the leg?"
    )
    logged_late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        # The admin's list: newest first over every member's sessions, one page at a time.
        indexes = [models.Index(fields=["-date", "-id"], name="planned_session_newest_first")]
        constraints = [
            models.UniqueConstraint(fields=["member", "date"], name="one_planned_session_per_day"),
            models.CheckConstraint(
                condition=_in_choices("status", SessionStatus), name="planned_session_status_valid"
            ),
            models.CheckConstraint(
                condition=_zero_to_ten("pain_during", nullable=True),
                name="planned_session_pain_0_10",
            ),
            models.CheckConstraint(
                condition=_zero_to_ten("effort", nullable=True), name="planned_session_effort_0_10"
            ),
            models.CheckConstraint(
                condition=_zero_to_ten("morning_pain", nullable=True),
                name="planned_session_morning_pain_0_10",
            ),
            models.CheckConstraint(
                condition=_zero_to_ten("pain_before", nullable=True),
                name="planned_session_pain_before_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} on {self.date}"


class PlannedItem(models.Model):
    session = models.ForeignKey(PlannedSession, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    exercise = models.ForeignKey("exercises.Exercise", on_delete=models.PROTECT, related_name="+")
    pool_exercise = models.ForeignKey(
        "exercises.Exercise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The pool entry this item doses; blank for a warm-up outside the pool.",
    )
    role = models.CharField(max_length=10, choices=ItemRole.choices, default=ItemRole.MAIN)
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    sets = models.PositiveSmallIntegerField(default=1)
    per_side = models.BooleanField(default=False)
    rest_seconds = models.PositiveSmallIntegerField(default=30)
    decision_kind = models.CharField(
        max_length=20, choices=DecisionKind.choices, default=DecisionKind.START
    )
    reason = models.CharField(max_length=400, blank=True)
    why_today = models.CharField(max_length=300, blank=True)
    actual_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    actual_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    actual_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    sides_done = models.PositiveSmallIntegerField(null=True, blank=True)
    target_met = models.BooleanField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="planned_item_unique_order"),
            models.CheckConstraint(
                condition=_in_choices("role", ItemRole), name="planned_item_role"
            ),
            models.CheckConstraint(
                condition=_in_choices("decision_kind", DecisionKind), name="planned_item_decision"
            ),
            models.CheckConstraint(condition=_one_dose_kind(""), name="planned_item_one_kind"),
            models.CheckConstraint(condition=Q(sets__gte=1), name="planned_item_sets_positive"),
            models.CheckConstraint(
                condition=Q(actual_seconds__isnull=True)
                | (Q(actual_seconds__gte=0) & Q(actual_seconds__lte=600)),
                name="planned_item_actual_seconds_0_600",
            ),
            models.CheckConstraint(
                condition=Q(actual_reps__isnull=True)
                | (Q(actual_reps__gte=0) & Q(actual_reps__lte=200)),
                name="planned_item_actual_reps_0_200",
            ),
            models.CheckConstraint(
                condition=Q(actual_sets__isnull=True) | Q(actual_sets__gte=0),
                name="planned_item_actual_sets_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(sides_done__isnull=True)
                | (Q(sides_done__gte=0) & Q(sides_done__lte=2)),
                name="planned_item_sides_0_2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} #{self.order}"

    @property
    def dose_label(self) -> str:
        unit = f"{self.hold_seconds} s hold" if self.hold_seconds else f"{self.reps} reps"
        sets = f"{self.sets} set" if self.sets == 1 else f"{self.sets} sets"
        side = " each side" if self.per_side else ""
        return f"{unit} × {sets}{side}"


class ProgressionDecision(models.Model):
    """One weekly decision: per exercise, or for the phase when exercise is blank."""

    # No index of its own: decision_unique_per_week_exercise starts with the member.
    member = models.ForeignKey(
        MEMBER, on_delete=models.CASCADE, related_name="progression_decisions", db_index=False
    )
    week_start = models.DateField()
    exercise = models.ForeignKey(
        "exercises.Exercise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=DecisionKind.choices)
    reason = models.CharField(max_length=500)
    before_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    before_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    before_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    after_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    after_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    after_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "id"]
        indexes = [
            # the coaches' list in admin reads newest weeks first: an index walk, not a sort
            models.Index(fields=["-week_start", "id"], name="decision_newest_first"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "week_start", "exercise"],
                name="decision_unique_per_week_exercise",
            ),
            models.UniqueConstraint(
                fields=["member", "week_start"],
                condition=Q(exercise__isnull=True),
                name="decision_unique_phase_per_week",
            ),
            models.CheckConstraint(
                condition=_in_choices("kind", DecisionKind), name="decision_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.week_start} {self.kind}"


# Reminders and the calendar feed ---------------------------------------------------------


def _default_reminder_time():
    import datetime

    return datetime.time(7, 30)


class ReminderSettings(models.Model):
    """When a member wants a daily email, in their own timezone."""

    member = models.OneToOneField(
        MEMBER, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    enabled = models.BooleanField(default=False)
    local_time = models.TimeField(default=_default_reminder_time)
    weekdays = models.CharField(
        max_length=7,
        default="1111111",
        help_text="Seven characters, Monday first: 1 = send a reminder that day.",
    )
    timezone = models.CharField(max_length=64, default="UTC")
    morning_checkins = models.BooleanField(
        default=True, help_text="Ask the next morning whether yesterday's session settled."
    )
    # The next reminder: its instant, the member's local date it is for (blank when none is in
    # reach: work it out again), and when that was worked out. Kept when settings change and
    # when a reminder is sent, so the scan picks the due rows in SQL alone.
    next_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_due_local_date = models.DateField(null=True, blank=True, editable=False)
    next_due_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"
        indexes = [
            models.Index(
                fields=["next_due_at"],
                condition=Q(enabled=True),
                name="reminder_next_due",
            ),
            models.Index(
                fields=["next_due_checked_at"],
                condition=Q(enabled=True),
                name="reminder_next_due_checked",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekdays__regex=TRAINING_DAYS_REGEX), name="reminder_weekdays_mask"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders for {self.member}"

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(i for i, ch in enumerate(self.weekdays) if ch == "1")


class ReminderSent(models.Model):
    """One row per member per local date: the database makes a second send impossible."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="reminders_sent")
    local_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "local_date"], name="one_reminder_per_member_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.member} for {self.local_date}"


class CalendarFeed(models.Model):
    """A private, revocable iCal URL; at most one live feed per member."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_calendar_feed_per_member",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.member}"


from programs.coach_models import (  # noqa: E402,F401  (coach loop models live there)
    AlertCause,
    CoachAlert,
    CoachAlertEvent,
    Conversation,
    Message,
)


class PainEscalation(models.Model):
    """Pain a clinician should hear about, recorded once per member, kind and day; the member
    sees its advice on Today and a coach alert is raised from it."""

    member = models.ForeignKey(MEMBER, on_delete=models.CASCADE, related_name="pain_escalations")
    kind = models.CharField(max_length=20, choices=EscalationKind.choices)
    day = models.DateField()
    advice = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "day"], name="one_escalation_per_kind_and_day"
            ),
            models.CheckConstraint(
                condition=_in_choices("kind", EscalationKind), name="pain_escalation_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.kind} {self.day}"


from programs.milestone_models import (  # noqa: E402,F401  (milestones live there)
    Milestone,
    MilestoneKind,
)
from programs.outcome_models import (  # noqa: E402,F401  (goals and re-checks live there)
    CheckKind,
    Goal,
    GoalRating,
    OutcomeCheck,
    RecheckSkip,
)
from programs.programme_edit_models import (  # noqa: E402,F401  (replanning after coaches' edits)
    ProgrammeEdit,
    ProgrammeEditChunk,
)
from programs.progress_models import ProgressTotals  # noqa: E402,F401  (Progress's totals)
from programs.progression_run_models import (  # noqa: E402,F401  (the weekly run's record)
    ProgressionRun,
    ProgressionRunChunk,
)
