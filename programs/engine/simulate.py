"""Run the real engine for a synthetic member, week by week, for coaches and for checking."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from programs.engine.phases import start_member
from programs.engine.planner import plan_session
from programs.engine.progression import progress_week
from programs.engine.types import (
    Decision,
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
) -> tuple[SimulatedWeek, ...]:
    """Weeks of planned sessions whose pain follows `pain` (one value per session, repeating).

    Next-morning pain follows `morning_pain` the same way, or equals the session's pain.
    Every planned session is done with its targets met at the given effort.
    """
    if weeks < 0 or not pain or (morning_pain is not None and not morning_pain):
        raise ValueError("Give a non-negative number of weeks and at least one pain value.")
    started = start_member(
        programme,
        track=track,
        equipment=equipment,
        minutes_per_day=minutes_per_day,
        training_weekdays=spread_weekdays(sessions_per_week),
    )
    state, decisions, contact_coach = started.state, started.decisions, False
    history: list[SessionRecord] = []
    simulated = []
    for week_index in range(weeks):
        week_start = start + timedelta(weeks=week_index)
        sessions = []
        for offset in range(7):
            plan = plan_session(state, programme, history, week_start + timedelta(days=offset))
            if not isinstance(plan, SessionPlan):
                continue
            session_number = len(history)
            record = SessionRecord(
                day=plan.day,
                planned=True,
                completed=True,
                pain_during=_cycle(pain, session_number),
                effort=effort,
                morning_pain=_cycle(morning_pain or pain, session_number),
                baseline_pain=baseline_pain,
                exercises=tuple(ExerciseDone(item.exercise, item.dose) for item in plan.items),
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
            )
        )
        result = progress_week(state, programme, history, week_start)
        state, decisions, contact_coach = result.state, result.decisions, result.contact_coach
    return tuple(simulated)


def week_as_dict(week: SimulatedWeek) -> dict[str, Any]:
    """The JSON shape the simulate_progression command prints."""
    return {
        "week": week.week,
        "phase": week.phase,
        "items": [
            {
                "exercise": decision.performed,
                "hold_seconds": decision.dose.hold_seconds,
                "reps": decision.dose.reps,
                "sets": decision.dose.sets,
                "decision": decision.kind.value,
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
        )
    ]
