from django.urls import include, path

from programs.views import intake, learn, today

app_name = "programs"

urlpatterns = [
    path("today/", today.today, name="today"),
    path("programme/", today.programme, name="programme"),
    path("programme/intake/", intake.intake, name="intake"),
    path("programme/urgent-care/", intake.urgent_care, name="urgent_care"),
    path("learn/", learn.learn, name="learn"),
    path("learn/<slug:slug>/", learn.learn_lesson, name="learn_lesson"),
    path("", include("programs.member_urls")),  # sessions, progress, data, reminders, calendar
]
