from backcore.accounts.models import Membership, User


def user_is_member(*, user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user_id=user.pk).exists()
