"""What accounts itself (and the libraries it brings: allauth, Django admin) keep about a person."""

from __future__ import annotations

from django.apps import apps

from backcore.accounts.lifecycle import (
    Handling,
    OnDelete,
    PersonalData,
    export_row,
    export_value,
)
from backcore.accounts.models import Membership, Profile, User


def _models() -> dict:
    from allauth.account.models import EmailAddress
    from django.contrib.admin.models import LogEntry

    declared = {
        Profile: Handling(OnDelete.DELETE, section="profile"),
        Membership: Handling(OnDelete.DELETE, section="membership"),
        EmailAddress: Handling(OnDelete.DELETE, section="email_addresses"),
        LogEntry: Handling(
            OnDelete.DELETE,
            section=None,
            reason="staff's own audit trail of admin edits, about other records, not the person",
        ),
    }
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        declared[Authenticator] = Handling(
            OnDelete.DELETE, section=None, reason="second-factor secrets are never exported"
        )
    return declared


def export(*, user: User) -> dict:
    from allauth.account.models import EmailAddress

    profile = Profile.objects.filter(user=user).first()
    membership = Membership.objects.filter(user=user).first()
    addresses = EmailAddress.objects.filter(user=user).order_by("id")
    return {
        "account": {
            "email": user.email,
            "date_joined": export_value(user.date_joined),
            "last_login": export_value(user.last_login),
        },
        "profile": export_row(profile) if profile else None,
        "membership": export_row(membership) if membership else None,
        "email_addresses": [export_row(a) for a in addresses],
    }


def accounts_personal_data() -> PersonalData:
    return PersonalData(app="accounts", models=_models(), export=export)
