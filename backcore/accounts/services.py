from django.contrib.auth.models import Group
from django.db import transaction

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


# Apps that keep shared content after an account goes (forum posts) offer a hook that anonymises
# it. Accounts calls them by name so it never imports those apps; a missing app is skipped.
FORGET_HOOKS = ("community.services.member_forget",)


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account and the personal data hanging off it (cascades), after each app's
    forget hook has anonymised what must stay (posts show as "former member")."""
    import importlib

    from django.apps import apps

    for dotted in FORGET_HOOKS:
        module_name, func_name = dotted.rsplit(".", 1)
        if not apps.is_installed(module_name.split(".")[0]):
            continue
        hook = getattr(importlib.import_module(module_name), func_name, None)
        if hook is not None:
            hook(user_id=user.pk)
    profile = Profile.objects.filter(user=user).first()
    if profile is not None and profile.avatar:
        avatar = profile.avatar
        transaction.on_commit(lambda: avatar.storage.delete(avatar.name))
    user.delete()
