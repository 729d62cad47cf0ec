"""Keep the cached programme bundle current: any write to a phase, pool entry or exercise
(and its tags) bumps the bundle's version, now and again when the transaction commits.

Only cache upkeep lives here; no business rule hangs on these signals.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save


def _changed(**_kwargs) -> None:
    from programs.selectors.programme import programme_cache_invalidate

    programme_cache_invalidate()
    # A request that read the old rows before this commit must not keep them under the new
    # version: bump again once the write is visible to everyone.
    transaction.on_commit(programme_cache_invalidate)


def connect() -> None:
    from exercises.models import Exercise, ExerciseTag
    from programs.models import Phase, PoolEntry

    # Images and steps are not part of the bundle: the engine reads names, doses and tags.
    for model in (Phase, PoolEntry, Exercise, ExerciseTag):
        label = model._meta.label_lower
        post_save.connect(_changed, sender=model, dispatch_uid=f"programme-bundle-save-{label}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"programme-bundle-del-{label}")
    post_migrate.connect(_changed, dispatch_uid="programme-bundle-migrate")
