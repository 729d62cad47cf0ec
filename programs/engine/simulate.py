"""Run the real engine for a synthetic member, week by week, for coaches and for checking."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from programs.engine.phases import start_member
from programs.engine.planner import plan_session
from programs.engine.progression import late_report, progress_week
from programs.engine.types import (
    Decision,
    Escalation,
    ExerciseDone,
    MemberState,
    Programme,
    SessionPlan,
    SessionRecord,
)

DEFAULT_START = date(2024, 1, 1)  # a Monday, so simulated weeks run Monday to Sunday


@dataclass(frozen=True)
class SimulatedWeek:
    week: int
    phase: str  # the phase trained in this week
    decisions: tuple[Decision, ...]  # the decisions that set this week's doses
    sessions: tuple[SessionRecord, ...]
    state: MemberState  # the state this week was trained from
    contact_coach: bool = False
    summary: str = ""  # the review that set this week's doses, in plain words
    escalations: tuple[Escalation, ...] = ()
    away: bool = False  # a gap: no sessions this week


def spread_weekdays(sessions_per_week: int) -> frozenset[int]:
    """Training days spread over the week: 3 → Mon, Wed, Fri; 5 → Mon–Wed, Fri, Sat."""
    if not 1 <= sessions_per_week <= 7:
        raise ValueError("Sessions per week must be between 1 and 7.")
    return frozenset(index * 7 // sessions_per_week for index in range(sessions_per_week))


def _cycle(values: Sequence[int], index: int) -> int:
    return values[index % len(values)]


def run_simulation(
    programme: Programme,
    *,
    weeks: int,
    pain: Sequence[int],
    morning_pain: Sequence[int] | None = None,
    track: str = "general",
    equipment: Iterable[str] = ("none",),
    sessions_per_week: int = 5,
    minutes_per_day: int = 20,
    effort: int = 5,
    baseline_pain: int | None = None,
    start: date = DEFAULT_START,
    gaps: Collection[int] = (),
    late: Collection[int] = (),
    weekdays: Iterable[int] | None = None,
) -> tuple[SimulatedWeek, ...]:
    """Weeks of planned sessions whose pain follows `pain` (one value per session, repeating).

    Next-morning pain follows `morning_pain` the same way, or equals the session's pain.
    Every planned session is done with its targets met at the given effort, except in `gaps`
    (week numbers from 1: no session at all). In `late` weeks the last session's pain reaches
    the engine only after the week's review (a late log or a Monday check-in) and acts at once.
    `weekdays` (0 = Monday) replaces the spread of `sessions_per_week`.
    """
    if weeks < 0 or not pain or (morning_pain is not None and not morning_pain):
        raise ValueError("Give a non-negative number of weeks and at least one pain value.")
    started = start_member(
        programme,
        track=track,
        equipment=equipment,
        minutes_per_day=minutes_per_day,
        training_weekdays=(
            frozenset(weekdays) if weekdays is not None else spread_weekdays(sessions_per_week)
        ),
    )
    state, decisions, contact_coach = started.state, started.decisions, False
    summary, escalations = started.summary, ()
    history: list[SessionRecord] = []
    simulated = []
    for week_index in range(weeks):
        week_start = start + timedelta(weeks=week_index)
        away = week_index + 1 in gaps
        sessions = []
        for offset in range(7):
            plan = plan_session(state, programme, history, week_start + timedelta(days=offset))
            if not isinstance(plan, SessionPlan):
                continue
            session_number = len(history)
            record = SessionRecord(
                day=plan.day,
                planned=True,
                completed=not away,
                pain_during=0 if away else _cycle(pain, session_number),
                effort=0 if away else effort,
                morning_pain=None if away else _cycle(morning_pain or pain, session_number),
                baseline_pain=None if away else baseline_pain,
                exercises=()
                if away
                else tuple(ExerciseDone(item.exercise, item.dose) for item in plan.items),
            )
            history.append(record)
            sessions.append(record)
        simulated.append(
            SimulatedWeek(
                week=week_index + 1,
                phase=state.phase,
                decisions=decisions,
                sessions=tuple(sessions),
                state=state,
                contact_coach=contact_coach,
                summary=summary,
                escalations=escalations,
                away=away,
            )
        )
        held_back = sessions[-1] if week_index + 1 in late and sessions and not away else None
        if held_back is not None:  # not known at the review: logged as missed for now
            history[-1] = replace(
                held_back, completed=False, pain_during=0, morning_pain=None, exercises=()
            )
        reviewed_from = dict(state.doses)
        result = progress_week(state, programme, history, week_start)
        state, decisions, contact_coach = result.state, result.decisions, result.contact_coach
        summary, escalations = result.summary, result.escalations
        if held_back is not None:
            history[-1] = held_back
            week_records = [r for r in history if week_start <= r.day < week_start + timedelta(7)]
            arrived = late_report(
                state,
                programme,
                held_back,
                reviewed_from=reviewed_from,
                week_records=week_records,
            )
            if arrived.decisions:
                changed = {d.exercise: d for d in arrived.decisions}
                decisions = tuple(changed.get(d.exercise, d) for d in decisions)
                summary = f"{summary} {arrived.summary}"
            state = arrived.state
            escalations = (*escalations, *arrived.escalations)
            contact_coach = contact_coach or arrived.contact_coach
    return tuple(simulated)


def week_as_dict(week: SimulatedWeek) -> dict[str, Any]:
    """The JSON shape the simulate_progression command prints."""
    return {
        "week": week.week,
        "phase": week.phase,
        "away": week.away,
        "summary": week.summary,
        "escalations": [
            {"kind": escalation.kind.value, "advice": escalation.advice}
            for escalation in week.escalations
        ],
        "items": [
            {
                "exercise": decision.performed,
                "hold_seconds": decision.dose.hold_seconds,
                "reps": decision.dose.reps,
                "sets": decision.dose.sets,
                "decision": decision.kind.value,
                "shown": decision.direction.value,
                "reason": decision.reason,
            }
            for decision in week.decisions
        ],
    }


def simulate(
    programme: Programme,
    *,
    weeks: int,
    pain: Sequence[int],
    morning_pain: Sequence[int] | None = None,
    track: str = "general",
    equipment: Iterable[str] = ("none",),
    sessions_per_week: int = 5,
    minutes_per_day: int = 20,
    effort: int = 5,
    baseline_pain: int | None = None,
    start: date = DEFAULT_START,
    gaps: Collection[int] = (),
    late: Collection[int] = (),
    weekdays: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """`run_simulation` as plain dicts: one per week, ready for json.dumps."""
    return [
        week_as_dict(week)
        for week in run_simulation(
            programme,
            weeks=weeks,
            pain=pain,
            morning_pain=morning_pain,
            track=track,
            equipment=equipment,
            sessions_per_week=sessions_per_week,
            minutes_per_day=minutes_per_day,
            effort=effort,
            baseline_pain=baseline_pain,
            start=start,
            gaps=gaps,
            late=late,
            weekdays=weekdays,
        )
    ]
