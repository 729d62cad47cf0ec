"""BackCore's progression engine: pure Python, no Django, frozen dataclasses in and out.

Typical use from the web side:

    programme = Programme(phases=[...], exercises=[...])
    state = start_member(programme, track="general", equipment={"none"},
                         minutes_per_day=10, training_weekdays={0, 2, 4}).state
    plan = plan_session(state, programme, history, today)          # SessionPlan | RestDay
    result = progress_week(state, programme, history, week_start)  # new state + decisions
"""

from programs.engine.dosing import Rise, back_off_dose, raise_dose
from programs.engine.pain import (
    PainLight,
    SessionVerdict,
    WeekReview,
    classify_session,
    review_week,
)
from programs.engine.phases import (
    advancement_status,
    available_entries,
    backs_from_variations,
    start_member,
)
from programs.engine.planner import estimate_seconds, plan_session
from programs.engine.progression import (
    decide_exercise,
    late_report,
    progress_week,
    review_window,
    session_escalations,
)
from programs.engine.simulate import SimulatedWeek, run_simulation, simulate, week_as_dict
from programs.engine.types import (
    NO_EQUIPMENT,
    ConfigurationError,
    Decision,
    DecisionKind,
    Dose,
    Escalation,
    EscalationKind,
    ExerciseDone,
    ExerciseSpec,
    ItemRole,
    MemberState,
    MovementType,
    PhaseProgress,
    PhaseRules,
    PlannedItem,
    PoolEntry,
    Programme,
    RestDay,
    SessionPlan,
    SessionRecord,
    Track,
    WeekResult,
)

__all__ = [
    "NO_EQUIPMENT",
    "ConfigurationError",
    "Decision",
    "DecisionKind",
    "Dose",
    "Escalation",
    "EscalationKind",
    "ExerciseDone",
    "ExerciseSpec",
    "ItemRole",
    "MemberState",
    "MovementType",
    "PainLight",
    "PhaseProgress",
    "PhaseRules",
    "PlannedItem",
    "PoolEntry",
    "Programme",
    "RestDay",
    "Rise",
    "SessionPlan",
    "SessionRecord",
    "SessionVerdict",
    "SimulatedWeek",
    "Track",
    "WeekResult",
    "WeekReview",
    "advancement_status",
    "available_entries",
    "backs_from_variations",
    "back_off_dose",
    "classify_session",
    "decide_exercise",
    "estimate_seconds",
    "late_report",
    "plan_session",
    "progress_week",
    "review_window",
    "raise_dose",
    "review_week",
    "run_simulation",
    "session_escalations",
    "simulate",
    "start_member",
    "week_as_dict",
]
