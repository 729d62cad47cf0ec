from backcore.accounts.models import Membership, User
from backcore.prepared import PLACEHOLDERS, prepared


def user_is_member(*, user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    # compiled once per process (backcore.prepared): every members-only page asks this
    read = prepared(
        ("accounts.user_is_member",),
        lambda: Membership.objects.filter(user_id=PLACEHOLDERS["member"]).order_by().values("pk"),
        names=("member",),
        plan_once=True,
    )
    return read.exists(member=user.pk)
