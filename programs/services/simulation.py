"""Simulation for coaches: the real engine, the database's phases, a synthetic member."""

from collections.abc import Sequence
from typing import Any

from programs import engine
from programs.selectors.programme import ProgrammeBundle


def simulation_run(
    *,
    bundle: ProgrammeBundle,
    weeks: int,
    pain: Sequence[int],
    morning_pain: Sequence[int] | None = None,
    track: str = "general",
    equipment: Sequence[str] = ("none",),
    sessions_per_week: int = 5,
    minutes_per_day: int = 20,
    effort: int = 5,
    gaps: Sequence[int] = (),
    late: Sequence[int] = (),
    weekdays: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """One dict per week: {"week", "phase", "away", "summary", "escalations", "items":
    [{exercise, hold_seconds, reps, sets, decision, shown, reason}]}. `gaps`: weeks (from 1)
    with no session; `late`: weeks whose last session's pain arrives after the review.
    Reads nothing and writes nothing."""
    return engine.simulate(
        bundle.programme,
        weeks=weeks,
        pain=list(pain),
        morning_pain=list(morning_pain) if morning_pain else None,
        track=track,
        equipment=frozenset(equipment) | {engine.NO_EQUIPMENT},
        sessions_per_week=sessions_per_week,
        minutes_per_day=minutes_per_day,
        effort=effort,
        gaps=frozenset(gaps),
        late=frozenset(late),
        weekdays=frozenset(weekdays) if weekdays is not None else None,
    )
