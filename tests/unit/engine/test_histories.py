"""Properties over whole random histories, asserted on the doses members are shown.

Each history runs the real engine week by week for 12–26 weeks: green weeks, painful weeks,
gaps, partial sessions, late logs, next-morning check-ins that arrive after the review or never,
phase changes and step backs. The rules hold on what the member sees, not on internal values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from programs.engine import (
    DecisionKind,
    Dose,
    EscalationKind,
    ExerciseDone,
    MemberState,
    PainLight,
    SessionPlan,
    SessionRecord,
    Track,
    available_entries,
    classify_session,
    late_report,
    plan_session,
    progress_week,
    start_member,
)
from programs.engine.pain import counts_for_pain, severe
from programs.engine.phases import dose_entry, performed_slug
from tests.unit.engine.builders import PROGRAMME, shown_cap_violations
from tests.unit.engine.demo_config import ALL_EQUIPMENT

FIRST_MONDAY = date(2024, 1, 1)
MODES = ("green", "green", "green", "mixed", "painful", "gap", "partial")


def shown_doses(state: MemberState) -> dict[str, Dose]:
    """What Today would show for every exercise of the phase, keyed by the slug performed."""
    phase = PROGRAMME.phase(state.phase)
    shown = {}
    for entry in available_entries(PROGRAMME, phase, state.track, state.equipment):
        if entry.exercise in state.doses:
            own = dose_entry(PROGRAMME, state, entry)
            shown[performed_slug(PROGRAMME, state, entry)] = own.clamp(state.doses[entry.exercise])
    return shown


@dataclass
class Run:
    series: list = field(default_factory=list)  # (cap factor, shown doses) per week
    results: list = field(default_factory=list)  # (state before, week result, week records)
    late: list = field(default_factory=list)  # (doses before review, late result, record)
    paused: bool = False
    seed: str = ""

    def __repr__(self) -> str:  # hypothesis prints this on failure: keep it short
        return f"Run({self.seed}, weeks={len(self.series)})"


def _pain(rng: random.Random, mode: str) -> tuple[int, int | None]:
    if mode == "green":
        during = rng.randint(0, 3)
        return during, rng.randint(0, 3)
    if mode == "painful":
        return rng.randint(3, 10), rng.randint(2, 10)
    return rng.randint(0, 7), rng.randint(0, 7)


def run_history(rng: random.Random, *, weeks: int, track: str, equipment, weekdays) -> Run:
    started = start_member(
        PROGRAMME,
        track=track,
        equipment=equipment,
        minutes_per_day=rng.choice([5, 10, 20]),
        training_weekdays=weekdays,
        start_pain=rng.randint(0, 8),
    )
    state = started.state
    history: list[SessionRecord] = []
    run = Run()
    cap = PROGRAMME.phase(state.phase).cap_factor
    for index in range(weeks):
        run.series.append((cap, shown_doses(state)))
        week_start = FIRST_MONDAY + timedelta(weeks=index)
        mode = rng.choice(MODES)
        late_logs: list[SessionRecord] = []
        pending_mornings: list[SessionRecord] = []
        for offset in range(7):
            day = week_start + timedelta(days=offset)
            plan = plan_session(state, PROGRAMME, history, day)
            if not isinstance(plan, SessionPlan):
                continue
            shown = shown_doses(state)
            for item in plan.items:
                if item.pool_exercise is not None:  # planned never above the shown dose
                    assert item.dose.unit <= shown[item.exercise].unit
                    assert item.dose.sets <= shown[item.exercise].sets
            missed = mode == "gap" or (mode == "partial" and rng.random() < 0.5)
            if missed:
                history.append(
                    SessionRecord(day=day, planned=True, completed=False, pain_during=0, effort=0)
                )
                continue
            during, morning = _pain(rng, mode)
            partial = mode == "partial" and rng.random() < 0.5
            items = plan.items[: max(1, len(plan.items) // 2)] if partial else plan.items
            record = SessionRecord(
                day=day,
                planned=True,
                completed=not partial,
                pain_during=during,
                effort=rng.randint(2, 8),
                sharp_pain=mode != "green" and rng.random() < 0.05,
                morning_pain=None if rng.random() < 0.15 else morning,
                baseline_pain=None if rng.random() < 0.3 else rng.randint(0, 5),
                pain_spread=track == "sciatica" and mode != "green" and rng.random() < 0.1,
                exercises=tuple(
                    ExerciseDone(item.exercise, item.dose, target_met=rng.random() > 0.1)
                    for item in items
                ),
            )
            if offset == 6 and record.morning_pain is not None and rng.random() < 0.8:
                # Sunday's next-morning check-in arrives on Monday, after the review.
                pending_mornings.append(record)
                record = replace(record, morning_pain=None)
            if rng.random() < 0.08:
                late_logs.append(record)  # logged late, after the week's review
                history.append(
                    SessionRecord(day=day, planned=True, completed=False, pain_during=0, effort=0)
                )
                continue
            history.append(record)
        before = state
        week_records = [r for r in history if week_start <= r.day < week_start + timedelta(7)]
        result = progress_week(state, PROGRAMME, history, week_start)
        run.results.append((before, result, week_records))
        cap = PROGRAMME.phase(before.phase).cap_factor
        state = result.state
        if result.paused:
            run.paused = True
            run.series.append((cap, shown_doses(state)))
            break
        reviewed_from = dict(before.doses)
        for arrived in [*pending_mornings, *late_logs]:
            history = [r for r in history if r.day != arrived.day] + [arrived]
            week_records = [r for r in history if week_start <= r.day < week_start + timedelta(7)]
            shown_before = shown_doses(state)
            late = late_report(
                state,
                PROGRAMME,
                arrived,
                reviewed_from=reviewed_from,
                week_records=week_records,
            )
            run.late.append((reviewed_from, shown_before, late, arrived))
            state = late.state
    else:
        run.series.append((cap, shown_doses(state)))
    return run


@st.composite
def histories(draw):
    track = draw(st.sampled_from(list(Track)))
    equipment = draw(st.frozensets(st.sampled_from(sorted(ALL_EQUIPMENT)))) | {"none"}
    weekdays = draw(st.frozensets(st.integers(0, 6), min_size=1, max_size=6))
    weeks = draw(st.integers(12, 26))
    seed = draw(st.integers(0, 2**32))
    run = run_history(
        random.Random(seed), weeks=weeks, track=track, equipment=equipment, weekdays=weekdays
    )
    run.seed = f"seed={seed} track={track} equipment={sorted(equipment)} days={sorted(weekdays)}"
    return run


HISTORY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # a history is replayed by its seed
)


@HISTORY_SETTINGS
@given(histories())
def test_shown_doses_never_rise_above_the_cap_week_over_week(run):
    assert shown_cap_violations(run.series) == []


@HISTORY_SETTINGS
@given(histories())
def test_phase_changes_and_step_backs_never_jump(run):
    for before, result, _ in run.results:
        for decision in result.decisions:
            assert "bank" not in decision.reason.lower()
            previous = before.doses.get(decision.exercise)
            if previous is None or previous.is_hold != decision.dose.is_hold:
                continue
            if decision.variation != before.variations.get(decision.exercise):
                continue
            if decision.kind in (DecisionKind.STEP_BACK, DecisionKind.ADVANCE_PHASE):
                assert decision.dose.load <= previous.load
                assert decision.dose.unit <= previous.unit
            if decision.kind is DecisionKind.STEP_BACK:
                assert decision.direction in (DecisionKind.BACK_OFF, DecisionKind.HOLD)
            # The badge follows the dose.
            if decision.dose.load > previous.load:
                assert decision.direction is DecisionKind.PROGRESS
            elif decision.dose.load < previous.load:
                assert decision.direction is DecisionKind.BACK_OFF


@HISTORY_SETTINGS
@given(histories())
def test_gaps_hold_then_ease_and_do_not_count_toward_the_phase(run):
    for before, result, records in run.results:
        if any(counts_for_pain(r) or r.exercises for r in records):
            assert result.state.weeks_away == 0
            continue
        away = result.state.weeks_away
        assert away == before.weeks_away + 1
        assert result.state.weeks_in_phase == before.weeks_in_phase
        assert result.state.phase == before.phase
        for decision in result.decisions:
            previous = before.doses.get(decision.exercise)
            if previous is None:
                continue
            assert decision.dose.load <= previous.load or previous.is_hold != decision.dose.is_hold
            if away >= 2 and decision.dose != previous:
                assert f"away {away} weeks" in decision.reason


@HISTORY_SETTINGS
@given(histories())
def test_late_pain_acts_at_once_on_the_next_session(run):
    for reviewed_from, shown_before, late, record in run.late:
        light = classify_session(record).light
        if light is PainLight.GREEN:
            assert late.decisions == ()
            continue
        # Nothing shown after a late amber or red is above what it was before the review.
        for decision in late.decisions:
            before = reviewed_from.get(decision.exercise)
            same_kind = before is not None and before.is_hold == decision.dose.is_hold
            if same_kind and decision.variation is None:
                assert decision.dose.load <= before.load
        if light is PainLight.RED:
            after = {d.performed: d.dose for d in late.decisions}
            for slug in record.exercises:
                if slug.exercise in after and slug.exercise in shown_before:
                    previous = shown_before[slug.exercise]
                    if previous.is_hold == after[slug.exercise].is_hold:
                        assert after[slug.exercise].load <= previous.load


@HISTORY_SETTINGS
@given(histories())
def test_top_level_pain_and_red_runs_escalate(run):
    for before, result, records in run.results:
        kinds = {e.kind for e in result.escalations}
        if any(severe(r) for r in records):
            assert EscalationKind.SEVERE_SESSION in kinds
            assert result.contact_coach
        if result.state.red_weeks >= 2 and result.state.red_weeks > before.red_weeks:
            assert EscalationKind.RED_WEEKS in kinds
        if result.state.red_weeks_at_floor >= 3:
            assert result.paused
        for escalation in result.escalations:
            assert "clinician" in escalation.advice or "doctor" in escalation.advice


def _weekly_kinds(weekdays, weeks=6):
    """A member whose every session and check-in is green; Sunday's check-in comes Monday."""
    state = start_member(
        PROGRAMME,
        track="general",
        equipment=ALL_EQUIPMENT,
        minutes_per_day=20,
        training_weekdays=weekdays,
    ).state
    history, progressed = [], []
    for index in range(weeks):
        week_start = FIRST_MONDAY + timedelta(weeks=index)
        sunday = None
        for offset in range(7):
            plan = plan_session(state, PROGRAMME, history, week_start + timedelta(days=offset))
            if not isinstance(plan, SessionPlan):
                continue
            record = SessionRecord(
                day=plan.day,
                planned=True,
                completed=True,
                pain_during=1,
                effort=5,
                morning_pain=None if offset == 6 else 1,
                baseline_pain=1,
                exercises=tuple(ExerciseDone(i.exercise, i.dose) for i in plan.items),
            )
            if offset == 6:
                sunday = record
            history.append(record)
        reviewed_from = dict(state.doses)
        result = progress_week(state, PROGRAMME, history, week_start)
        progressed.append(
            any(d.direction is DecisionKind.PROGRESS for d in result.decisions)
            or result.state.phase != state.phase
        )
        state = result.state
        if sunday is not None:
            answered = replace(sunday, morning_pain=1)
            history = [r for r in history if r.day != sunday.day] + [answered]
            state = late_report(state, PROGRAMME, answered, reviewed_from=reviewed_from).state
    return progressed


def test_a_sunday_trainer_who_is_all_green_progresses_as_often_as_anyone():
    # Was: Mon/Wed/Sun never progressed (Sunday's check-in always missing at the review).
    assert _weekly_kinds({0, 2, 6}) == _weekly_kinds({0, 2, 4})
    assert sum(_weekly_kinds({0, 2, 6})) >= 5  # every week but the first (nothing to build on)


def test_a_late_red_eases_the_next_session_at_once():
    state = start_member(
        PROGRAMME, track="general", equipment={"none"}, minutes_per_day=20, training_weekdays={0}
    ).state
    plan = plan_session(state, PROGRAMME, [], FIRST_MONDAY)
    green = SessionRecord(
        day=FIRST_MONDAY,
        planned=True,
        completed=True,
        pain_during=1,
        effort=5,
        morning_pain=1,
        exercises=tuple(ExerciseDone(i.exercise, i.dose) for i in plan.items),
    )
    reviewed = progress_week(state, PROGRAMME, [green], FIRST_MONDAY)
    red = replace(green, morning_pain=7)
    late = late_report(
        reviewed.state, PROGRAMME, red, reviewed_from=state.doses, week_records=[red]
    )
    assert late.decisions
    for decision in late.decisions:
        assert decision.dose.load <= state.doses[decision.exercise].load
        assert "after this week's review" in decision.reason
    assert all(late.state.doses[slug].load <= state.doses[slug].load for slug in late.state.doses)
