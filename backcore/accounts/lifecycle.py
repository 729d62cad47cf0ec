"""Account lifecycle: what every app keeps about a person, how it is exported, what deletion does.

Accounts never imports an app (ARCHITECTURE.md). Each app that stores anything linked to a user
registers one `PersonalData` from its `AppConfig.ready()`:

    # <app>/apps.py
    def ready(self):
        from backcore.accounts.lifecycle import personal_data
        from <app>.lifecycle import PERSONAL_DATA
        personal_data.register(PERSONAL_DATA)

    # <app>/lifecycle.py
    PERSONAL_DATA = PersonalData(
        app="<app>",
        models={Conversation: Handling(section="conversations", on_delete=OnDelete.DELETE)},
        export=lambda *, user: {"conversations": [...rows...]},
        forget=conversations_forget,       # optional: inside the deletion transaction
        before_delete=None,                # optional: outside it, for outside services (Stripe)
    )

`models` declares every model of the app with a foreign key (or one-to-one) to the user and how
it is handled; tests/integration/test_account_lifecycle.py fails when a model is missing, so a
new model cannot be forgotten by the export or the deletion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import models


class StreamedRows:
    """A section too long to hold in memory at once (years of sessions): its rows are read from
    the database while the export is written, a chunk at a time. `rows` is called once per pass."""

    def __init__(self, rows: Callable[[], Iterable[dict[str, Any]]]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self._rows())


Section = list[dict[str, Any]] | dict[str, Any] | StreamedRows | None


class OnDelete(StrEnum):
    DELETE = "delete"  # the rows go with the account
    ANONYMISE = "anonymise"  # the rows stay (others' threads), detached from the person
    KEEP = "keep"  # bookkeeping the law makes us keep; the link to the person is cleared


@dataclass(frozen=True)
class Handling:
    on_delete: OnDelete
    section: str | None  # the export section holding these rows; None needs a reason
    reason: str = ""  # why rows are not exported (e.g. admin audit trail)

    def __post_init__(self):
        if self.section is None and not self.reason:
            raise ValueError("A model left out of the export needs a reason")


@dataclass(frozen=True)
class PersonalData:
    app: str
    models: Mapping[type[models.Model], Handling]
    export: Callable[..., Mapping[str, Section]]  # export(*, user) -> {section: rows}
    forget: Callable[..., None] | None = None  # forget(*, user) inside the deletion transaction
    before_delete: Callable[..., None] | None = None  # before_delete(*, user), no transaction
    downloads: tuple[tuple[str, str, str], ...] = ()  # extra files: (url name, label, what)
    sections: tuple[str, ...] = field(init=False, default=())

    def __post_init__(self):
        names = tuple(dict.fromkeys(h.section for h in self.models.values() if h.section))
        object.__setattr__(self, "sections", names)


class AccountDeletionBlocked(Exception):
    """An app could not let the account go yet (e.g. Stripe did not confirm a cancellation).
    Nothing was deleted; the message is shown to the member as is."""


class Registry:
    def __init__(self) -> None:
        self._providers: dict[str, PersonalData] = {}

    def register(self, provider: PersonalData) -> None:
        if provider.app in self._providers:  # ready() may run twice in tests: same app, replace
            self._providers[provider.app] = provider
            return
        taken = {s for p in self._providers.values() for s in p.sections}
        clash = taken & set(provider.sections)
        if clash:
            raise ValueError(f"Export sections already used by another app: {sorted(clash)}")
        self._providers[provider.app] = provider

    def __iter__(self):
        return iter(list(self._providers.values()))

    def covered(self) -> dict[type[models.Model], tuple[str, Handling]]:
        found: dict[type[models.Model], tuple[str, Handling]] = {}
        for provider in self:
            for model, handling in provider.models.items():
                if model in found:
                    raise ValueError(f"{model._meta.label} is declared by two apps")
                found[model] = (provider.app, handling)
        return found


personal_data = Registry()


SKIP_FIELDS = frozenset({"member", "user", "token", "password"})


def export_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def export_row(instance: models.Model, *, skip: frozenset[str] | set[str] = SKIP_FIELDS) -> dict:
    """Every concrete field of a row; foreign keys as their id, except the person (implicit)."""
    data = {}
    for f in instance._meta.concrete_fields:
        if f.name in skip:
            continue
        if f.is_relation:
            data[f"{f.name}_id"] = getattr(instance, f.attname)
        elif isinstance(f, models.FileField):
            data[f.name] = getattr(instance, f.name).name or ""
        else:
            data[f.name] = export_value(getattr(instance, f.attname))
    return data
