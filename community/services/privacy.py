"""The forum's part of forgetting a member (account deletion)."""

from django.db import transaction

from backcore.notifications import services as shared_notifications
from community.models import (
    FORMER_MEMBER,
    CategoryWatch,
    Post,
    PostRevision,
    Reaction,
    Report,
    Thread,
    ThreadRead,
    ThreadWatch,
)


@transaction.atomic
def member_forget(*, user_id: int) -> None:
    """Call before deleting an account: posts stay, under "former member", with personal
    details (name, check-in badge) stripped; the member's own forum state is removed."""
    shared_notifications.notification_actor_forget(actor_id=user_id, name=FORMER_MEMBER)
    Post.objects.filter(author_id=user_id).update(
        author=None, author_name=FORMER_MEMBER, badge_streak_days=None, badge_phase_name=""
    )
    Thread.objects.filter(author_id=user_id).update(author=None, author_name=FORMER_MEMBER)
    PostRevision.objects.filter(edited_by_id=user_id).update(
        edited_by=None, edited_by_name=FORMER_MEMBER
    )
    Report.objects.filter(reporter_id=user_id).update(reporter=None)
    for model in (ThreadWatch, CategoryWatch, ThreadRead, Reaction):
        model.objects.filter(member_id=user_id).delete()
