"""Keep each user's member context (`backcore.accounts.selectors.member_context`) current: a
write to a membership, a group or a notification marks every context read before it as old.

Only cache upkeep lives here; no business rule hangs on these signals. Writes that send no
signal (bulk inserts and updates of notifications) call `member_context_changed` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save


def connect() -> None:
    from django.contrib.auth.models import Group

    from backcore.accounts.models import Membership, User
    from backcore.accounts.selectors import member_context_changed
    from backcore.notifications.models import Notification

    for model in (Membership, Group, Notification):
        label = model._meta.label_lower
        uid = f"member-context-{label}"
        post_save.connect(member_context_changed, sender=model, dispatch_uid=f"{uid}-save")
        # A bulk delete of notifications stays one statement: no receiver for their deletes.
        if model is not Notification:
            post_delete.connect(member_context_changed, sender=model, dispatch_uid=f"{uid}-del")
    m2m_changed.connect(
        member_context_changed, sender=User.groups.through, dispatch_uid="member-context-groups"
    )
