"""Routes for sessions, progress, the exercise log CSV, reminders and the calendar feed.

Included from programs/urls.py without a prefix, so the names live in the `programs` namespace.
"""

from django.urls import path

from programs.views import calendar, data, outcomes, progress, reminders, report, sessions

urlpatterns = [
    path("today/session/", sessions.session_player, name="session_player"),
    path(
        "today/session/item/<int:item_id>/done/",
        sessions.session_item_done,
        name="session_item_done",
    ),
    path("today/session/pain-before/", sessions.session_pain_before, name="session_pain_before"),
    path("today/session/finish/", sessions.session_finish_view, name="session_finish"),
    path("today/morning/", sessions.morning_checkin, name="morning_checkin"),
    path("sessions/log-late/", sessions.log_late, name="log_late"),
    path("progress/", progress.progress, name="progress"),
    path("progress/report/", report.report, name="report"),
    path("progress/report.pdf", report.report_pdf, name="report_pdf"),
    path("progress/goals/", outcomes.goals, name="goals"),
    path("progress/goals/<int:goal_id>/rate/", outcomes.goal_rate, name="goal_rate"),
    path("progress/goals/<int:goal_id>/remove/", outcomes.goal_end, name="goal_end"),
    path("today/recheck/", outcomes.recheck, name="recheck"),
    path("today/recheck/skip/", outcomes.recheck_skip, name="recheck_skip"),
    path("account/data/log.csv", data.data_csv, name="data_csv"),
    path("account/reminders/", reminders.reminders, name="reminders"),
    path(
        "reminders/unsubscribe/<str:token>/",
        reminders.reminder_unsubscribe_view,
        name="reminder_unsubscribe",
    ),
    path("account/calendar/", calendar.calendar_manage, name="calendar_manage"),
    path("calendar/<str:token>.ics", calendar.calendar_feed, name="calendar_feed"),
]
