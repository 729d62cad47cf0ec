"""The weekly review: per exercise progress, hold or back off; per member advance or step back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from programs.engine.dosing import back_off_dose, raise_dose
from programs.engine.pain import SessionVerdict, WeekReview, counts_for_pain, review_week
from programs.engine.phases import (
    advancement_status,
    available_entries,
    enter_phase,
    performed_slug,
)
from programs.engine.types import (
    Decision,
    DecisionKind,
    MemberState,
    PhaseRules,
    PoolEntry,
    Programme,
    SessionRecord,
    WeekResult,
)
from programs.engine.wording import describe_dose, out_of_ten, weekday_name

COACH_NOTE = "Please get in touch with your coach."


def _join_descriptions(verdicts: Sequence[SessionVerdict]) -> str:
    texts = [verdict.description for verdict in verdicts]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _back_off(
    entry: PoolEntry,
    current: Decision,
    red: SessionVerdict,
    programme: Programme,
    state: MemberState,
) -> Decision:
    spec = programme.exercise(current.performed)
    shown = describe_dose(current.dose, per_side=spec.per_side)
    lower = back_off_dose(current.dose, entry)
    if lower is not None:
        return replace(
            current,
            kind=DecisionKind.BACK_OFF,
            dose=lower,
            reason=(
                f"Eased to {describe_dose(lower, per_side=spec.per_side)} (from {shown}): "
                f"{red.description}, so we step down and build back up from here."
            ),
        )
    easier = programme.exercises.get(spec.easier_slug or "")
    if easier is not None and easier.usable_with(state.equipment):
        return replace(
            current,
            kind=DecisionKind.BACK_OFF,
            variation=easier.slug,
            reason=(
                f"Switched to {easier.name}, an easier version, at {shown}: {red.description} "
                f"and {spec.name} was already at its lightest dose."
            ),
        )
    return replace(
        current,
        kind=DecisionKind.BACK_OFF,
        reason=(
            f"Kept at {shown}, the lightest dose: {red.description}. If it keeps hurting, "
            "please get in touch with your coach."
        ),
    )


def _hold(current: Decision, shown: str, why: str) -> Decision:
    return replace(current, kind=DecisionKind.HOLD, reason=f"Held at {shown}: {why}")


def decide_exercise(
    entry: PoolEntry,
    state: MemberState,
    phase: PhaseRules,
    review: WeekReview,
    programme: Programme,
) -> Decision:
    """Progress, hold or back off one pool exercise after a week; the first rule that applies wins."""
    previous = state.doses.get(entry.exercise)
    if previous is None:
        spec = programme.exercise(entry.exercise)
        return Decision(
            exercise=entry.exercise,
            kind=DecisionKind.START,
            dose=entry.start,
            reason=(
                f"Starting at {describe_dose(entry.start, per_side=spec.per_side)}, "
                f"the opening dose for {spec.name} in {phase.name}."
            ),
        )
    performed = performed_slug(programme, state, entry)
    spec = programme.exercise(performed)
    current = Decision(
        exercise=entry.exercise,
        kind=DecisionKind.HOLD,
        dose=entry.clamp(previous),
        reason="",
        previous=previous,
        variation=performed if performed != entry.exercise else None,
    )
    shown = describe_dose(current.dose, per_side=spec.per_side)

    reds_here = [verdict for verdict in review.reds if verdict.involves(performed)]
    if reds_here:
        return _back_off(entry, current, reds_here[0], programme, state)
    if review.reds:
        return _hold(
            current,
            shown,
            f"{review.reds[0].description}, so nothing goes up this week, "
            f"even though {spec.name} wasn't part of it.",
        )
    if review.ambers:
        return _hold(
            current, shown, f"{review.ambers[0].description}, so we wait until it settles."
        )
    if review.pain_rising:
        return _hold(
            current,
            shown,
            f"your pain averaged {out_of_ten(round(review.average_pain or 0, 1))} last week, "
            f"up from {out_of_ten(round(review.previous_average_pain or 0, 1))} the week before, "
            "so we wait until it eases.",
        )
    if review.planned == 0:
        return _hold(current, shown, "no sessions were planned last week.")
    if review.planned_done < review.planned:
        return _hold(
            current,
            shown,
            f"{review.planned_done} of {review.planned} planned sessions were done last week; "
            "it goes up once they all are.",
        )
    with_exercise = [
        record
        for record in review.sessions
        if counts_for_pain(record) and any(d.exercise == performed for d in record.exercises)
    ]
    if not with_exercise:
        return _hold(
            current, shown, "it wasn't in last week's sessions, so there's nothing to build on yet."
        )
    for record in with_exercise:
        if not all(d.target_met for d in record.exercises if d.exercise == performed):
            return _hold(
                current,
                shown,
                f"on {weekday_name(record.day)} you didn't reach the target, "
                "so we stay here until it feels solid.",
            )
    for record in with_exercise:
        if record.effort > phase.max_effort_to_progress:
            return _hold(
                current,
                shown,
                f"{weekday_name(record.day)}'s session felt like {out_of_ten(record.effort)} "
                f"effort; we add load once it's {out_of_ten(phase.max_effort_to_progress)} or less.",
            )

    raised = raise_dose(current.dose, entry, phase.cap_factor)
    if raised is None:
        return _hold(current, shown, "that's the top of the range for this phase.")
    why = (
        "every session last week was green and you met your targets at effort "
        f"{out_of_ten(phase.max_effort_to_progress)} or less."
    )
    new = describe_dose(raised, per_side=spec.per_side)
    if raised.load == current.dose.load and raised.sets == current.dose.sets:
        word = "second" if raised.is_hold else "rep"
        reason = (
            f"Building up at {new}: {why[:-1]}, so a small gain is banked; "
            f"it shows once it adds up to a whole {word}."
        )
    elif raised.sets > current.dose.sets:
        shorter = "shorter holds" if raised.is_hold else "fewer reps per set"
        reason = (
            f"Up to {new} (from {shown}): one more set with {shorter}, so the total rises "
            f"no more than {phase.weekly_cap_percent:g} %; {why}"
        )
    else:
        reason = f"Up to {new} (from {shown}): {why}"
    return replace(current, kind=DecisionKind.PROGRESS, dose=raised, reason=reason)


def _carry_on(
    state: MemberState,
    programme: Programme,
    review: WeekReview,
    week_start: date,
    *,
    note: str = "",
) -> tuple[MemberState, tuple[Decision, ...]]:
    """Stay in the phase: decide every exercise and move the week counter on."""
    phase = programme.phase(state.phase)
    decisions = tuple(
        decide_exercise(entry, state, phase, review, programme)
        for entry in available_entries(programme, phase, state.track, state.equipment)
    )
    if note:
        decisions = tuple(
            d if "coach" in d.reason else replace(d, reason=f"{d.reason} {note}") for d in decisions
        )
    new_state = replace(
        state,
        weeks_in_phase=state.weeks_in_phase + 1,
        doses={d.exercise: d.dose for d in decisions},
        variations={d.exercise: d.variation for d in decisions if d.variation},
        dose_reasons={d.exercise: d.reason for d in decisions},
        last_reviewed_week=week_start,
    )
    return new_state, decisions


def progress_week(
    state: MemberState,
    programme: Programme,
    history: Iterable[SessionRecord],
    week_start: date,
) -> WeekResult:
    """Review the seven days from `week_start` and set next week's doses (and maybe phase).

    Reviewing a week at or before `state.last_reviewed_week` changes nothing, so a retried
    weekly job cannot progress anyone twice.
    """
    if state.last_reviewed_week is not None and week_start <= state.last_reviewed_week:
        return WeekResult(
            state=state,
            decisions=(),
            summary=f"The week starting {week_start.isoformat()} was already reviewed.",
            already_reviewed=True,
        )
    history = tuple(history)
    phase = programme.phase(state.phase)
    review = review_week(history, week_start)

    if len(review.reds) >= 2:
        reds = _join_descriptions(review.reds)
        earlier = programme.previous_phase(phase.slug)
        if earlier is None:
            new_state, decisions = _carry_on(state, programme, review, week_start, note=COACH_NOTE)
            summary = f"Two red sessions last week ({reds}). {COACH_NOTE}"
            return WeekResult(new_state, decisions, summary, contact_coach=True)
        new_state, decisions = enter_phase(
            state,
            programme,
            earlier,
            kind=DecisionKind.STEP_BACK,
            because=f"Back to {earlier.name}: {reds}. {COACH_NOTE}",
            last_reviewed_week=week_start,
        )
        summary = f"Stepped back to {earlier.name} after two red sessions. {COACH_NOTE}"
        return WeekResult(new_state, decisions, summary, contact_coach=True)

    status = advancement_status(state, programme, history, week_start)
    following = programme.next_phase(phase.slug)
    if status.ready and following is not None:
        new_state, decisions = enter_phase(
            state,
            programme,
            following,
            kind=DecisionKind.ADVANCE_PHASE,
            because=f"On to {following.name}! {status.reason}",
            last_reviewed_week=week_start,
        )
        return WeekResult(new_state, decisions, f"Moved on to {following.name}.")

    new_state, decisions = _carry_on(state, programme, review, week_start)
    return WeekResult(new_state, decisions, status.reason)
