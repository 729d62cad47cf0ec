"""The weekly review: per exercise progress, hold or back off; per member advance or step back.

Every rule here works on the doses members are shown (whole seconds and reps): see dosing.py for
the cap. Gaps detrain, reds back off, and pain that needs a clinician is escalated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from programs.engine.dosing import at_lightest, back_off_dose, raise_dose
from programs.engine.pain import (
    WEEK,
    PainLight,
    SessionVerdict,
    WeekReview,
    classify_session,
    counts_for_pain,
    review_week,
    severe,
    trained,
)
from programs.engine.phases import (
    ADVANCE_WINDOW_WEEKS,
    advancement_status,
    available_entries,
    back_from_variation,
    carried_dose,
    dose_entry,
    enter_phase,
    performed_slug,
    variation_entry,
)
from programs.engine.types import (
    Decision,
    DecisionKind,
    Escalation,
    EscalationKind,
    MemberState,
    PhaseRules,
    PoolEntry,
    Programme,
    SessionRecord,
    WeekResult,
    evolve,
)
from programs.engine.wording import describe_dose, describe_unit, out_of_ten, plural, weekday_name

COACH_NOTE = "Please get in touch with your coach."
NOT_IMPROVING_WEEKS = 4  # DOMAIN: pain not improving after a month needs a clinician
PAUSE_AFTER_RED_WEEKS = 3

CLINICIAN_ADVICE = {
    EscalationKind.SEVERE_SESSION: (
        "Pain of 8/10 or more is more than this programme should ever cause. Rest today, and "
        "if it hasn't eased by tomorrow, or you notice numbness, weakness or trouble with your "
        "bladder or bowels, see a doctor or physiotherapist. Your coach has been told."
    ),
    EscalationKind.TWO_REDS: (
        "Two sessions this week hurt too much. We've made things lighter; please tell a "
        "physiotherapist or doctor if the pain keeps coming back. Your coach has been told."
    ),
    EscalationKind.RED_WEEKS: (
        "Your back has been hurting more than it should for weeks in a row. Please book an "
        "appointment with a physiotherapist or doctor to check what's going on. Your coach "
        "has been told."
    ),
    EscalationKind.PAUSE: (
        "Even the lightest doses have hurt for three weeks in a row, so we've paused your "
        "programme. Please see a physiotherapist or doctor; once they say you can carry on, "
        "record their clearance and the programme picks up again."
    ),
    EscalationKind.NOT_IMPROVING: (
        "After four weeks of training your pain is no better than when you started. That's "
        "worth a clinician's look: please book an appointment with a physiotherapist or doctor. "
        "Your coach has been told."
    ),
}


def escalation(kind: EscalationKind, day: date) -> Escalation:
    return Escalation(kind=kind, day=day, advice=CLINICIAN_ADVICE[kind])


def session_escalations(record: SessionRecord) -> tuple[Escalation, ...]:
    """What one session alone escalates, the moment it is logged: pain at 8/10 or more."""
    if severe(record):
        return (escalation(EscalationKind.SEVERE_SESSION, record.day),)
    return ()


def _join_descriptions(verdicts: Sequence[SessionVerdict]) -> str:
    texts = [verdict.description for verdict in verdicts]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _word(dose) -> str:
    return "second" if dose.is_hold else "rep"


def _ease(
    entry: PoolEntry,
    current: Decision,
    why: str,
    programme: Programme,
    state: MemberState,
) -> Decision:
    """One step lighter: a lower dose, else the easier variation at its own opening dose."""
    own = dose_entry(programme, state, entry)
    spec = programme.exercise(current.performed)
    shown = describe_dose(current.dose, per_side=spec.per_side)
    lower = back_off_dose(current.dose, own)
    if lower is not None:
        return evolve(
            current,
            kind=DecisionKind.BACK_OFF,
            dose=lower,
            weeks_at_dose=0,
            reason=(
                f"Eased to {describe_dose(lower, per_side=spec.per_side)} (from {shown}): "
                f"{why}, so we step down and build back up from here."
            ),
        )
    easier = programme.exercises.get(spec.easier_slug or "")
    if easier is not None and easier.usable_with(state.equipment):
        opening = variation_entry(programme, state.track, entry, easier.slug).start
        return evolve(
            current,
            kind=DecisionKind.BACK_OFF,
            variation=easier.slug,
            dose=opening,
            weeks_at_dose=0,
            reason=(
                f"Switched to {easier.name}, an easier version, at "
                f"{describe_dose(opening, per_side=easier.per_side)}: {why} and {spec.name} was "
                "already at its lightest dose."
            ),
        )
    return evolve(
        current,
        kind=DecisionKind.BACK_OFF,
        reason=(
            f"Kept at {shown}, the lightest dose: {why}. If it keeps hurting, "
            "please get in touch with your coach."
        ),
    )


def _hold(current: Decision, shown: str, why: str) -> Decision:
    return evolve(current, kind=DecisionKind.HOLD, reason=f"Held at {shown}: {why}")


def _current(
    entry: PoolEntry, state: MemberState, programme: Programme, review: WeekReview | None = None
) -> Decision:
    """Where the member stands on `entry` before this week's decision. Back on the harder
    exercise (the easier variation is no longer theirs), that is its start dose. With the
    week's `review`, its weeks at this dose are counted on: one more when the week trained it
    at an unchanged dose, none when the dose was just brought under a new ceiling."""
    back = back_from_variation(programme, state, entry)
    if back is not None:
        return back
    previous = state.doses[entry.exercise]
    performed = performed_slug(programme, state, entry)
    variation = performed if performed != entry.exercise else None
    dose = carried_dose(programme, state, entry)
    weeks = state.weeks_at_dose.get(entry.exercise, 0)
    if review is not None:
        if dose != previous:
            weeks = 0
        elif performed in review.counted_with:
            weeks += 1
    return Decision(
        exercise=entry.exercise,
        kind=DecisionKind.HOLD,
        dose=dose,
        reason="",
        previous=previous,
        variation=variation,
        weeks_at_dose=weeks,
        previous_variation=state.variations.get(entry.exercise),
    )


def decide_exercise(
    entry: PoolEntry,
    state: MemberState,
    phase: PhaseRules,
    review: WeekReview,
    programme: Programme,
) -> Decision:
    """Progress, hold or back off one pool exercise after a week; the first rule that applies wins."""
    if entry.exercise not in state.doses:
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
    current = _current(entry, state, programme, review)  # its weeks at this dose counted on
    if current.kind is DecisionKind.START:
        return current  # back on the harder exercise at its start dose: nothing to build on
    performed = current.performed
    spec = programme.exercise(performed)
    shown = describe_dose(current.dose, per_side=spec.per_side)
    with_exercise = review.counted_with.get(performed, ())

    reds_here = [verdict for verdict in review.reds if verdict.involves(performed)]
    if reds_here:
        return _ease(entry, current, reds_here[0].description, programme, state)
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

    own = dose_entry(programme, state, entry)
    rise = raise_dose(current.dose, own, phase.cap_factor, weeks_at_dose=current.weeks_at_dose)
    cap = f"{phase.weekly_cap_percent:g} %"
    word = _word(current.dose)
    if rise.dose is None:
        if rise.at_top and current.dose.sets < own.ceiling.sets:
            return _hold(
                current,
                shown,
                f"one more set of at least {describe_unit(own.floor)} would raise the total by "
                f"more than {cap} in a week, so this is as far as it goes in this phase.",
            )
        if rise.at_top:
            return _hold(current, shown, "that's the top of the range for this phase.")
        return _hold(
            current,
            shown,
            f"every session last week was green, but one more {word} right now would be more "
            f"than {cap} in a week. It comes after {plural(rise.weeks_to_wait, 'more week')} "
            "at this dose.",
        )
    raised = rise.dose
    why = (
        "every session last week was green and you met your targets at effort "
        f"{out_of_ten(phase.max_effort_to_progress)} or less."
    )
    new = describe_dose(raised, per_side=spec.per_side)
    if rise.compounded_weeks:
        reason = (
            f"Up to {new} (from {shown}): you've trained at {describe_unit(current.dose)} for "
            f"{plural(rise.compounded_weeks, 'week')}, so one more {word} now is no more than "
            f"{cap} a week over that time; {why}"
        )
    elif rise.same_total:
        shorter = "shorter holds" if raised.is_hold else "fewer reps per set"
        same = "the same" if raised.load == current.dose.load else "about the same"
        reason = (
            f"Now {new} (from {shown}): one more set with {shorter} and {same} total, because "
            f"a bigger total would rise more than {cap} in a week. Each set grows from here; "
            f"{why}"
        )
    elif rise.added_set:
        shorter = "shorter holds" if raised.is_hold else "fewer reps per set"
        reason = (
            f"Up to {new} (from {shown}): one more set with {shorter}, so the total rises "
            f"no more than {cap}; {why}"
        )
    else:
        reason = f"Up to {new} (from {shown}): {why}"
    return evolve(current, kind=DecisionKind.PROGRESS, dose=raised, reason=reason, weeks_at_dose=0)


def _new_state(
    state: MemberState, decisions: Sequence[Decision], week_start: date, **changes
) -> MemberState:
    values = {
        "doses": {d.exercise: d.dose for d in decisions},
        "variations": {d.exercise: d.variation for d in decisions if d.variation},
        "dose_reasons": {d.exercise: d.reason for d in decisions},
        "weeks_at_dose": {d.exercise: d.weeks_at_dose for d in decisions},
        "last_reviewed_week": week_start,
    }
    return evolve(state, **(values | changes))


def _carry_on(
    state: MemberState,
    programme: Programme,
    review: WeekReview,
    week_start: date,
    *,
    note: str = "",
    **changes,
) -> tuple[MemberState, tuple[Decision, ...]]:
    """Stay in the phase: decide every exercise and move the week counter on."""
    phase = programme.phase(state.phase)
    decisions = tuple(
        decide_exercise(entry, state, phase, review, programme)
        for entry in available_entries(programme, phase, state.track, state.equipment)
    )
    if note:
        decisions = tuple(
            d if "coach" in d.reason else evolve(d, reason=f"{d.reason} {note}") for d in decisions
        )
    changes.setdefault("weeks_in_phase", state.weeks_in_phase + 1)
    return _new_state(state, decisions, week_start, **changes), decisions


def _away(
    state: MemberState, programme: Programme, week_start: date, review: WeekReview
) -> WeekResult:
    """A week without a single session: the first one holds, each further one eases a step."""
    away = state.weeks_away + 1
    phase = programme.phase(state.phase)
    decisions = []
    for entry in available_entries(programme, phase, state.track, state.equipment):
        if entry.exercise not in state.doses:
            spec = programme.exercise(entry.exercise)
            decisions.append(
                Decision(
                    exercise=entry.exercise,
                    kind=DecisionKind.START,
                    dose=entry.start,
                    reason=(
                        f"Starting at {describe_dose(entry.start, per_side=spec.per_side)}, "
                        f"the opening dose for {spec.name} in {phase.name}."
                    ),
                )
            )
            continue
        current = _current(entry, state, programme)
        if current.kind is DecisionKind.START:
            decisions.append(current)  # already at the harder exercise's start dose
            continue
        spec = programme.exercise(current.performed)
        shown = describe_dose(current.dose, per_side=spec.per_side)
        if away == 1:
            decisions.append(
                _hold(current, shown, "there were no sessions last week, so we keep the same dose.")
            )
            continue
        lower = back_off_dose(current.dose, dose_entry(programme, state, entry))
        if lower is None:
            decisions.append(
                _hold(
                    current,
                    shown,
                    f"you've been away {away} weeks, so we restart gently at the lightest dose.",
                )
            )
            continue
        decisions.append(
            evolve(
                current,
                kind=DecisionKind.BACK_OFF,
                dose=lower,
                weeks_at_dose=0,
                reason=(
                    f"You've been away {away} weeks, so we restart a little lighter: "
                    f"{describe_dose(lower, per_side=spec.per_side)} (from {shown})."
                ),
            )
        )
    new_state = _new_state(
        state, decisions, week_start, weeks_away=away, weeks_in_phase=state.weeks_in_phase
    )
    summary = (
        "No sessions last week, so doses stay the same."
        if away == 1
        else f"You've been away {away} weeks, so we restart a little lighter."
    )
    return WeekResult(new_state, tuple(decisions), summary, review=review)


def _all_at_lightest(state: MemberState, programme: Programme) -> bool:
    phase = programme.phase(state.phase)
    entries = available_entries(programme, phase, state.track, state.equipment)
    return all(
        entry.exercise in state.doses
        and at_lightest(carried_dose(programme, state, entry), dose_entry(programme, state, entry))
        and (
            not programme.exercise(performed_slug(programme, state, entry)).easier_slug
            or performed_slug(programme, state, entry) != entry.exercise
        )
        for entry in entries
    )


def _escalations(
    state: MemberState, review: WeekReview, week_start: date
) -> tuple[list[Escalation], dict]:
    """Escalations for the week and the counters the new state carries."""
    found: list[Escalation] = []
    heavy = [record for record in review.sessions if severe(record)]
    if heavy:
        found.append(escalation(EscalationKind.SEVERE_SESSION, heavy[0].day))
    red_week = bool(review.reds)
    red_weeks = state.red_weeks + 1 if red_week else 0
    if len(review.reds) >= 2:
        found.append(escalation(EscalationKind.TWO_REDS, week_start))
    if red_weeks >= 2:
        found.append(escalation(EscalationKind.RED_WEEKS, week_start))
    weeks_trained = state.weeks_trained + 1
    pain = review.average_pain
    if (
        weeks_trained % NOT_IMPROVING_WEEKS == 0
        and state.start_pain
        and pain is not None
        and pain >= state.start_pain
    ):
        found.append(escalation(EscalationKind.NOT_IMPROVING, week_start))
    return found, {"red_weeks": red_weeks, "weeks_trained": weeks_trained, "weeks_away": 0}


def review_window(week_start: date) -> tuple[date, date]:
    """The days progress_week() reads, from the first to the day after the last: the reviewed
    week and the weeks before it that the pain trend and the advancement window look at. A
    caller may pass a longer history; nothing outside these days changes the result."""
    weeks_before = max(1, ADVANCE_WINDOW_WEEKS - 1)
    return week_start - WEEK * weeks_before, week_start + WEEK


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
    if not any(counts_for_pain(record) or trained(record) for record in review.sessions):
        return _away(state, programme, week_start, review)

    found, counters = _escalations(state, review, week_start)
    at_floor = _all_at_lightest(state, programme)
    counters["red_weeks_at_floor"] = state.red_weeks_at_floor + 1 if review.reds and at_floor else 0
    if counters["red_weeks_at_floor"] >= PAUSE_AFTER_RED_WEEKS:
        found.append(escalation(EscalationKind.PAUSE, week_start))
    escalations = tuple(found)
    contact = bool(escalations)

    if len(review.reds) >= 2:
        reds = _join_descriptions(review.reds)
        earlier = programme.previous_phase(phase.slug)
        if earlier is None:
            new_state, decisions = _carry_on(
                state, programme, review, week_start, note=COACH_NOTE, **counters
            )
            summary = f"Two red sessions last week ({reds}). {COACH_NOTE}"
            return WeekResult(
                new_state, decisions, summary, True, escalations=escalations, review=review
            )
        new_state, decisions = enter_phase(
            state,
            programme,
            earlier,
            kind=DecisionKind.STEP_BACK,
            because=f"Back to {earlier.name}: {reds}. {COACH_NOTE}",
            last_reviewed_week=week_start,
            ease=True,
        )
        new_state = evolve(new_state, **counters)
        summary = f"Stepped back to {earlier.name} after two red sessions. {COACH_NOTE}"
        return WeekResult(
            new_state, decisions, summary, True, escalations=escalations, review=review
        )

    status = advancement_status(state, programme, history, week_start, review=review)
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
        new_state = evolve(new_state, **counters)
        return WeekResult(
            new_state,
            decisions,
            f"Moved on to {following.name}.",
            contact,
            escalations=escalations,
            review=review,
        )

    new_state, decisions = _carry_on(state, programme, review, week_start, **counters)
    return WeekResult(
        new_state, decisions, status.reason, contact, escalations=escalations, review=review
    )


def late_report(
    state: MemberState,
    programme: Programme,
    record: SessionRecord,
    *,
    reviewed_from: Mapping[str, object],
    week_records: Iterable[SessionRecord] = (),
) -> WeekResult:
    """Pain reported after the week it belongs to was reviewed (a late log, a next-morning
    check-in): act on the next session now rather than a week later.

    Amber holds: any rise the review gave comes off again (back to `reviewed_from`, the doses
    before the review). Red also eases each exercise the session included. Green changes nothing.
    """
    verdict = classify_session(record)
    found = list(session_escalations(record))
    reds = [
        v
        for v in (classify_session(r) for r in week_records if counts_for_pain(r))
        if v.light is PainLight.RED
    ]
    if verdict.light is PainLight.RED and len(reds) >= 2:
        found.append(escalation(EscalationKind.TWO_REDS, record.day))
    if verdict.light is PainLight.GREEN:
        return WeekResult(state, (), "Nothing to change.", escalations=tuple(found))
    phase = programme.phase(state.phase)
    decisions = []
    for entry in available_entries(programme, phase, state.track, state.equipment):
        if entry.exercise not in state.doses:
            continue
        current = _current(entry, state, programme)
        spec = programme.exercise(current.performed)
        before = reviewed_from.get(entry.exercise)
        base = current
        if (
            before is not None
            and before.is_hold == current.dose.is_hold
            and (before.load < current.dose.load or before.unit < current.dose.unit)
            and current.variation == current.previous_variation
        ):
            base = evolve(current, dose=before, weeks_at_dose=0)
        late_why = f"{verdict.description}, reported after this week's review"
        if verdict.light is PainLight.RED and verdict.involves(current.performed):
            decision = _ease(entry, base, late_why, programme, state)
        elif base is not current:
            shown = describe_dose(base.dose, per_side=spec.per_side)
            decision = evolve(
                base,
                kind=DecisionKind.HOLD,
                reason=f"Back to {shown}: {late_why}, so this week's step up waits.",
            )
        else:
            continue
        decisions.append(decision)
    if not decisions:
        return WeekResult(state, (), "Nothing to change.", escalations=tuple(found))
    changed = {d.exercise: d for d in decisions}
    kept = [
        _current(entry, state, programme)
        for entry in available_entries(programme, phase, state.track, state.equipment)
        if entry.exercise in state.doses and entry.exercise not in changed
    ]
    new_state = _new_state(
        state,
        [*decisions, *kept],
        state.last_reviewed_week,
        dose_reasons={
            **state.dose_reasons,
            **{d.exercise: d.reason for d in decisions},
        },
    )
    summary = f"Adjusted now: {verdict.description}."
    return WeekResult(new_state, tuple(decisions), summary, bool(found), escalations=tuple(found))
