"""Phases: which pool a member draws from, entering a phase, and when the next one unlocks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from programs.engine.dosing import back_off_dose
from programs.engine.pain import (
    WEEK,
    PainLight,
    WeekReview,
    classify_session,
    counts_for_pain,
    sessions_between,
)
from programs.engine.types import (
    EPSILON,
    ConfigurationError,
    Decision,
    DecisionKind,
    Dose,
    MemberState,
    PhaseProgress,
    PhaseRules,
    PoolEntry,
    Programme,
    SessionRecord,
    Track,
    WeekResult,
    evolve,
)
from programs.engine.wording import describe_dose, out_of_ten, plural

ADVANCE_WINDOW_WEEKS = 2  # adherence and pain are judged over the last two weeks


def available_entries(
    programme: Programme, phase: PhaseRules, track: str, equipment: frozenset[str]
) -> tuple[PoolEntry, ...]:
    """The phase's pool for this track, minus anything needing equipment the member lacks.

    Kept on the programme per phase, track and equipment (a weekly run asks the same few
    questions for every member); a phase that is not the programme's own is never mixed up
    with it (the kept answer names the phase object it was worked out for)."""
    key = ("available", phase.slug, track, equipment)
    memo = getattr(programme, "memo", None) if isinstance(equipment, frozenset) else None
    kept = memo.get(key) if memo is not None else None
    if kept is not None and kept[0] is phase:
        return kept[1]
    entries = tuple(
        entry
        for entry in phase.entries_for(track)
        if programme.exercise(entry.exercise).usable_with(equipment)
    )
    if memo is not None:
        memo[key] = (phase, entries)
    return entries


def performed_slug(programme: Programme, state: MemberState, entry: PoolEntry) -> str:
    """The exercise actually done for a pool entry: its easier variation when one is in use."""
    variation = state.variations.get(entry.exercise)
    if variation in programme.exercises and programme.exercise(variation).usable_with(
        state.equipment
    ):
        return variation
    return entry.exercise


def variation_entry(programme: Programme, track: str, entry: PoolEntry, slug: str) -> PoolEntry:
    """The range an easier variation is dosed in: its own unit and opening dose.

    Its own pool entry in any phase of the track when it has one (earliest phase first), else
    the catalogue's opening dose and range for it, else the pool entry it stands in for.
    """
    if slug == entry.exercise:
        return entry
    for phase in programme.phases:
        for candidate in phase.entries_for(track):
            if candidate.exercise == slug:
                return candidate
    spec = programme.exercises.get(slug)
    if spec is not None and spec.opening is not None:
        opening = spec.opening
        lowest = spec.lowest if spec.lowest and spec.lowest.is_hold == opening.is_hold else None
        highest = spec.highest if spec.highest and spec.highest.is_hold == opening.is_hold else None
        lowest = lowest or opening
        highest = highest or opening
        try:
            return PoolEntry(
                exercise=slug,
                start=opening,
                floor=opening.with_unit(
                    min(lowest.unit, opening.unit), sets=min(lowest.sets, opening.sets)
                ),
                ceiling=opening.with_unit(
                    max(highest.unit, opening.unit), sets=max(highest.sets, opening.sets)
                ),
            )
        except ConfigurationError:
            pass
    return PoolEntry(exercise=slug, start=entry.start, floor=entry.floor, ceiling=entry.ceiling)


def dose_entry(programme: Programme, state: MemberState, entry: PoolEntry) -> PoolEntry:
    """The range the dose of `entry` moves in: the entry's, or its variation's when in use."""
    return variation_entry(programme, state.track, entry, performed_slug(programme, state, entry))


def left_variation(programme: Programme, state: MemberState, entry: PoolEntry) -> str | None:
    """The easier variation the member was doing for `entry` and can no longer do (a coach
    withdrew it, or it needs equipment they no longer have): they are back on the harder
    exercise. None when they are on the exercise they were on."""
    variation = state.variations.get(entry.exercise)
    if variation is None or variation == entry.exercise:
        return None
    return None if performed_slug(programme, state, entry) == variation else variation


def carried_dose(programme: Programme, state: MemberState, entry: PoolEntry) -> Dose | None:
    """The dose the member carries for `entry`, in the range of the exercise they do (never
    raised; see PoolEntry.clamp). None when they have none yet.

    Back from an easier variation they can no longer do, it is the entry's start dose, what
    the phase gives a newcomer to the harder exercise: the variation's dose done on the harder
    exercise would be a rise in load that the weekly cap never allowed."""
    current = state.doses.get(entry.exercise)
    if current is None:
        return None
    if left_variation(programme, state, entry) is not None:
        return entry.start
    return dose_entry(programme, state, entry).clamp(current)


def back_from_variation(
    programme: Programme, state: MemberState, entry: PoolEntry
) -> Decision | None:
    """The decision that puts a member back on the harder exercise at its start dose when the
    easier variation they were doing is no longer theirs to do; None when it still is. The
    member reads why, and the badge shows a new exercise rather than a rise."""
    variation = left_variation(programme, state, entry)
    if variation is None:
        return None
    spec = programme.exercise(entry.exercise)
    phase = programme.phase(state.phase)
    start = describe_dose(entry.start, per_side=spec.per_side)
    easier = programme.exercises.get(variation)
    if easier is None:
        why = "the easier version you were doing is no longer part of the programme"
    else:
        why = (
            f"{easier.name}, the easier version you were doing, needs equipment you haven't listed"
        )
    return Decision(
        exercise=entry.exercise,
        kind=DecisionKind.START,
        dose=entry.start,
        reason=(
            f"Back to {spec.name}, starting at {start}, its starting dose in {phase.name}: {why}, "
            f"so {spec.name} starts light and builds up within the weekly cap."
        ),
        previous=state.doses.get(entry.exercise),
        variation=None,
        weeks_at_dose=0,
        previous_variation=variation,
    )


def backs_from_variations(programme: Programme, state: MemberState) -> tuple[Decision, ...]:
    """Every pool exercise of the member's phase they are back on at its start dose, because
    the easier variation they were doing is no longer theirs (see back_from_variation)."""
    phase = programme.phase(state.phase)
    found = (
        back_from_variation(programme, state, entry)
        for entry in available_entries(programme, phase, state.track, state.equipment)
    )
    return tuple(decision for decision in found if decision is not None)


def enter_phase(
    state: MemberState,
    programme: Programme,
    phase: PhaseRules,
    *,
    kind: DecisionKind,
    because: str,
    last_reviewed_week: date | None,
    ease: bool = False,
) -> tuple[MemberState, tuple[Decision, ...]]:
    """Move to `phase` without a jump in any dose.

    An exercise the member already does keeps its dose (brought under the new ceiling, never
    raised); with `ease` (a step back) it comes down one step. A new exercise opens at its start.
    """
    decisions = []
    for entry in available_entries(programme, phase, state.track, state.equipment):
        spec = programme.exercise(entry.exercise)
        current = state.doses.get(entry.exercise)
        variation = state.variations.get(entry.exercise) if current is not None else None
        if variation is not None and not (
            variation in programme.exercises
            and programme.exercise(variation).usable_with(state.equipment)
        ):
            variation, current = None, None
        if current is None or current.is_hold != entry.start.is_hold and variation is None:
            dose, weeks = entry.start, 0
            text = f"{spec.name} starts at {describe_dose(dose, per_side=spec.per_side)}."
        else:
            own = variation_entry(programme, state.track, entry, variation or entry.exercise)
            done = programme.exercise(variation or entry.exercise)
            kept = own.clamp(current)
            lower = back_off_dose(kept, own) if ease else None
            dose = lower or kept
            weeks = state.weeks_at_dose.get(entry.exercise, 0) if dose == current else 0
            shown = describe_dose(dose, per_side=done.per_side)
            if lower is not None:
                before = describe_dose(kept, per_side=done.per_side)
                text = f"{done.name} eases to {shown} (from {before})."
            elif dose.load < current.load or dose.unit < current.unit:
                text = f"{done.name} comes down to {shown}, the most this phase allows."
            else:
                text = f"{done.name} stays at {shown}, what you do now."
        decisions.append(
            Decision(
                exercise=entry.exercise,
                kind=kind,
                dose=dose,
                reason=f"{because} {text}",
                previous=current,
                variation=variation,
                weeks_at_dose=weeks,
                previous_variation=variation,
            )
        )
    new_state = evolve(
        state,
        phase=phase.slug,
        weeks_in_phase=0,
        doses={d.exercise: d.dose for d in decisions},
        variations={d.exercise: d.variation for d in decisions if d.variation},
        dose_reasons={d.exercise: d.reason for d in decisions},
        weeks_at_dose={d.exercise: d.weeks_at_dose for d in decisions},
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
    start_pain: int | None = None,
) -> WeekResult:
    """A new member's first state: the first phase at its start doses."""
    first = programme.phases[0]
    blank = MemberState(
        track=Track(track),
        equipment=frozenset(equipment),
        minutes_per_day=minutes_per_day,
        training_weekdays=frozenset(training_weekdays),
        phase=first.slug,
        start_pain=start_pain,
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
    *,
    review: WeekReview | None = None,
) -> PhaseProgress:
    """Whether the phase's criteria are met, counting the week from `week_start` as done.

    Criteria: the phase's minimum weeks; over the last two weeks in this phase, planned-session
    adherence at or above the threshold, every session green, and targets met at effort at or
    below the phase's maximum. `review` (the week's review_week() of the same history) lends
    its verdicts: a session of the reviewed week is classified once, not twice.
    """
    phase = programme.phase(state.phase)
    following = programme.next_phase(phase.slug)
    weeks_done = state.weeks_in_phase + 1
    window_weeks = min(ADVANCE_WINDOW_WEEKS, weeks_done)  # only weeks spent in this phase
    window = sessions_between(history, week_start - WEEK * (window_weeks - 1), week_start + WEEK)
    planned = sum(1 for record in window if record.planned)
    done = sum(1 for record in window if record.planned and record.completed)
    known = review.verdict_of if review is not None and review.start == week_start else {}
    last_day = week_start + WEEK - timedelta(days=1)
    not_green = [
        verdict
        for verdict in (
            known.get(id(r)) or classify_session(r, check_in_pending=r.day == last_day)
            for r in window
            if counts_for_pain(r)
        )
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
