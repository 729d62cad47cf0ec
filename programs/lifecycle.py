"""The programme's part of the account lifecycle (registered in ProgramsConfig.ready())."""

from backcore.accounts.lifecycle import Handling, OnDelete, PersonalData
from programs.models import (
    CalendarFeed,
    EmergencyLift,
    Enrolment,
    Intake,
    MemberDose,
    PlannedSession,
    ProgressionDecision,
    ReminderSent,
    ReminderSettings,
    SafetyScreen,
)
from programs.services.data import member_data_delete, member_data_export


def _export(*, user):
    return member_data_export(member=user)


def _forget(*, user):
    member_data_delete(member=user)


PERSONAL_DATA = PersonalData(
    app="programs",
    models={
        Intake: Handling(OnDelete.DELETE, section="intake"),
        SafetyScreen: Handling(OnDelete.DELETE, section="safety_screens"),
        EmergencyLift: Handling(OnDelete.DELETE, section="emergency_lifts"),
        Enrolment: Handling(OnDelete.DELETE, section="enrolment"),
        MemberDose: Handling(OnDelete.DELETE, section="doses"),
        PlannedSession: Handling(OnDelete.DELETE, section="sessions"),
        ProgressionDecision: Handling(OnDelete.DELETE, section="decisions"),
        ReminderSettings: Handling(OnDelete.DELETE, section="reminder_settings"),
        ReminderSent: Handling(OnDelete.DELETE, section="reminders_sent"),
        CalendarFeed: Handling(OnDelete.DELETE, section="calendar_feeds"),
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
