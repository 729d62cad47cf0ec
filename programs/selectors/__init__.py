"""Reads for the programme. Other modules (and apps, e.g. community's badge) call these."""

from programs.selectors.checkin import checkin_badge
from programs.selectors.member import (
    doses_for_members,
    enrolment_for,
    history_records,
    intake_for,
    member_state,
    session_record,
    sessions_for_members,
    week_start_of,
)
from programs.selectors.milestones import milestone_for_share
from programs.selectors.programme import ProgrammeBundle, dose_of, programme_build

__all__ = [
    "checkin_badge",
    "ProgrammeBundle",
    "dose_of",
    "doses_for_members",
    "enrolment_for",
    "history_records",
    "intake_for",
    "member_state",
    "milestone_for_share",
    "programme_build",
    "session_record",
    "sessions_for_members",
    "week_start_of",
]
