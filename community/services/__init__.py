"""Community writes. Every change to the forum goes through one of these functions.

One module per concern; this package re-exports the public API so `from community import
services` keeps working. Who may do what lives in community.permissions.
"""

from community.services.moderation import (
    post_approve,
    post_hide,
    post_unhide,
    report_close,
    report_create,
    thread_hide,
    thread_move,
    thread_set_flags,
    thread_unhide,
)
from community.services.notifications import (
    NOTIFICATION_VERBS,
    email_mode,
    notification_preference_set,
    notifications_for_post,
)
from community.services.posting import (
    APPROVAL_FIRST_POSTS,
    FLOOD_MAX_PER_DAY,
    FLOOD_MIN_SECONDS,
    FloodControlError,
    checkin_badge_provider,
    post_create,
    post_delete,
    post_edit,
    thread_create,
)
from community.services.privacy import member_forget
from community.services.reactions import reaction_toggle
from community.services.reading import category_watch_set, thread_mark_read, thread_watch_set
from community.services.rendering import body_render, member_url, mentions_resolve
from community.services.sharing import milestone_share
from community.services.unsubscribe import UNSUBSCRIBE_SALT, unsubscribe_apply, unsubscribe_token

__all__ = [
    "APPROVAL_FIRST_POSTS",
    "FLOOD_MAX_PER_DAY",
    "FLOOD_MIN_SECONDS",
    "NOTIFICATION_VERBS",
    "UNSUBSCRIBE_SALT",
    "FloodControlError",
    "body_render",
    "category_watch_set",
    "checkin_badge_provider",
    "email_mode",
    "member_forget",
    "member_url",
    "milestone_share",
    "mentions_resolve",
    "notification_preference_set",
    "notifications_for_post",
    "post_approve",
    "post_create",
    "post_delete",
    "post_edit",
    "post_hide",
    "post_unhide",
    "reaction_toggle",
    "report_close",
    "report_create",
    "thread_create",
    "thread_hide",
    "thread_mark_read",
    "thread_move",
    "thread_set_flags",
    "thread_unhide",
    "thread_watch_set",
    "unsubscribe_apply",
    "unsubscribe_token",
]
