from django.contrib.auth.models import Group
from django.db import transaction

from backcore.accounts.lifecycle import personal_data
from backcore.accounts.models import COACHES_GROUP, Membership, Profile, User
from backcore.images import clean_uploaded_image

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000
AVATAR_MAX_SIDE = 256


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    user = User(email=email, is_staff=is_staff, is_superuser=is_superuser)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    Profile.objects.create(user=user, display_name=display_name)
    return user


@transaction.atomic
def profile_ensure(*, user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_name_set(*, user: User, display_name: str) -> Profile:
    profile = profile_ensure(user=user)
    profile.display_name = display_name.strip()
    profile.full_clean()
    profile.save(update_fields=["display_name", "updated_at"])
    return profile


@transaction.atomic
def profile_update(
    *, user: User, display_name: str, timezone: str, avatar=None, remove_avatar: bool = False
) -> Profile:
    profile = profile_ensure(user=user)
    profile.display_name = display_name.strip()
    profile.timezone = timezone
    fields = ["display_name", "timezone", "updated_at"]
    if avatar is not None:
        cleaned = clean_uploaded_image(
            avatar,
            max_bytes=AVATAR_MAX_BYTES,
            max_pixels=AVATAR_MAX_PIXELS,
            max_side=AVATAR_MAX_SIDE,
        )
        if profile.avatar:
            profile.avatar.delete(save=False)
        profile.avatar.save(cleaned.name, cleaned, save=False)
        fields.append("avatar")
    elif remove_avatar and profile.avatar:
        profile.avatar.delete(save=False)
        fields.append("avatar")
    profile.full_clean()
    profile.save(update_fields=fields)
    return profile


@transaction.atomic
def membership_grant(*, user: User, source: str) -> Membership:
    """Open the programme and community. Every source, free included, grants the same access."""
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=user, defaults={"source": source}
    )
    # A paid contribution after a free join records the newer source; access is unchanged.
    if not created and membership.source != source and source != Membership.Source.FREE:
        membership.source = source
        membership.save(update_fields=["source", "updated_at"])
    return membership


@transaction.atomic
def coach_add(*, user: User) -> None:
    group, _ = Group.objects.get_or_create(name=COACHES_GROUP)
    user.groups.add(group)
    if not user.is_staff:
        user.is_staff = True  # coaches work in Django admin
        user.save(update_fields=["is_staff"])


@transaction.atomic
def _user_delete_rows(*, user: User) -> None:
    User.objects.select_for_update().filter(pk=user.pk).first()  # one deletion at a time
    for provider in personal_data:
        if provider.forget is not None:
            provider.forget(user=user)
    profile = Profile.objects.filter(user=user).first()
    if profile is not None and profile.avatar:
        avatar = profile.avatar
        transaction.on_commit(lambda: avatar.storage.delete(avatar.name))
    user.delete()


def user_delete(*, user: User) -> None:
    """Delete an account and everything kept about the person, asking every app first.

    1. Each app's `before_delete` runs outside any transaction and may talk to outside services
       (payments cancels live subscriptions at Stripe and waits for the answer). Any of them may
       raise AccountDeletionBlocked: then nothing is deleted and the member can try again.
    2. In one transaction, each app's `forget` anonymises what must stay (forum posts) or checks
       its rule still holds (no subscription went live meanwhile), then the user row goes and
       the remaining rows cascade.
    """
    for provider in personal_data:
        if provider.before_delete is not None:
            provider.before_delete(user=user)
    _user_delete_rows(user=user)
