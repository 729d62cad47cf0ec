"""The coach inbox: staff-only pages under /coach/."""

from django.urls import path

from programs.views import coach

app_name = "coach"

urlpatterns = [
    path("", coach.inbox, name="inbox"),
    path("alerts/<int:alert_id>/", coach.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/reply/", coach.alert_reply, name="alert_reply"),
    path(
        "alerts/<int:alert_id>/<str:action>/",
        coach.alert_action,
        name="alert_action",
    ),
    path(
        "alerts/<int:alert_id>/safety/<str:action>/",
        coach.alert_safety,
        name="alert_safety",
    ),
    path("members/<int:member_id>/", coach.member_conversation, name="member"),
]
