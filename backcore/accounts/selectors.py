from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from backcore.accounts.models import COACHES_GROUP, Membership, User
from backcore.prepared import PLACEHOLDERS, prepared


class MemberContext(NamedTuple):
    """What nearly every signed-in page asks about its viewer: read with their user row (the
    one the auth middleware loads) instead of one query each."""

    is_member: bool
    is_coach: bool
    unread_notifications: int
    generation: int  # of the writes below when it was read: an older one is read again


# Bumped by every write that can change someone's context (a membership, a group, a
# notification made or read), so a context read before it in this process is read again.
# Process-wide on purpose: a write for anyone costs at most one extra read, never a stale page.
_generation = 0


def member_context_changed(**_kwargs) -> None:
    global _generation
    _generation += 1


_ANNOTATIONS = ("context_is_member", "context_is_coach", "context_unread")


def user_with_context_rows():
    """The user by id, with their profile and context: the one read of the signed-in user."""
    from backcore.notifications.models import Notification

    unread = (
        Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    coach = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=COACHES_GROUP)
    return (
        User._base_manager.filter(pk=PLACEHOLDERS["member"])
        .select_related("profile")
        .annotate(
            context_is_member=Exists(Membership.objects.filter(user_id=OuterRef("pk"))),
            context_is_coach=Exists(coach),
            context_unread=Coalesce(Subquery(unread), Value(0)),
        )
    )


def user_with_context(*, user_id: int) -> User | None:
    """The user by id with their profile kept and their context in `user._member_context`:
    one query, compiled and planned once per process. None when there is no such user."""
    generation = _generation
    read = prepared(
        ("accounts.user_by_pk",), user_with_context_rows, names=("member",), plan_once=True
    )
    rows = read.objects(member=user_id)
    if not rows:
        return None
    user = rows[0]
    values = [user.__dict__.pop(name) for name in _ANNOTATIONS]
    user._member_context = MemberContext(
        bool(values[0]), bool(values[1]), int(values[2]), generation
    )
    return user


def member_context(*, user: User) -> MemberContext:
    """`user`'s context, as read with their row when it is still current; else read now."""
    context = getattr(user, "_member_context", None)
    if context is not None and context.generation == _generation:
        return context
    return member_context_read(user=user)


def member_context_read(*, user: User) -> MemberContext:
    """Read `user`'s context now, in one query that also keeps their profile on `user` (as
    `user.profile` keeps it) unless one is kept already."""
    generation = _generation
    row = user_with_context(user_id=user.pk)
    related = User.profile.related
    if row is not None:
        context, profile = row._member_context, related.get_cached_value(row)
    else:  # no such user (deleted meanwhile): nothing to be
        context, profile = MemberContext(False, False, 0, generation), None
    if not related.is_cached(user):
        related.set_cached_value(user, profile)
    user._member_context = context
    return context


def user_is_member(*, user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return member_context(user=user).is_member
