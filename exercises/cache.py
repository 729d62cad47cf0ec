"""The library's drawn cards, kept per process under the library's version.

Any write to an exercise, its tags, images or steps gives the library a new version (now and
again when the transaction commits), so every process draws its cards afresh. Only cache
upkeep lives here; no business rule hangs on these signals.
"""

import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import Signal
from django.urls import get_script_prefix

# Sent when tags are inserted in bulk (no model signal reports it), so caches built from the
# exercises' tags elsewhere (the programme bundle's equipment) hear of it too.
tags_bulk_changed = Signal()

LIBRARY_VERSION_KEY = "exercises:library:version"
# A safety net behind the version bump (an edit made while Redis was down reached only one
# process): no process keeps a drawing longer than this.
MAX_AGE = 5 * 60
MAX_ENTRIES = 2_048

_drawn: dict[tuple, str] = {}
_born = [time.monotonic()]


def library_version() -> str | None:
    """The current version; a fresh one when the cache has none (cleared, evicted)."""
    version = cache.get(LIBRARY_VERSION_KEY)
    if version is None:
        cache.add(LIBRARY_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(LIBRARY_VERSION_KEY)
    return version


def library_invalidate() -> None:
    cache.set(LIBRARY_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _drawn.clear()


def drawn(key: tuple, draw) -> str:
    """The drawing kept under `key` (which must hold the library version), or `draw()`."""
    now = time.monotonic()
    if now - _born[0] > MAX_AGE:
        _drawn.clear()
        _born[0] = now
    html = _drawn.get(key)
    if html is None:
        html = draw()
        if len(_drawn) >= MAX_ENTRIES:
            _drawn.pop(next(iter(_drawn)))
        _drawn[key] = html
    return html


def card_key(exercise_pk: int, version: str) -> tuple:
    """Where the library card of an exercise is kept under this library version."""
    return ("card", version, exercise_pk, get_script_prefix())


def library_page_key(page, version: str) -> tuple:
    """Where a page of the whole library (no filter, no search) is kept: under the exercises
    it lists and how many there are, as this request read them, and the library version."""
    exercises = tuple(exercise.pk for exercise in page.object_list)
    return ("library", version, page.number, page.paginator.count, exercises, get_script_prefix())


def page_key(row: tuple, version: str, *, staff: bool, plan_doses: tuple[str, ...]) -> tuple:
    """Where the body of an exercise's page is kept: under the row and its variations' as this
    request read them (selectors.exercise_page_read: no edit to the row, whatever made it, can
    be missed), the library version for its tags, images and steps, what staff see (unpublished
    variations, an edit link) and the phase pools' doses this request read."""
    return ("page", version, row, staff, plan_doses, get_script_prefix())


def is_drawn(key: tuple) -> bool:
    return key in _drawn


def library_changed() -> None:
    """For writes no signal reports (bulk inserts): every process draws the library afresh."""
    library_invalidate()
    # A request that read the old rows before this commit must not keep them under the new
    # version: bump again once the write is visible to everyone.
    transaction.on_commit(library_invalidate)


def _changed(**_kwargs) -> None:
    library_changed()


def connect() -> None:
    from exercises.models import Exercise, ExerciseImage, ExerciseStep, ExerciseTag

    for model in (Exercise, ExerciseTag, ExerciseImage, ExerciseStep):
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"library-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"library-del-{label}")
    post_migrate.connect(_changed, dispatch_uid="library-migrate")
