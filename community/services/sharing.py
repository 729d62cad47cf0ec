"""A member sharing one of their programme milestones with the forum, as a check-in.

Only when they ask (the share page's button), once per milestone: a second request finds the
first share. The milestone's words come from programs.selectors; the post is an ordinary new
thread in the wins category with the member's check-in badge attached.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from backcore.accounts.models import User
from community.models import Category, MilestoneShare, Thread
from community.services.posting import thread_create
from programs import selectors as programs_selectors

SHARE_CATEGORY = "progress-and-wins"
NOTE_MAX = 1000


def milestone_share_body(*, text: str, note: str = "") -> str:
    note = (note or "").strip()
    return f"{text}\n\n{note}" if note else text


@transaction.atomic
def milestone_share(*, author: User, milestone_id: int, note: str = "") -> Thread | None:
    """Post the milestone as a check-in thread, or return the thread of its earlier share
    (None if a coach since removed that thread). Raises PermissionDenied for a milestone that
    is not the author's, ValidationError when there is nowhere to post it."""
    # One member's shares in a row: two clicks at once cannot both post.
    User.objects.select_for_update().filter(pk=author.pk).values_list("pk").first()
    milestone = programs_selectors.milestone_for_share(member=author, milestone_id=milestone_id)
    if milestone is None:
        raise PermissionDenied("That milestone is not one of yours.")
    earlier = MilestoneShare.objects.filter(milestone_id=milestone_id).select_related("thread")
    earlier = earlier.first()
    if earlier is not None:
        return earlier.thread
    if len((note or "").strip()) > NOTE_MAX:
        raise ValidationError(f"Keep the note to {NOTE_MAX} characters.")
    category = Category.objects.filter(slug=SHARE_CATEGORY).first()
    if category is None:
        raise ValidationError("The forum has no place for wins right now; please try later.")
    thread = thread_create(
        author=author,
        category=category,
        title=milestone.title[:140],
        body=milestone_share_body(text=milestone.text, note=note),
        attach_badge=True,
    )
    MilestoneShare.objects.create(member=author, milestone_id=milestone_id, thread=thread)
    return thread
