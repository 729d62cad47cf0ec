"""One-click unsubscribe from community email. Links in emails sent before notifications moved
to backcore still work."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction

from backcore.accounts.models import User
from backcore.notifications.models import EmailMode
from community.services.notifications import notification_preference_set

UNSUBSCRIBE_SALT = "community.unsubscribe"


def unsubscribe_token(*, user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=UNSUBSCRIBE_SALT, compress=True)


@transaction.atomic
def unsubscribe_apply(*, token: str) -> User:
    """Turn off community email for the member a signed link names (no sign-in needed)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValidationError("This unsubscribe link is not valid.") from exc
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None:
        raise ValidationError("This unsubscribe link is no longer valid.")
    notification_preference_set(member=user, email=EmailMode.OFF)
    return user
