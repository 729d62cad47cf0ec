"""Map the database's phases, pools and exercises to the engine's frozen dataclasses."""

import logging
import time
import uuid
from dataclasses import dataclass, field

from django.core.cache import cache

from backcore.prepared import PLACEHOLDERS, prepared
from exercises.models import Exercise
from exercises.selectors import exercise_catalogue
from programs import engine
from programs.models import Phase, PoolEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProgrammeBundle:
    """The engine's Programme plus the look-ups the web side needs to store its output."""

    programme: engine.Programme
    phases_by_slug: dict[str, Phase]
    exercise_ids: dict[str, int]  # slug → Exercise.pk
    exercise_names: dict[str, str]  # slug → name
    slugs_by_id: dict[int, str]
    # Every exercise, for pages that show planned items without reading the library again:
    # names, doses, tags and keyframes are kept current (programs/cache.py); images and steps
    # are not, so a page showing those reads them itself.
    exercises_by_id: dict[int, Exercise] = field(default_factory=dict)


def dose_of(hold_seconds: int | None, reps: int | None, sets: int | None, carried=None):
    """An engine Dose from stored numbers, or None when they do not make a valid dose."""
    try:
        if hold_seconds:
            return engine.Dose.of_hold(hold_seconds, sets=sets or 1, carried=carried)
        if reps:
            return engine.Dose.of_reps(reps, sets=sets or 1, carried=carried)
    except ValueError:
        if carried is not None:
            return dose_of(hold_seconds, reps, sets)
    return None


def _floor_for(exercise, start: engine.Dose) -> engine.Dose:
    floor = dose_of(exercise.floor_hold_seconds, exercise.floor_reps, exercise.floor_sets)
    if floor is None or floor.is_hold != start.is_hold:
        floor = start.with_unit(max(1, start.unit // 2), sets=1)
    return start.with_unit(min(floor.unit, start.unit), sets=min(floor.sets, start.sets))


def _plannable(exercise) -> bool:
    """A coach withdraws an exercise from plans by unpublishing it (retiring it)."""
    return exercise is not None and exercise.is_published


def exercise_spec(exercise) -> engine.ExerciseSpec:
    """The engine's view of an exercise; a withdrawn easier or harder variation is not offered."""
    easier, harder = exercise.easier, exercise.harder
    return engine.ExerciseSpec(
        slug=exercise.slug,
        name=exercise.name,
        movement_type=exercise.movement_type,
        equipment=frozenset(exercise.equipment or [engine.NO_EQUIPMENT]),
        per_side=exercise.per_side,
        rest_seconds=exercise.rest_seconds,
        easier_slug=easier.slug if exercise.easier_id and _plannable(easier) else None,
        harder_slug=harder.slug if exercise.harder_id and _plannable(harder) else None,
        opening=dose_of(exercise.hold_seconds, exercise.reps, exercise.sets),
        lowest=dose_of(exercise.floor_hold_seconds, exercise.floor_reps, exercise.floor_sets),
        highest=dose_of(
            exercise.ceiling_hold_seconds, exercise.ceiling_reps, exercise.ceiling_sets
        ),
    )


def pool_entry_to_engine(entry: PoolEntry, exercise) -> engine.PoolEntry:
    start = dose_of(entry.start_hold_seconds, entry.start_reps, entry.start_sets)
    ceiling = dose_of(entry.ceiling_hold_seconds, entry.ceiling_reps, entry.ceiling_sets)
    if start is None or ceiling is None:
        raise engine.ConfigurationError(f"{exercise.slug}: start and ceiling doses are required.")
    return engine.PoolEntry(
        exercise=exercise.slug, start=start, ceiling=ceiling, floor=_floor_for(exercise, start)
    )


def phase_rules(phase: Phase, entries: list[PoolEntry], exercises_by_id: dict) -> engine.PhaseRules:
    pools: dict[str, list[engine.PoolEntry]] = {}
    for entry in entries:
        exercise = exercises_by_id.get(entry.exercise_id)
        if not _plannable(exercise):
            continue  # withdrawn: no plan offers it until a coach publishes it again
        try:
            pools.setdefault(entry.track, []).append(pool_entry_to_engine(entry, exercise))
        except engine.ConfigurationError:
            logger.warning("Skipping pool entry %s: its doses are inconsistent.", entry.pk)
    return engine.PhaseRules(
        slug=phase.slug,
        name=phase.name,
        order=phase.order,
        weekly_cap_percent=float(phase.weekly_cap_percent),
        min_weeks=phase.min_weeks,
        adherence_threshold=phase.adherence_threshold,
        max_effort_to_progress=phase.max_effort_to_progress,
        pools={track: tuple(items) for track, items in pools.items()},
    )


BUNDLE_VERSION_KEY = "programs:bundle:version"
BUNDLE_KEY = "programs:bundle:{version}"
# A safety net behind the version bump (e.g. edits made while Redis was down reached only one
# process): no copy, shared or per process, is older than this.
BUNDLE_MAX_AGE = 5 * 60
_local: dict[
    str, tuple[float, ProgrammeBundle]
] = {}  # this process's copy: version → (when, bundle)


def programme_cache_version() -> str | None:
    """The current programme version; a fresh one when the cache has none (cleared, evicted)."""
    version = cache.get(BUNDLE_VERSION_KEY)
    if version is None:
        cache.add(BUNDLE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(BUNDLE_VERSION_KEY)
    return version


def programme_cache_version_with(key: str) -> tuple[str | None, object]:
    """The current programme version (as `programme_cache_version`) and the cache's entry at
    `key`, read in one round trip: a kept page checks both on every request."""
    found = cache.get_many([BUNDLE_VERSION_KEY, key])
    version = found.get(BUNDLE_VERSION_KEY)
    if version is None:
        version = programme_cache_version()
    return version, found.get(key)


def programme_cache_invalidate() -> None:
    """A coach changed a phase, pool or exercise: every process rebuilds on its next request."""
    cache.set(BUNDLE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _local.clear()


def programme_build() -> ProgrammeBundle:
    """The programme bundle of the current version: built once per version, then shared.

    One cache read per call when this process already holds the version; otherwise the
    bundle comes from the shared cache (Redis in production) or is built and stored there.
    """
    version = programme_cache_version()
    if version is None:  # the cache answers nothing: never keep a copy nobody can invalidate
        return programme_build_uncached()
    now = time.monotonic()
    held = _local.get(version)
    if held is not None and now - held[0] < BUNDLE_MAX_AGE:
        return held[1]
    key = BUNDLE_KEY.format(version=version)
    bundle = cache.get(key)
    if bundle is None:
        bundle = programme_build_uncached()
        cache.set(key, bundle, timeout=BUNDLE_MAX_AGE)
    _local.clear()
    _local[version] = (now, bundle)
    return bundle


def programme_build_uncached() -> ProgrammeBundle:
    """Everything the engine needs, in a constant number of queries (phases, pools, catalogue)."""
    phases = list(Phase.objects.order_by("order"))
    entries = list(PoolEntry.objects.order_by("phase_id", "track", "order", "id"))
    catalogue = exercise_catalogue(published_only=False)
    exercises_by_id = {exercise.pk: exercise for exercise in catalogue}
    by_phase: dict[int, list[PoolEntry]] = {}
    for entry in entries:
        by_phase.setdefault(entry.phase_id, []).append(entry)
    rules = [phase_rules(phase, by_phase.get(phase.pk, []), exercises_by_id) for phase in phases]
    # The engine sees only exercises a plan may offer (pools, warm-ups, variations); the look-ups
    # below keep every exercise, so history and stored plans still show their names.
    programme = engine.Programme(
        phases=rules, exercises=[exercise_spec(e) for e in catalogue if _plannable(e)]
    )
    return ProgrammeBundle(
        programme=programme,
        phases_by_slug={phase.slug: phase for phase in phases},
        exercise_ids={exercise.slug: exercise.pk for exercise in catalogue},
        exercise_names={exercise.slug: exercise.name for exercise in catalogue},
        slugs_by_id={exercise.pk: exercise.slug for exercise in catalogue},
        exercises_by_id=exercises_by_id,
    )


def _dose_range(start: engine.Dose, ceiling: engine.Dose) -> str:
    unit = "s" if start.is_hold else "reps"
    units = f"{start.unit}" if start.unit == ceiling.unit else f"{start.unit}–{ceiling.unit}"
    sets = f"{start.sets}" if start.sets == ceiling.sets else f"{start.sets}–{ceiling.sets}"
    return f"{units} {unit} × {sets} set{'' if sets == '1' else 's'}"


def pool_doses_for_exercise(exercise_id: int) -> list[str]:
    """Where plans take this exercise's doses from, one line per phase (per track only where the
    tracks differ): "In Reconnect: 8–12 reps × 1–2 sets, start 8 reps × 1 set". One query,
    compiled once per process: the library's exercise page reads it on every request."""
    from programs.engine.wording import describe_dose

    read = prepared(
        ("programs.pool_doses_for_exercise",),
        lambda: (
            PoolEntry.objects.filter(exercise_id=PLACEHOLDERS["exercise"])
            .order_by("phase__order", "track")
            .values_list(
                "phase__name",
                "track",
                "start_hold_seconds",
                "start_reps",
                "start_sets",
                "ceiling_hold_seconds",
                "ceiling_reps",
                "ceiling_sets",
            )
        ),
        names=("exercise",),
        plan_once=True,
    )
    track_labels = dict(PoolEntry._meta.get_field("track").flatchoices)
    by_phase: dict[str, dict[str, list[str]]] = {}
    for phase, track, *numbers in read.rows(exercise=exercise_id):
        start, ceiling = dose_of(*numbers[:3]), dose_of(*numbers[3:])
        if start is None or ceiling is None or start.is_hold != ceiling.is_hold:
            continue
        text = f"{_dose_range(start, ceiling)}, start {describe_dose(start)}"
        tracks = by_phase.setdefault(phase, {})
        tracks.setdefault(text, []).append(str(track_labels.get(track, track)).lower())
    lines = []
    for phase, doses in by_phase.items():
        if len(doses) == 1:
            lines.append(f"In {phase}: {next(iter(doses))}")
            continue
        for text, tracks in doses.items():
            named = " and ".join(tracks) + (" tracks" if len(tracks) > 1 else " track")
            lines.append(f"In {phase}, {named}: {text}")
    return lines
