"""Small builders and hypothesis strategies shared by the engine tests."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta

from hypothesis import strategies as st

from programs.engine import (
    Dose,
    ExerciseDone,
    MemberState,
    PoolEntry,
    Programme,
    SessionRecord,
    Track,
    available_entries,
)
from tests.unit.engine.demo_config import ALL_EQUIPMENT, PHASE_SLUGS, demo_programme

PROGRAMME = demo_programme()
MONDAY = date(2024, 3, 4)  # a Monday: the reviewed week runs 4–10 March
PREVIOUS_MONDAY = MONDAY - timedelta(days=7)
TOLERANCE = 1e-6
LOGGED_DOSE = Dose.of_hold(10, sets=2)  # what a test session says was done


def entry_for(programme: Programme, phase: str, exercise: str, track: str = "general") -> PoolEntry:
    return next(e for e in programme.phase(phase).entries_for(track) if e.exercise == exercise)


def state_in(
    phase: str,
    *,
    programme: Programme = PROGRAMME,
    track: str = "general",
    equipment: Iterable[str] = ALL_EQUIPMENT,
    minutes: int = 20,
    weekdays: Iterable[int] = range(7),
    weeks_in_phase: int = 0,
    doses: dict[str, Dose] | None = None,
    variations: dict[str, str] | None = None,
) -> MemberState:
    """A member in `phase` at the pool's start doses, with any doses overridden."""
    equipment = frozenset(equipment)
    entries = available_entries(programme, programme.phase(phase), track, equipment)
    return MemberState(
        track=Track(track),
        equipment=equipment,
        minutes_per_day=minutes,
        training_weekdays=frozenset(weekdays),
        phase=phase,
        weeks_in_phase=weeks_in_phase,
        doses={e.exercise: e.start for e in entries} | (doses or {}),
        variations=variations or {},
    )


def session(
    day: date,
    pain: int = 2,
    *,
    morning: int | None = -1,
    baseline: int | None = None,
    sharp: bool = False,
    effort: int = 5,
    planned: bool = True,
    completed: bool = True,
    exercises: Iterable[str] = (),
    target_met: bool = True,
    dose: Dose = LOGGED_DOSE,
) -> SessionRecord:
    """A session record; next-morning pain defaults to the session's pain."""
    return SessionRecord(
        day=day,
        planned=planned,
        completed=completed,
        pain_during=pain,
        effort=effort,
        sharp_pain=sharp,
        morning_pain=pain if morning == -1 else morning,
        baseline_pain=baseline,
        exercises=tuple(ExerciseDone(slug, dose, target_met) for slug in exercises),
    )


def green_week(
    state: MemberState, week_start: date, days: Iterable[int] = range(5), pain: int = 2
) -> list[SessionRecord]:
    """Every exercise in the state done on each given weekday, green, targets met."""
    slugs = [state.variations.get(slug, slug) for slug in state.doses]
    return [session(week_start + timedelta(days=d), pain, exercises=slugs) for d in days]


# --- hypothesis strategies -------------------------------------------------------------


@st.composite
def doses_within(draw: st.DrawFn, entry: PoolEntry) -> Dose:
    unit = draw(st.integers(entry.floor.unit, entry.ceiling.unit))
    sets = draw(st.integers(entry.floor.sets, entry.ceiling.sets))
    carried = None
    if unit < entry.ceiling.unit and draw(st.booleans()):
        carried = unit + draw(st.floats(0, 0.999))
    return entry.start.with_unit(unit, sets=sets, carried=carried)


@st.composite
def member_states(draw: st.DrawFn, phases: Iterable[str] = PHASE_SLUGS) -> MemberState:
    phase = PROGRAMME.phase(draw(st.sampled_from(list(phases))))
    track = draw(st.sampled_from(list(Track)))
    equipment = draw(st.frozensets(st.sampled_from(sorted(ALL_EQUIPMENT)))) | {"none"}
    doses, variations = {}, {}
    for entry in available_entries(PROGRAMME, phase, track, equipment):
        if draw(st.integers(0, 9)) == 0:
            continue  # now and then an exercise has no dose yet (new equipment, new pool)
        doses[entry.exercise] = draw(doses_within(entry))
        easier = PROGRAMME.exercise(entry.exercise).easier_slug
        if easier and draw(st.booleans()):
            variations[entry.exercise] = easier
    return MemberState(
        track=track,
        equipment=equipment,
        minutes_per_day=draw(st.sampled_from([5, 10, 20])),
        training_weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        phase=phase.slug,
        weeks_in_phase=draw(st.integers(0, 5)),
        doses=doses,
        variations=variations,
    )


def performed_slugs(state: MemberState) -> list[str]:
    phase = PROGRAMME.phase(state.phase)
    entries = available_entries(PROGRAMME, phase, state.track, state.equipment)
    return [state.variations.get(e.exercise, e.exercise) for e in entries]


@st.composite
def session_records(draw: st.DrawFn, day: date, slugs: list[str], calm: bool) -> SessionRecord:
    """A session on `day`; `calm` ones are green and complete so progress paths get explored."""
    exercises = draw(st.lists(st.sampled_from(slugs), unique=True)) if slugs else []
    if calm:
        pain = draw(st.integers(0, 3))
        return SessionRecord(
            day=day,
            planned=True,
            completed=True,
            pain_during=pain,
            effort=draw(st.integers(0, 7)),
            morning_pain=draw(st.integers(0, 3)),
            baseline_pain=draw(st.none() | st.integers(0, 10)),
            exercises=tuple(ExerciseDone(s, Dose.of_hold(10, sets=2), True) for s in slugs),
        )
    return SessionRecord(
        day=day,
        planned=draw(st.booleans()),
        completed=draw(st.booleans()),
        pain_during=draw(st.integers(0, 10)),
        effort=draw(st.integers(0, 10)),
        sharp_pain=draw(st.integers(0, 7)) == 0,
        morning_pain=draw(st.none() | st.integers(0, 10)),
        baseline_pain=draw(st.none() | st.integers(0, 10)),
        exercises=tuple(
            ExerciseDone(s, Dose.of_hold(10, sets=2), draw(st.booleans())) for s in exercises
        ),
    )


@st.composite
def histories(
    draw: st.DrawFn, state: MemberState, first_day: date, last_day: date
) -> list[SessionRecord]:
    """Sessions on some days from first_day up to and including last_day."""
    slugs = performed_slugs(state)
    calm = draw(st.booleans())
    records = []
    day = first_day
    while day <= last_day:
        if draw(st.integers(0, 2)) > 0:
            records.append(draw(session_records(day, slugs, calm or draw(st.integers(0, 5)) > 0)))
        day += timedelta(days=1)
    return records


# --- the rules on what members are shown -------------------------------------------------


def shown_cap_violations(
    weeks: list[tuple[float, dict[str, Dose]]],
) -> list[str]:
    """Week-over-week rises of the shown doses that break the cap.

    `weeks` is, per week, the cap factor of the phase that set the doses and the dose shown for
    each exercise done (keyed by the slug actually performed). A rise is allowed when the load
    and the single hold (or set's reps) each rise by at most the cap, rounded down; or, as the
    one exception, by one unit with the same sets once the dose has been shown long enough for
    the compounded cap to cover the step. A new set never takes that exception.
    """
    problems = []
    streak: dict[str, int] = {}
    for index in range(1, len(weeks)):
        factor, now = weeks[index][0], weeks[index][1]
        before = weeks[index - 1][1]
        for slug, dose in now.items():
            last = before.get(slug)
            if last is None or last.is_hold != dose.is_hold:
                streak.pop(slug, None)
                continue
            weeks_at = streak.get(slug, 0) + 1
            if dose == last:
                streak[slug] = weeks_at
                continue
            streak[slug] = 0
            if dose.load <= last.load and dose.unit <= last.unit:
                continue
            plain = dose.load <= math.floor(last.load * factor + TOLERANCE) and (
                dose.unit <= math.floor(last.unit * factor + TOLERANCE)
            )
            # Never a new set: that exception let 12 reps × 1 become 7 × 2 (+17 % at 10 %).
            one_unit = (
                dose.load <= last.load * factor**weeks_at + TOLERANCE
                and dose.unit == last.unit + 1
                and dose.sets == last.sets
            )
            if not (plain or one_unit):
                problems.append(f"week {index + 1}: {slug} {last} → {dose}")
    return problems
