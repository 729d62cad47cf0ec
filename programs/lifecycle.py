"""The programme's part of the account lifecycle (registered in ProgramsConfig.ready())."""

from backcore.accounts.lifecycle import Handling, OnDelete, PersonalData
from programs.models import (
    CalendarFeed,
    CoachAlert,
    CoachAlertEvent,
    Conversation,
    EmergencyLift,
    Enrolment,
    Goal,
    Intake,
    MemberDose,
    Message,
    Milestone,
    OutcomeCheck,
    PainEscalation,
    PlannedSession,
    ProgressionDecision,
    ProgressTotals,
    RecheckSkip,
    ReminderSent,
    ReminderSettings,
    SafetyScreen,
)
from programs.selectors.coach import coach_loop_export
from programs.selectors.milestones import milestones_export
from programs.selectors.outcomes import outcomes_export
from programs.services.coach_lifecycle import coach_loop_forget
from programs.services.data import member_data_delete, member_data_export


def _export(*, user):
    return {
        **member_data_export(member=user),
        **coach_loop_export(member=user),
        **outcomes_export(member=user),
        **milestones_export(member=user),
    }


def _forget(*, user):
    coach_loop_forget(user=user)
    member_data_delete(member=user)


PERSONAL_DATA = PersonalData(
    app="programs",
    models={
        Intake: Handling(OnDelete.DELETE, section="intake"),
        SafetyScreen: Handling(OnDelete.DELETE, section="safety_screens"),
        EmergencyLift: Handling(OnDelete.DELETE, section="emergency_lifts"),
        Enrolment: Handling(OnDelete.DELETE, section="enrolment"),
        MemberDose: Handling(OnDelete.DELETE, section="doses"),
        PainEscalation: Handling(OnDelete.DELETE, section="pain_escalations"),
        PlannedSession: Handling(OnDelete.DELETE, section="sessions"),
        ProgressionDecision: Handling(OnDelete.DELETE, section="decisions"),
        ReminderSettings: Handling(OnDelete.DELETE, section="reminder_settings"),
        ReminderSent: Handling(OnDelete.DELETE, section="reminders_sent"),
        CalendarFeed: Handling(OnDelete.DELETE, section="calendar_feeds"),
        # Goals (with their ratings), re-checks and skips go with the account (cascade).
        Goal: Handling(OnDelete.DELETE, section="goals"),
        OutcomeCheck: Handling(OnDelete.DELETE, section="outcome_checks"),
        RecheckSkip: Handling(OnDelete.DELETE, section="recheck_skips"),
        Milestone: Handling(OnDelete.DELETE, section="milestones"),
        ProgressTotals: Handling(
            OnDelete.DELETE, section=None, reason="sums of the sessions exported under 'sessions'"
        ),
        # Alerts stay without the person (member emptied, detail and notes cleared) as a record
        # of what coaches did; a coach's own actions and replies stay under a neutral name.
        CoachAlert: Handling(OnDelete.ANONYMISE, section="coach_alerts"),
        CoachAlertEvent: Handling(OnDelete.ANONYMISE, section="coach_alerts"),
        Conversation: Handling(OnDelete.DELETE, section="coach_conversation"),
        Message: Handling(OnDelete.ANONYMISE, section="coach_messages"),
    },
    export=_export,
    forget=_forget,
    downloads=(
        (
            "programs:data_csv",
            "Exercise log (CSV)",
            "one row per exercise you logged, for a spreadsheet.",
        ),
    ),
)
