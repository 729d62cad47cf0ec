from django.urls import include, path

from programs.views import coach, intake, learn, today

app_name = "programs"

urlpatterns = [
    path("today/", today.today, name="today"),
    path("today/milestones/seen/", today.milestones_seen, name="milestones_seen"),
    path("programme/", today.programme, name="programme"),
    path("programme/intake/", intake.intake, name="intake"),
    path("programme/urgent-care/", intake.urgent_care, name="urgent_care"),
    path("account/messages/", coach.member_messages, name="messages"),
    path("account/messages/photo/<int:message_id>/", coach.message_photo, name="message_photo"),
    path("learn/", learn.learn, name="learn"),
    path("learn/<slug:slug>/", learn.learn_lesson, name="learn_lesson"),
    path("", include("programs.member_urls")),  # sessions, progress, data, reminders, calendar
]
