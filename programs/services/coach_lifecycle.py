"""The coach loop's part of account deletion."""

from django.db import transaction

from programs.coach_models import CoachAlert, CoachAlertEvent, Message

FORMER_COACH = "A former coach"


@transaction.atomic
def coach_loop_forget(*, user) -> None:
    """Before an account goes. A member's conversation (and its photos) goes with them; alerts
    about them stay as an anonymised record of what coaches did (no detail, no notes). A
    coach's own actions and replies stay under a neutral name."""
    photos = [
        (m.photo.storage, m.photo.name)
        for m in Message.objects.filter(conversation__member=user).exclude(photo="")
    ]
    if photos:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in photos])
    CoachAlertEvent.objects.filter(alert__member=user).update(note="")
    CoachAlert.objects.filter(member=user).update(detail="")
    CoachAlertEvent.objects.filter(actor=user).update(actor_name=FORMER_COACH)
    Message.objects.filter(author=user).exclude(conversation__member=user).update(
        author_name=FORMER_COACH
    )
