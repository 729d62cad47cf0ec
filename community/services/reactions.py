"""Reactions to posts (cheer, same here, thanks)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from backcore.accounts.models import User
from community.models import Post, Reaction


@transaction.atomic
def reaction_toggle(*, member: User, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns True when now present."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Choose cheer, same here or thanks."})
    if not post.is_visible:
        raise ValidationError("You can't react to this post.")
    deleted, _ = Reaction.objects.filter(member=member, post=post, kind=kind).delete()
    if deleted:
        return False
    Reaction.objects.get_or_create(member=member, post=post, kind=kind)
    return True
