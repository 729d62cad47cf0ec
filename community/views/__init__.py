"""Community pages, one module per concern. Thin: parse input, call a service or selector, render.

The names are re-exported so the URLconf reads `views.thread`, whichever module holds it."""

from community.views.following import (
    category_watch,
    notification_open,
    notification_settings,
    notifications,
    thread_watch,
    unsubscribe,
)
from community.views.moderation import (
    moderation,
    post_approve,
    post_hide,
    post_revisions,
    post_unhide,
    report_close,
    thread_moderate,
)
from community.views.posting import (
    post_delete,
    post_edit,
    post_react,
    post_report,
    preview,
    reply,
    thread_new,
)
from community.views.reading import category, index, member, post_detail, thread
from community.views.search import search
from community.views.sharing import milestone_share

__all__ = [
    "category",
    "category_watch",
    "index",
    "member",
    "milestone_share",
    "moderation",
    "notification_open",
    "notification_settings",
    "notifications",
    "post_approve",
    "post_delete",
    "post_detail",
    "post_edit",
    "post_hide",
    "post_react",
    "post_report",
    "post_revisions",
    "post_unhide",
    "preview",
    "reply",
    "report_close",
    "search",
    "thread",
    "thread_moderate",
    "thread_new",
    "thread_watch",
    "unsubscribe",
]
