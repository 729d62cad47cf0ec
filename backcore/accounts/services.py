import csv
import io
import json
import zipfile
from collections.abc import Iterator

from django.contrib.auth.models import Group
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

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


EXPORT_FORMAT = "backcore-export-2"


def account_export(*, user: User) -> dict:
    """Everything every app keeps about the person, one section per kind of record."""
    data: dict = {"format": EXPORT_FORMAT, "exported_at": timezone.now().isoformat()}
    for provider in personal_data:
        sections = dict(provider.export(user=user))
        missing = set(provider.sections) - set(sections)
        clash = set(sections) & set(data)
        if missing or clash:
            raise ValueError(f"{provider.app} export: missing {missing}, clashing {clash}")
        data.update(sections)
    return data


def account_export_json_chunks(*, user: User, size: int = 64 * 1024) -> Iterator[str]:
    """The JSON export encoded piece by piece (about `size` characters a piece), so the page can
    stream it without ever holding the whole text."""
    pending, length = [], 0
    for piece in DjangoJSONEncoder(indent=2).iterencode(account_export(user=user)):
        pending.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)


def _csv_tables(name: str, value, *, parent: tuple[str, object] | None = None) -> dict:
    """A section as CSV tables: a list of rows is one table, a record one row; nested lists
    become their own table with the parent's id."""
    rows = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    tables: dict[str, list[dict]] = {name: []}
    for row in rows:
        flat = {parent[0]: parent[1]} if parent else {}
        for key, cell in row.items():
            if isinstance(cell, list) and all(isinstance(c, dict) for c in cell):
                for child, child_rows in _csv_tables(
                    f"{name}-{key}", cell, parent=(f"{name}_id", row.get("id"))
                ).items():
                    tables.setdefault(child, []).extend(child_rows)
            elif isinstance(cell, dict | list):
                flat[key] = json.dumps(cell, cls=DjangoJSONEncoder)
            else:
                flat[key] = cell
        tables[name].append(flat)
    return tables


def account_export_zip(*, user: User) -> bytes:
    """The export as a zip: data.json plus one CSV per table, for a spreadsheet."""
    data = account_export(user=user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
        for section, value in data.items():
            if not isinstance(value, dict | list):
                continue
            for table, rows in _csv_tables(section, value).items():
                columns = list(dict.fromkeys(k for row in rows for k in row))
                text = io.StringIO()
                writer = csv.DictWriter(text, fieldnames=columns)
                writer.writeheader()
                writer.writerows(rows)
                bundle.writestr(f"{table}.csv", text.getvalue())
    return buffer.getvalue()
