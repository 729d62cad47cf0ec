"""Phases: which pool a member draws from, entering a phase, and when the next one unlocks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from programs.engine.pain import (
    WEEK,
    PainLight,
    classify_session,
    counts_for_pain,
    sessions_between,
)
from programs.engine.types import (
    EPSILON,
    Decision,
    DecisionKind,
    MemberState,
    PhaseProgress,
    PhaseRules,
    PoolEntry,
    Programme,
    SessionRecord,
    Track,
    WeekResult,
)
from programs.engine.wording import describe_dose, out_of_ten, plural

ADVANCE_WINDOW_WEEKS = 2  # adherence and pain are judged over the last two weeks


def available_entries(
    programme: Programme, phase: PhaseRules, track: str, equipment: frozenset[str]
) -> tuple[PoolEntry, ...]:
    """The phase's pool for this track, minus anything needing equipment the member lacks."""
    return tuple(
        entry
        for entry in phase.entries_for(track)
        if programme.exercise(entry.exercise).usable_with(equipment)
    )


def performed_slug(programme: Programme, state: MemberState, entry: PoolEntry) -> str:
    """The exercise actually done for a pool entry: its easier variation when one is in use."""
    variation = state.variations.get(entry.exercise)
    if variation in programme.exercises and programme.exercise(variation).usable_with(
        state.equipment
    ):
        return variation
    return entry.exercise


def enter_phase(
    state: MemberState,
    programme: Programme,
    phase: PhaseRules,
    *,
    kind: DecisionKind,
    because: str,
    last_reviewed_week: date | None,
) -> tuple[MemberState, tuple[Decision, ...]]:
    """Start `phase` from its pool's start doses; every decision explains why."""
    decisions = []
    for entry in available_entries(programme, phase, state.track, state.equipment):
        spec = programme.exercise(entry.exercise)
        dose_text = describe_dose(entry.start, per_side=spec.per_side)
        decisions.append(
            Decision(
                exercise=entry.exercise,
                kind=kind,
                dose=entry.start,
                reason=f"{because} {spec.name} starts at {dose_text}.",
                previous=state.doses.get(entry.exercise),
            )
        )
    new_state = MemberState(
        track=state.track,
        equipment=state.equipment,
        minutes_per_day=state.minutes_per_day,
        training_weekdays=state.training_weekdays,
        phase=phase.slug,
        weeks_in_phase=0,
        doses={d.exercise: d.dose for d in decisions},
        variations={},
        dose_reasons={d.exercise: d.reason for d in decisions},
        last_reviewed_week=last_reviewed_week,
    )
    return new_state, tuple(decisions)


def start_member(
    programme: Programme,
    *,
    track: str,
    equipment: Iterable[str],
    minutes_per_day: int,
    training_weekdays: Iterable[int],
) -> WeekResult:
    """A new member's first state: the first phase at its start doses."""
    first = programme.phases[0]
    blank = MemberState(
        track=Track(track),
        equipment=frozenset(equipment),
        minutes_per_day=minutes_per_day,
        training_weekdays=frozenset(training_weekdays),
        phase=first.slug,
    )
    state, decisions = enter_phase(
        blank,
        programme,
        first,
        kind=DecisionKind.START,
        because=f"Welcome to {first.name}.",
        last_reviewed_week=None,
    )
    return WeekResult(state=state, decisions=decisions, summary=f"Starting with {first.name}.")


def _targets_met(records: Iterable[SessionRecord], max_effort: int) -> bool:
    return all(
        record.effort <= max_effort and all(done.target_met for done in record.exercises)
        for record in records
        if counts_for_pain(record)
    )


def advancement_status(
    state: MemberState,
    programme: Programme,
    history: Iterable[SessionRecord],
    week_start: date,
) -> PhaseProgress:
    """Whether the phase's criteria are met, counting the week from `week_start` as done.

    Criteria: the phase's minimum weeks; over the last two weeks in this phase, planned-session
    adherence at or above the threshold, every session green, and targets met at effort at or
    below the phase's maximum.
    """
    phase = programme.phase(state.phase)
    following = programme.next_phase(phase.slug)
    weeks_done = state.weeks_in_phase + 1
    window_weeks = min(ADVANCE_WINDOW_WEEKS, weeks_done)  # only weeks spent in this phase
    window = sessions_between(history, week_start - WEEK * (window_weeks - 1), week_start + WEEK)
    planned = sum(1 for record in window if record.planned)
    done = sum(1 for record in window if record.planned and record.completed)
    not_green = [
        verdict
        for verdict in (classify_session(r) for r in window if counts_for_pain(r))
        if verdict.light is not PainLight.GREEN
    ]
    targets_met = _targets_met(window, phase.max_effort_to_progress)
    adherence_met = planned > 0 and done / planned >= phase.adherence_threshold - EPSILON

    missing = []
    if weeks_done < phase.min_weeks:
        missing.append(f"{plural(phase.min_weeks - weeks_done, 'more week')} in this phase")
    if not adherence_met:
        missing.append(
            f"at least {phase.adherence_threshold:.0%} of planned sessions done over the last "
            f"two weeks (so far {done} of {planned})"
        )
    if not_green:
        missing.append(f"every session green ({not_green[0].description})")
    if not targets_met:
        missing.append(f"targets met at effort {out_of_ten(phase.max_effort_to_progress)} or less")

    ready = following is not None and not missing
    if following is None:
        reason = f"{phase.name} is the last phase: keep building at your own pace."
    elif ready:
        reason = (
            f"You've done {plural(weeks_done, 'week')} in {phase.name}, {done} of {planned} "
            f"planned sessions over the last {plural(window_weeks, 'week')}, every one green, "
            f"with targets met at effort {out_of_ten(phase.max_effort_to_progress)} or less."
        )
    else:
        reason = f"{following.name} unlocks with " + "; ".join(missing) + "."
    return PhaseProgress(
        phase=phase.slug,
        next_phase=following.slug if following else None,
        weeks_done=weeks_done,
        min_weeks=phase.min_weeks,
        sessions_planned=planned,
        sessions_done=done,
        adherence_threshold=phase.adherence_threshold,
        all_green=not not_green,
        targets_met=targets_met,
        ready=ready,
        reason=reason,
    )
