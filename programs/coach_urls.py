"""The coach inbox: staff-only pages under /coach/."""

from django.urls import path

from programs.views import coach, report

app_name = "coach"

urlpatterns = [
    path("", coach.inbox, name="inbox"),
    path("alerts/<int:alert_id>/", coach.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/reply/", coach.alert_reply, name="alert_reply"),
    path("alerts/<int:alert_id>/acknowledge/", coach.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/assign/", coach.alert_assign, name="alert_assign"),
    path("alerts/<int:alert_id>/note/", coach.alert_note, name="alert_note"),
    path("alerts/<int:alert_id>/resolve/", coach.alert_resolve, name="alert_resolve"),
    path("alerts/<int:alert_id>/lift/", coach.alert_lift, name="alert_lift"),
    path("alerts/<int:alert_id>/clearance/", coach.alert_clearance, name="alert_clearance"),
    path("members/<int:member_id>/", coach.member_conversation, name="member"),
    path("members/<int:member_id>/report/", report.coach_report, name="member_report"),
    path("members/<int:member_id>/report.pdf", report.coach_report_pdf, name="member_report_pdf"),
]
