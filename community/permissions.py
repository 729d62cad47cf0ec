"""Who may do what in the forum: the one place views, templates and services ask.

Rules only (True/False), no database writes. Services still raise their own errors with the
words a member reads; they decide *whether* to raise by asking here.
"""

from django.core.exceptions import PermissionDenied

from community.models import Category, Post, Thread


def is_moderator(user) -> bool:
    """Coaches (the "Coaches" group) and staff moderate the forum. Remembered on the user
    object so a page asks the database at most once."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_community_moderator", None)
    if cached is None:
        cached = bool(user.is_staff or user.is_coach)
        user._community_moderator = cached
    return cached


def require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only coaches can do that.")


def can_start_thread(user, category: Category) -> bool:
    return is_moderator(user) or category.who_can_start == Category.Starters.MEMBERS


def can_reply(user, thread: Thread) -> bool:
    """Moderators reply anywhere; members to approved threads that are neither locked nor
    hidden."""
    if is_moderator(user):
        return True
    return thread.is_approved and not (thread.is_locked or thread.is_hidden)


def _changes(user, post: Post, moderator: bool) -> bool:
    return moderator or (post.author_id is not None and post.author_id == user.pk)


def can_change_post(user, post: Post) -> bool:
    """Edit or delete: the author, or a moderator. A former member's post (no author) is
    nobody's to change but a coach's."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _changes(user, post, is_moderator(user))


def skips_flood_control(user) -> bool:
    return is_moderator(user)


def skips_approval(user) -> bool:
    return is_moderator(user)


def can_edit_post(user, post: Post, thread: Thread) -> bool:
    """Edit: whoever may change the post, while its thread is open (coaches edit in locked
    threads too). `thread` is the post's thread, passed so a page of posts asks no query."""
    return post_rights(user, post, thread)[0]


def post_rights(user, post: Post, thread: Thread) -> tuple[bool, bool]:
    """(`can_edit_post`, `can_change_post`) in one asking, for a page of twenty posts."""
    if not getattr(user, "is_authenticated", False):
        return False, False
    moderator = is_moderator(user)
    change = _changes(user, post, moderator)
    return change and not post.is_deleted and (moderator or not thread.is_locked), change
