from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("preview/", views.preview, name="preview"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/reports/<int:report_id>/close/", views.report_close, name="report_close"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path("notifications/<int:notification_id>/", views.notification_open, name="notification_open"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("members/<int:user_id>/", views.member, name="member"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("c/<slug:slug>/new/", views.thread_new, name="thread_new"),
    path("c/<slug:slug>/watch/", views.category_watch, name="category_watch"),
    path("t/<int:thread_id>/", views.thread, name="thread"),
    path("t/<int:thread_id>/reply/", views.reply, name="reply"),
    path("t/<int:thread_id>/watch/", views.thread_watch, name="thread_watch"),
    path("t/<int:thread_id>/moderate/", views.thread_moderate, name="thread_moderate"),
    path("p/<int:post_id>/", views.post_detail, name="post"),
    path("p/<int:post_id>/edit/", views.post_edit, name="post_edit"),
    path("p/<int:post_id>/delete/", views.post_delete, name="post_delete"),
    path("p/<int:post_id>/react/", views.post_react, name="post_react"),
    path("p/<int:post_id>/report/", views.post_report, name="post_report"),
    path("p/<int:post_id>/hide/", views.post_hide, name="post_hide"),
    path("p/<int:post_id>/unhide/", views.post_unhide, name="post_unhide"),
    path("p/<int:post_id>/approve/", views.post_approve, name="post_approve"),
    path("p/<int:post_id>/revisions/", views.post_revisions, name="post_revisions"),
    path(
        "share/milestone/<int:milestone_id>/",
        views.milestone_share,
        name="milestone_share",
    ),
]
