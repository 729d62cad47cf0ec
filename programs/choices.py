"""Choices for the programme's models. Values match the engine's enums (programs/engine/types.py)."""

from django.db import models

# One vocabulary for tracks: the library tags exercises with the same slugs the programme uses.
from exercises.choices import Track  # noqa: F401  (re-exported for programs' modules)
from programs.engine.wording import WEEKDAY_NAMES  # noqa: F401  (one list: the engine's)


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    BLOCKED_EMERGENCY = "blocked_emergency", "Blocked: emergency sign reported"
    AWAITING_CLEARANCE = "awaiting_clearance", "Waiting for a clinician's clearance"
    PAUSED_FOR_PAIN = "paused_for_pain", "Paused for pain: waiting for a clinician's clearance"


class PainDuration(models.TextChoices):
    UNDER_6_WEEKS = "under_6_weeks", "Less than 6 weeks"
    WEEKS_6_TO_12 = "6_to_12_weeks", "6 to 12 weeks"
    OVER_12_WEEKS = "over_12_weeks", "More than 12 weeks"


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", "Under 20"
    AGE_20_39 = "20_39", "20–39"
    AGE_40_54 = "40_54", "40–54"
    AGE_55_64 = "55_64", "55–64"
    AGE_65_74 = "65_74", "65–74"
    AGE_75_PLUS = "75_plus", "75 or over"


class ActivityLevel(models.TextChoices):
    MOSTLY_SITTING = "mostly_sitting", "Mostly sitting"
    LIGHT = "light", "Light: some walking most days"
    MODERATE = "moderate", "Moderate: exercise once or twice a week"
    ACTIVE = "active", "Active: exercise three or more times a week"


class Equipment(models.TextChoices):
    WALL = "wall", "A clear wall"
    CHAIR = "chair", "A sturdy chair"
    BENCH = "bench", "A back-extension bench (Roman chair)"
    FOAM_ROLLER = "foam_roller", "A foam roller"
    LIGHT_WEIGHTS = "light_weights", "Light weights or full water bottles"
    RESISTANCE_BAND = "resistance_band", "A resistance band"
    PULL_UP_BAR = "pull_up_bar", "A pull-up bar"


class Minutes(models.IntegerChoices):
    FIVE = 5, "5 minutes"
    TEN = 10, "10 minutes"
    TWENTY = 20, "20 minutes"


class SessionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    SKIPPED = "skipped", "Skipped"


class ItemRole(models.TextChoices):
    WARM_UP = "warm_up", "Warm-up"
    MAIN = "main", "Main"


class DecisionKind(models.TextChoices):
    START = "start", "Start"
    PROGRESS = "progress", "Progress"
    HOLD = "hold", "Hold"
    BACK_OFF = "back_off", "Back off"
    ADVANCE_PHASE = "advance_phase", "Advance phase"
    STEP_BACK = "step_back", "Step back"


class EscalationKind(models.TextChoices):
    SEVERE_SESSION = "severe_session", "A session at 8/10 pain or more"
    TWO_REDS = "two_reds", "Two red sessions in a week"
    RED_WEEKS = "red_weeks", "Red weeks in a row"
    PAUSE = "pause", "Paused: three red weeks at the lightest doses"
    NOT_IMPROVING = "not_improving", "Pain not improving after four weeks"


# Red-flag questions, in plain words. Keys are Intake field names.
EMERGENCY_FLAGS: dict[str, str] = {
    "flag_saddle_numbness": "New numbness in your groin, between your legs or around your bottom",
    "flag_bladder_bowel": "New trouble passing or holding urine, or losing control of your bowels",
    "flag_both_legs": "Sciatica-like pain, tingling or numbness going down both legs",
    "flag_leg_weakness": "Weakness in a leg that is getting worse, or a foot that drops or slaps when you walk",
}
CLINICIAN_FLAGS: dict[str, str] = {
    "flag_cancer_history": "You have had cancer at any time",
    "flag_weight_loss": "You have lost weight recently without trying",
    "flag_fever": "You have a fever or chills along with the back pain",
    "flag_trauma_or_bone": (
        "Your pain began after a recent fall or blow, or you have osteoporosis or take steroids long term"
    ),
    "flag_night_pain": "Pain at night that no position eases",
    "flag_age_onset": "This is new back pain and you are under 20 or over 55",
    "flag_inflammatory": "You have a known inflammatory condition, such as ankylosing spondylitis",
}
