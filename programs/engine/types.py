"""The engine's vocabulary: frozen dataclasses in, frozen dataclasses out.

Nothing here knows about Django. The web side maps its rows to these types, calls the engine,
and stores what comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

# Float arithmetic on carried doses (10 × 1.05 × 1.05 …) leaves tiny errors; anything within
# this distance of a whole number counts as that number.
EPSILON = 1e-9

NO_EQUIPMENT = "none"


class ConfigurationError(ValueError):
    """A phase, pool or exercise is set up in a way the engine cannot use safely."""


class MovementType(StrEnum):
    ISOMETRIC_HOLD = "isometric_hold"
    CONTROLLED_RANGE = "controlled_range"
    STRETCH_MOBILITY = "stretch_mobility"
    COMPRESSION = "compression"
    DECOMPRESSION = "decompression"
    BALANCE = "balance"
    FUNCTIONAL = "functional"
    NERVE_GLIDE = "nerve_glide"


class Track(StrEnum):
    GENERAL = "general"
    SCIATICA = "sciatica"
    ACTIVE_AGEING = "active-ageing"


class DecisionKind(StrEnum):
    START = "start"
    PROGRESS = "progress"
    HOLD = "hold"
    BACK_OFF = "back_off"
    ADVANCE_PHASE = "advance_phase"
    STEP_BACK = "step_back"


class EscalationKind(StrEnum):
    SEVERE_SESSION = "severe_session"  # one session at 8/10 or more
    TWO_REDS = "two_reds"  # two red sessions in one week
    RED_WEEKS = "red_weeks"  # red weeks in a row
    PAUSE = "pause"  # three red weeks in a row at the lightest doses: programme paused
    NOT_IMPROVING = "not_improving"  # pain no better after four weeks of training


class ItemRole(StrEnum):
    WARM_UP = "warm_up"
    MAIN = "main"


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}.")


def evolve(value, **changes):
    """`dataclasses.replace()` for the engine's frozen dataclasses, at a fraction of its cost
    (the weekly run makes tens of thousands a minute): a new instance from the instance's own
    field values and `changes`, through `__init__` and `__post_init__` as usual. An instance
    whose __dict__ holds anything but its init fields is refused loudly (TypeError), never
    copied wrongly."""
    return type(value)(**(value.__dict__ | changes))


@dataclass(frozen=True)
class Dose:
    """How much of one exercise in one session: a hold or a rep count, times sets, per side.

    `carried` is the unrounded hold seconds or reps. The member sees the whole number below it;
    the engine keeps the fraction so a 10 s hold at 5 % a week still grows (10.5 → 11.025 → 11).
    """

    hold_seconds: int | None
    reps: int | None
    sets: int
    carried: float | None = None

    def __post_init__(self) -> None:
        if (self.hold_seconds is None) == (self.reps is None):
            raise ValueError("A dose has either hold seconds or reps, exactly one of them.")
        if self.unit < 1 or self.sets < 1:
            raise ValueError(f"Hold/reps and sets must be at least 1, got {self}.")
        if self.carried is not None and not (
            self.unit - EPSILON <= self.carried < self.unit + 1 + EPSILON
        ):
            raise ValueError(f"Carried value {self.carried} does not round down to {self.unit}.")

    @classmethod
    def of_hold(cls, seconds: int, *, sets: int = 1, carried: float | None = None) -> Dose:
        return cls(hold_seconds=seconds, reps=None, sets=sets, carried=carried)

    @classmethod
    def of_reps(cls, reps: int, *, sets: int = 1, carried: float | None = None) -> Dose:
        return cls(hold_seconds=None, reps=reps, sets=sets, carried=carried)

    @property
    def is_hold(self) -> bool:
        return self.hold_seconds is not None

    @property
    def unit(self) -> int:
        """One hold in seconds, or one set's reps: the thing the cap limits per set."""
        return self.hold_seconds if self.hold_seconds is not None else (self.reps or 0)

    @property
    def exact_unit(self) -> float:
        return self.carried if self.carried is not None else float(self.unit)

    @property
    def load(self) -> int:
        """One session's volume, per side: hold seconds × sets, or reps × sets."""
        return self.unit * self.sets

    @property
    def exact_load(self) -> float:
        return self.exact_unit * self.sets

    def with_unit(
        self, unit: int, *, sets: int | None = None, carried: float | None = None
    ) -> Dose:
        """The same kind of dose (hold or reps) with new numbers."""
        new_sets = self.sets if sets is None else sets
        if self.is_hold:
            return Dose.of_hold(unit, sets=new_sets, carried=carried)
        return Dose.of_reps(unit, sets=new_sets, carried=carried)


@dataclass(frozen=True)
class ExerciseSpec:
    slug: str
    name: str
    movement_type: MovementType
    equipment: frozenset[str] = frozenset({NO_EQUIPMENT})
    per_side: bool = False
    rest_seconds: int = 30
    easier_slug: str | None = None
    harder_slug: str | None = None
    # The exercise's own opening dose and range, used when it is done as an easier variation
    # outside its own pool entry. None when the catalogue gives none.
    opening: Dose | None = None
    lowest: Dose | None = None
    highest: Dose | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "movement_type", MovementType(self.movement_type))
        object.__setattr__(self, "equipment", frozenset(self.equipment))
        if self.rest_seconds < 0:
            raise ValueError(f"{self.slug}: rest seconds cannot be negative.")

    def usable_with(self, available: frozenset[str]) -> bool:
        # "none" means no equipment is needed, so it is always available.
        return self.equipment - {NO_EQUIPMENT} <= available


@dataclass(frozen=True)
class PoolEntry:
    """One exercise in a phase's pool for a track, with the doses it starts at and stays within."""

    exercise: str
    start: Dose
    ceiling: Dose
    floor: Dose

    def __post_init__(self) -> None:
        doses = (self.floor, self.start, self.ceiling)
        if len({dose.is_hold for dose in doses}) != 1:
            raise ConfigurationError(
                f"{self.exercise}: floor, start and ceiling mix holds and reps."
            )
        in_order = (
            self.floor.unit <= self.start.unit <= self.ceiling.unit
            and self.floor.sets <= self.start.sets <= self.ceiling.sets
        )
        if not in_order:
            raise ConfigurationError(f"{self.exercise}: needs floor ≤ start ≤ ceiling.")

    def contains(self, dose: Dose) -> bool:
        return (
            dose.is_hold == self.start.is_hold
            and self.floor.unit <= dose.unit <= self.ceiling.unit
            and self.floor.sets <= dose.sets <= self.ceiling.sets
        )

    def clamp(self, dose: Dose) -> Dose:
        """Bring a stored dose down under this entry's ceiling (a coach may have lowered it).

        Never raises it: a dose below the floor (carried over from another phase, or a floor a
        coach raised) stays where the member is, and grows from there within the weekly cap.
        A dose of the other kind (holds vs reps) is a new exercise: it opens at the start dose.
        """
        if dose.is_hold != self.start.is_hold:
            return self.start
        unit = min(dose.unit, self.ceiling.unit)
        sets = min(dose.sets, self.ceiling.sets)
        if (unit, sets) == (dose.unit, dose.sets):
            return dose
        return dose.with_unit(unit, sets=sets)


@dataclass(frozen=True)
class PhaseRules:
    slug: str
    name: str
    order: int
    weekly_cap_percent: float
    min_weeks: int
    adherence_threshold: float = 0.8
    max_effort_to_progress: int = 7
    pools: Mapping[str, tuple[PoolEntry, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 5 <= self.weekly_cap_percent <= 10:
            raise ConfigurationError(f"{self.slug}: the weekly cap must be 5–10 %.")
        if self.min_weeks < 1:
            raise ConfigurationError(f"{self.slug}: a phase lasts at least one week.")
        if not 0 < self.adherence_threshold <= 1:
            raise ConfigurationError(f"{self.slug}: adherence threshold is a fraction in (0, 1].")
        _check_range("max_effort_to_progress", self.max_effort_to_progress, 0, 10)
        pools = {Track(track): tuple(entries) for track, entries in self.pools.items()}
        for track, entries in pools.items():
            slugs = [entry.exercise for entry in entries]
            if len(slugs) != len(set(slugs)):
                raise ConfigurationError(f"{self.slug}/{track}: an exercise is listed twice.")
        object.__setattr__(self, "pools", pools)

    @property
    def cap_factor(self) -> float:
        return 1 + self.weekly_cap_percent / 100

    def entries_for(self, track: str) -> tuple[PoolEntry, ...]:
        return self.pools.get(Track(track), ())


@dataclass(frozen=True, init=False)
class Programme:
    """All phases (any order in, sorted by `order`) and the exercise catalogue, checked together."""

    phases: tuple[PhaseRules, ...]
    exercises: Mapping[str, ExerciseSpec]

    def __init__(
        self,
        phases: Iterable[PhaseRules],
        exercises: Iterable[ExerciseSpec] | Mapping[str, ExerciseSpec],
    ) -> None:
        specs = exercises.values() if isinstance(exercises, Mapping) else exercises
        object.__setattr__(self, "phases", tuple(sorted(phases, key=lambda phase: phase.order)))
        object.__setattr__(self, "exercises", {spec.slug: spec for spec in specs})
        # Answers worked out from the programme alone, kept for the next member who asks the
        # same question (see phases.available_entries); not part of the programme's value.
        object.__setattr__(self, "memo", {})
        self._validate()

    def _validate(self) -> None:
        if not self.phases:
            raise ConfigurationError("A programme needs at least one phase.")
        for attribute in ("slug", "order"):
            values = [getattr(phase, attribute) for phase in self.phases]
            if len(values) != len(set(values)):
                raise ConfigurationError(f"Two phases share the same {attribute}.")
        for phase in self.phases:
            for entries in phase.pools.values():
                for entry in entries:
                    if entry.exercise not in self.exercises:
                        raise ConfigurationError(
                            f"{phase.slug}: pool exercise {entry.exercise!r} is not in the catalogue."
                        )

    def phase(self, slug: str) -> PhaseRules:
        for phase in self.phases:
            if phase.slug == slug:
                return phase
        raise KeyError(f"Unknown phase {slug!r}.")

    def next_phase(self, slug: str) -> PhaseRules | None:
        index = self.phases.index(self.phase(slug))
        return self.phases[index + 1] if index + 1 < len(self.phases) else None

    def previous_phase(self, slug: str) -> PhaseRules | None:
        index = self.phases.index(self.phase(slug))
        return self.phases[index - 1] if index > 0 else None

    def exercise(self, slug: str) -> ExerciseSpec:
        return self.exercises[slug]


@dataclass(frozen=True)
class MemberState:
    """Where a member is: settings, phase, and the current dose of each pool exercise.

    `doses`, `variations` and `dose_reasons` are keyed by the pool entry's exercise slug.
    `variations` names the easier exercise done instead, after a back-off at the floor.
    """

    track: Track
    equipment: frozenset[str]
    minutes_per_day: int
    training_weekdays: frozenset[int]
    phase: str
    weeks_in_phase: int = 0
    doses: Mapping[str, Dose] = field(default_factory=dict)
    variations: Mapping[str, str] = field(default_factory=dict)
    dose_reasons: Mapping[str, str] = field(default_factory=dict)
    last_reviewed_week: date | None = None
    # Weeks each dose has been trained unchanged: a one-unit step waits until the weekly cap,
    # compounded over these weeks, covers it.
    weeks_at_dose: Mapping[str, int] = field(default_factory=dict)
    weeks_away: int = 0  # reviewed weeks in a row without a single session
    red_weeks: int = 0  # reviewed weeks in a row with at least one red session
    red_weeks_at_floor: int = 0  # of those, weeks that began with every dose at its lightest
    weeks_trained: int = 0  # reviewed weeks with at least one session, since enrolment
    start_pain: int | None = None  # pain at intake, to ask whether it is improving

    def __post_init__(self) -> None:
        object.__setattr__(self, "track", Track(self.track))
        object.__setattr__(self, "equipment", frozenset(self.equipment))
        object.__setattr__(self, "training_weekdays", frozenset(self.training_weekdays))
        for name in ("doses", "variations", "dose_reasons", "weeks_at_dose"):
            object.__setattr__(self, name, dict(getattr(self, name)))
        if self.minutes_per_day < 1:
            raise ValueError("Minutes per day must be positive.")
        if not self.training_weekdays <= set(range(7)):
            raise ValueError("Training weekdays are 0 (Monday) to 6 (Sunday).")
        for name in ("weeks_in_phase", "weeks_away", "red_weeks", "red_weeks_at_floor"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative.")


@dataclass(frozen=True)
class ExerciseDone:
    exercise: str  # the slug actually done (an easier variation when one is in use)
    dose: Dose
    target_met: bool = True


@dataclass(frozen=True)
class SessionRecord:
    day: date
    planned: bool
    completed: bool
    pain_during: int
    effort: int
    sharp_pain: bool = False
    morning_pain: int | None = None  # None until the member answers the next-morning check-in
    baseline_pain: int | None = None  # pain just before the session, when asked
    exercises: tuple[ExerciseDone, ...] = ()
    pain_spread: bool = False  # sciatica: pain spread further down the leg (counts as red)

    def __post_init__(self) -> None:
        if type(self.exercises) is not tuple:
            object.__setattr__(self, "exercises", tuple(self.exercises))
        morning, baseline = self.morning_pain, self.baseline_pain
        if (
            0 <= self.pain_during <= 10
            and 0 <= self.effort <= 10
            and (morning is None or 0 <= morning <= 10)
            and (baseline is None or 0 <= baseline <= 10)
        ):
            return  # the common case, checked in one expression (records are built by the 10,000)
        _check_range("pain_during", self.pain_during, 0, 10)
        _check_range("effort", self.effort, 0, 10)
        for name in ("morning_pain", "baseline_pain"):
            value = getattr(self, name)
            if value is not None:
                _check_range(name, value, 0, 10)


@dataclass(frozen=True)
class Decision:
    """What happens to one pool exercise this week, and why, in words shown to the member."""

    exercise: str  # pool entry slug
    kind: DecisionKind
    dose: Dose
    reason: str
    previous: Dose | None = None
    variation: str | None = None  # easier exercise done instead of `exercise`, if any
    weeks_at_dose: int = 0  # weeks this dose has already been trained unchanged
    previous_variation: str | None = None

    @property
    def performed(self) -> str:
        return self.variation or self.exercise

    @property
    def direction(self) -> DecisionKind:
        """What the member sees change: START (new), PROGRESS (up), BACK_OFF (down) or HOLD.

        Follows the dose, not the decision's name: a phase change that keeps a dose is a hold.
        """
        if self.previous is None:
            return DecisionKind.START
        if self.variation != self.previous_variation:
            return DecisionKind.BACK_OFF if self.variation else DecisionKind.START
        if self.previous.is_hold != self.dose.is_hold:
            return DecisionKind.START
        if self.dose.load > self.previous.load or self.dose.unit > self.previous.unit:
            return DecisionKind.PROGRESS
        if self.kind is DecisionKind.PROGRESS and self.dose.sets > self.previous.sets:
            return DecisionKind.PROGRESS  # one more set, the total reshaped (12 × 1 → 6 × 2)
        if self.dose.load < self.previous.load or self.dose.unit < self.previous.unit:
            return DecisionKind.BACK_OFF
        return DecisionKind.HOLD


@dataclass(frozen=True)
class Escalation:
    """Pain that a coach should hear about, with advice shown to the member as is."""

    kind: EscalationKind
    day: date
    advice: str


@dataclass(frozen=True)
class WeekResult:
    state: MemberState
    decisions: tuple[Decision, ...]
    summary: str
    contact_coach: bool = False
    already_reviewed: bool = False
    escalations: tuple[Escalation, ...] = ()
    # The week's review (pain.WeekReview) the decisions came from, for rules the caller asks
    # next about the same week (milestones): not part of the result's value.
    review: object | None = field(default=None, compare=False, repr=False)

    @property
    def paused(self) -> bool:
        return any(e.kind is EscalationKind.PAUSE for e in self.escalations)


@dataclass(frozen=True)
class PhaseProgress:
    """How close the member is to the next phase, for progress bars and "what unlocks next"."""

    phase: str
    next_phase: str | None
    weeks_done: int
    min_weeks: int
    sessions_planned: int
    sessions_done: int
    adherence_threshold: float
    all_green: bool
    targets_met: bool
    ready: bool
    reason: str

    @property
    def adherence(self) -> float:
        return self.sessions_done / self.sessions_planned if self.sessions_planned else 0.0


@dataclass(frozen=True)
class PlannedItem:
    exercise: str  # slug to do today
    pool_exercise: str | None  # pool entry it belongs to; None for a catalogue warm-up
    role: ItemRole
    dose: Dose
    per_side: bool
    rest_seconds: int
    estimated_seconds: int
    reason: str  # why this dose
    why_today: str  # why this exercise was picked today


@dataclass(frozen=True)
class SessionPlan:
    day: date
    phase: str
    items: tuple[PlannedItem, ...]  # warm-ups first, then main exercises in order
    estimated_seconds: int
    budget_seconds: int
    reason: str

    @property
    def warm_up(self) -> tuple[PlannedItem, ...]:
        return tuple(item for item in self.items if item.role is ItemRole.WARM_UP)

    @property
    def main(self) -> tuple[PlannedItem, ...]:
        return tuple(item for item in self.items if item.role is ItemRole.MAIN)


@dataclass(frozen=True)
class RestDay:
    day: date
    reason: str
