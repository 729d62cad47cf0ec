"""Today's session: a short warm-up and 1–3 main exercises that fit the member's minutes."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from programs.engine.pain import PainLight, classify_session, counts_for_pain, ordered
from programs.engine.phases import (
    available_entries,
    back_from_variation,
    carried_dose,
    dose_entry,
    performed_slug,
)
from programs.engine.types import (
    Dose,
    ExerciseSpec,
    ItemRole,
    MemberState,
    MovementType,
    PlannedItem,
    PoolEntry,
    Programme,
    RestDay,
    SessionPlan,
    SessionRecord,
    Track,
)
from programs.engine.wording import describe_dose, plural, weekday_name

SECONDS_PER_REP = 3
MAX_MAIN_EXERCISES = 3
MAX_WARM_UPS = 2
# Only used when the phase's pool has no warm-up movement the member can do.
DEFAULT_WARM_UP_DOSES = {
    MovementType.STRETCH_MOBILITY: Dose.of_hold(20, sets=1),
    MovementType.NERVE_GLIDE: Dose.of_reps(8, sets=1),
}


def warm_up_types(track: Track) -> frozenset[MovementType]:
    if track is Track.SCIATICA:
        return frozenset({MovementType.STRETCH_MOBILITY, MovementType.NERVE_GLIDE})
    return frozenset({MovementType.STRETCH_MOBILITY})


def estimate_seconds(spec: ExerciseSpec, dose: Dose) -> int:
    """Work plus rest between bouts; a bout is one set on one side."""
    bouts = dose.sets * (2 if spec.per_side else 1)
    per_bout = dose.unit if dose.is_hold else dose.unit * SECONDS_PER_REP
    return per_bout * bouts + spec.rest_seconds * (bouts - 1)


@dataclass(frozen=True)
class _Candidate:
    order: int  # position in the pool: the stable tie-break
    spec: ExerciseSpec
    dose: Dose
    last_done: date | None
    dose_reason: str
    entry: PoolEntry | None = None  # None for a catalogue warm-up outside the pool

    @property
    def rotation_key(self) -> tuple[date, int]:
        # Least recently done first, so no exercise dominates; never done counts as oldest.
        return (self.last_done or date.min, self.order)

    @property
    def seconds(self) -> int:
        return estimate_seconds(self.spec, self.dose)

    def item(self, role: ItemRole, why_today: str) -> PlannedItem:
        return PlannedItem(
            exercise=self.spec.slug,
            pool_exercise=self.entry.exercise if self.entry else None,
            role=role,
            dose=self.dose,
            per_side=self.spec.per_side,
            rest_seconds=self.spec.rest_seconds,
            estimated_seconds=self.seconds,
            reason=self.dose_reason,
            why_today=why_today,
        )


def _last_done_days(history: Sequence[SessionRecord], before: date) -> dict[str, date]:
    last: dict[str, date] = {}
    for record in history:
        if record.day < before:  # today's own log must not change today's plan
            for done in record.exercises:
                last[done.exercise] = max(record.day, last.get(done.exercise, date.min))
    return last


def _candidates(
    state: MemberState,
    programme: Programme,
    history: Sequence[SessionRecord],
    day: date,
) -> list[_Candidate]:
    phase = programme.phase(state.phase)
    last_done = _last_done_days(history, day)
    candidates = []
    for order, entry in enumerate(
        available_entries(programme, phase, state.track, state.equipment)
    ):
        spec = programme.exercise(performed_slug(programme, state, entry))
        own = dose_entry(programme, state, entry)  # the variation's own range when in use
        dose = carried_dose(programme, state, entry) or own.clamp(entry.start)
        back = back_from_variation(programme, state, entry)
        reason = (back.reason if back else state.dose_reasons.get(entry.exercise)) or (
            f"Starting at {describe_dose(dose, per_side=spec.per_side)}, "
            f"the opening dose for {phase.name}."
        )
        done_days = [last_done[s] for s in {spec.slug, entry.exercise} if s in last_done]
        candidates.append(
            _Candidate(order, spec, dose, max(done_days, default=None), reason, entry)
        )
    return candidates


def _catalogue_warm_ups(
    state: MemberState, programme: Programme, history: Sequence[SessionRecord], day: date
) -> list[_Candidate]:
    last_done = _last_done_days(history, day)
    specs = sorted(
        (
            spec
            for spec in programme.exercises.values()
            if spec.movement_type in warm_up_types(state.track)
            and spec.usable_with(state.equipment)
        ),
        key=lambda spec: spec.slug,
    )
    reason = "A gentle warm-up; it isn't part of your progression."
    return [
        _Candidate(
            order,
            spec,
            DEFAULT_WARM_UP_DOSES[spec.movement_type],
            last_done.get(spec.slug),
            reason,
        )
        for order, spec in enumerate(specs)
    ]


def _why_main(candidate: _Candidate) -> str:
    if candidate.last_done is None:
        return "Not done before, so it's first in line."
    done = candidate.last_done
    return f"Its turn: last done on {weekday_name(done)} {done.day} {done:%B}."


def _group_for(
    candidate: _Candidate, mains: list[_Candidate], taken: list[_Candidate]
) -> list[tuple[_Candidate, str]] | None:
    """The candidate with its reason, plus a decompression partner if it is a compression."""
    group = [(candidate, _why_main(candidate))]
    if candidate.spec.movement_type is MovementType.COMPRESSION:
        partner = next(
            (
                other
                for other in mains
                if other.spec.movement_type is MovementType.DECOMPRESSION
                and not any(other is chosen for chosen in taken)
            ),
            None,
        )
        if partner is None:
            return None  # never load the spine without unloading it straight after
        group.append((partner, f"Straight after {candidate.spec.name}, to unload your spine."))
    return group


def _pick_mains(mains: list[_Candidate], budget: int) -> list[tuple[_Candidate, str]]:
    """Fill up to three slots in rotation order; compression always comes with a decompression."""
    picked: list[tuple[_Candidate, str]] = []
    for candidate in mains:
        taken = [chosen for chosen, _ in picked]
        if len(picked) >= MAX_MAIN_EXERCISES:
            break
        if any(candidate is chosen for chosen in taken):
            continue
        group = _group_for(candidate, mains, taken)
        if group is None:
            continue
        seconds = sum(c.seconds for c, _ in picked + group)
        if len(picked) + len(group) <= MAX_MAIN_EXERCISES and seconds <= budget:
            picked.extend(group)
    return picked


def _trimmed_first_group(
    mains: list[_Candidate], budget: int, minutes: int
) -> list[tuple[_Candidate, str]]:
    """When nothing fits whole, do fewer sets (never below the floor) of the first in line."""
    for candidate in mains:
        group = _group_for(candidate, mains, [])
        if group is None:
            continue
        for sets in range(max(c.dose.sets for c, _ in group) - 1, 0, -1):
            trimmed = []
            for chosen, why in group:
                floor_sets = chosen.entry.floor.sets if chosen.entry else 1
                new_sets = max(min(chosen.dose.sets, sets), floor_sets)
                dose = chosen.dose.with_unit(
                    chosen.dose.unit, sets=new_sets, carried=chosen.dose.carried
                )
                if new_sets < chosen.dose.sets:
                    why += f" Trimmed to {plural(new_sets, 'set')} today to fit your {minutes} minutes."
                trimmed.append((replace(chosen, dose=dose), why))
            if sum(c.seconds for c, _ in trimmed) <= budget:
                return trimmed
    return []


def _first_warm_up(warm_ups: list[_Candidate], track: Track) -> _Candidate | None:
    if track is Track.SCIATICA:
        # Sciatica: open with a nerve glide when there is one.
        for candidate in warm_ups:
            if candidate.spec.movement_type is MovementType.NERVE_GLIDE:
                return candidate
    return warm_ups[0] if warm_ups else None


def _warm_up_why(candidate: _Candidate) -> str:
    if candidate.spec.movement_type is MovementType.NERVE_GLIDE:
        return "Warm-up: a gentle nerve glide to get the leg moving before the main work."
    return "Warm-up: eases you into the session."


def plan_session(
    state: MemberState,
    programme: Programme,
    history: Iterable[SessionRecord],
    day: date,
) -> SessionPlan | RestDay:
    """The session for `day`, or a rest day with its reason. Same inputs, same plan."""
    if day.weekday() not in state.training_weekdays:
        return RestDay(
            day,
            f"Rest day: {weekday_name(day)} isn't one of your training days. Rest is part "
            "of the programme.",
        )
    history = ordered(history)
    yesterday = [
        classify_session(record)
        for record in history
        if record.day == day - timedelta(days=1) and counts_for_pain(record)
    ]
    reds = [verdict for verdict in yesterday if verdict.light is PainLight.RED]
    if reds:
        return RestDay(
            day, f"Rest day: {reds[0].description}, so today your back gets time to settle."
        )

    budget = state.minutes_per_day * 60
    kinds = warm_up_types(state.track)
    candidates = sorted(_candidates(state, programme, history, day), key=lambda c: c.rotation_key)
    warm_ups = [c for c in candidates if c.spec.movement_type in kinds]
    mains = [c for c in candidates if c.spec.movement_type not in kinds]
    if not warm_ups:
        warm_ups = sorted(
            _catalogue_warm_ups(state, programme, history, day), key=lambda c: c.rotation_key
        )
    glide = MovementType.NERVE_GLIDE
    if state.track is Track.SCIATICA and not any(c.spec.movement_type is glide for c in warm_ups):
        # Every sciatica session opens with a nerve glide: when the pool has none the member
        # can do (equipment), the catalogue's version they can do stands in.
        warm_ups = [
            c
            for c in _catalogue_warm_ups(state, programme, history, day)
            if c.spec.movement_type is glide
        ] + warm_ups

    if not any(_group_for(candidate, mains, []) for candidate in mains):
        return RestDay(
            day,
            "Rest day: none of this phase's main exercises suits the equipment you have. "
            "Please update your equipment or talk to your coach.",
        )
    first = _first_warm_up(warm_ups, state.track)
    if first is not None and first.seconds > budget:
        first = None
    chosen_warm_ups = [first] if first else []
    left = budget - sum(c.seconds for c in chosen_warm_ups)
    picked = _pick_mains(mains, left) or _trimmed_first_group(mains, left, state.minutes_per_day)
    if not picked:
        return RestDay(
            day,
            f"Rest day: none of this phase's exercises fits in {state.minutes_per_day} minutes. "
            "Please allow a few more minutes a day or talk to your coach.",
        )
    left -= sum(c.seconds for c, _ in picked)
    for candidate in warm_ups:
        if len(chosen_warm_ups) >= MAX_WARM_UPS:
            break
        if candidate is not first and candidate.seconds <= left:
            chosen_warm_ups.append(candidate)
            left -= candidate.seconds

    items = tuple(
        [c.item(ItemRole.WARM_UP, _warm_up_why(c)) for c in chosen_warm_ups]
        + [c.item(ItemRole.MAIN, why) for c, why in picked]
    )
    total = sum(item.estimated_seconds for item in items)
    main_count = len(picked)
    return SessionPlan(
        day=day,
        phase=state.phase,
        items=items,
        estimated_seconds=total,
        budget_seconds=budget,
        reason=(
            f"{plural(len(chosen_warm_ups), 'warm-up')} and "
            f"{plural(main_count, 'main exercise')}, about {math.ceil(total / 60)} of your "
            f"{state.minutes_per_day} minutes."
        ),
    )
