"""Writes for the programme. Each module holds one area; import from here."""

from programs.services.intake import (
    intake_complete,
    intake_confirm_clearance,
    intake_screen_submit,
    redflag_emergency_lift,
    track_for,
)
from programs.services.planning import enrolment_start_or_update, plan_day
from programs.services.progression import WeeklyRunResult, progression_run_week

__all__ = [
    "WeeklyRunResult",
    "enrolment_start_or_update",
    "intake_complete",
    "intake_confirm_clearance",
    "intake_screen_submit",
    "plan_day",
    "progression_run_week",
    "redflag_emergency_lift",
    "track_for",
]
