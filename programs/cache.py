"""Keep the cached programme bundle current: any write to a phase, pool entry or exercise
(and its tags) bumps the bundle's version, now and again when the transaction commits.

Only cache upkeep lives here; no business rule hangs on these signals.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from exercises.cache import tags_bulk_changed


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
    # Tags added in bulk (exercise_tags_set) send no post_save: the library says so itself.
    tags_bulk_changed.connect(_changed, dispatch_uid="programme-bundle-tags-bulk")


def _history_changed(sender, instance, **_kwargs) -> None:
    """Stored Progress totals cover weeks no chart shows; a change to a session that old (an
    admin correction: the session admin saves the session with its items; a deletion) drops
    them so Progress reads the history again. Recent sessions (played, logged late) never
    reach them: no query for those. Items have no receiver, so deleting them in bulk stays one
    statement."""
    from datetime import timedelta

    from django.utils import timezone

    from programs.selectors.progress import CHART_WEEKS
    from programs.services.progress_totals import progress_totals_forget_from

    if instance.date >= timezone.localdate() - timedelta(weeks=CHART_WEEKS + 1):
        return
    # A bulk delete (an account's sessions, an admin action) drops each member's totals once.
    origin = _kwargs.get("origin")
    bulk = origin is not None and origin is not instance
    done = getattr(origin, "_progress_totals_dropped", set()) if bulk else set()
    if instance.member_id in done:
        return
    progress_totals_forget_from(member_id=instance.member_id, day=instance.date)
    if bulk:
        origin._progress_totals_dropped = done | {instance.member_id}


def connect_history() -> None:
    from programs.models import PlannedSession

    uid = "progress-totals-plannedsession"
    post_save.connect(_history_changed, sender=PlannedSession, dispatch_uid=uid)
    post_delete.connect(_history_changed, sender=PlannedSession, dispatch_uid=uid + "-del")
