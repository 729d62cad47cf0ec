"""Pain monitoring: a traffic light per session and a summary per week.

After Silbernagel's pain-monitoring model: pain during exercise up to 3/10 is green, 4–5/10 is
amber, above 5/10 is red; pain must settle by the next morning; it must not rise week to week.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from programs.engine.types import SessionRecord
from programs.engine.wording import out_of_ten, weekday_name

GREEN_MAX = 3  # pain during (and next morning) up to here is fine
AMBER_MAX = 5  # 4–5 is acceptable but not a reason to add load; above is red
WORSE_BY = 2  # next morning this many points above the pre-session pain is red
SEVERE = 8  # a single session at this pain or more reaches a coach
WEEK = timedelta(days=7)


class PainLight(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class SessionVerdict:
    day: date
    light: PainLight
    cause: str  # completes "Tuesday's session …"
    exercises: frozenset[str]  # slugs done in the session; empty when none were logged

    @property
    def description(self) -> str:
        return f"{weekday_name(self.day)}'s session {self.cause}"

    def involves(self, exercise_slug: str) -> bool:
        # A session with no exercises logged could have included anything.
        return not self.exercises or exercise_slug in self.exercises


def counts_for_pain(record: SessionRecord) -> bool:
    """Completed sessions count, and so does any session where pain was reported.

    Stopping halfway because it hurt must not hide the pain from the engine.
    """
    return record.completed or record.sharp_pain or record.pain_spread or record.pain_during > 0


def trained(record: SessionRecord) -> bool:
    """The member did something that day: a finished session, or at least one exercise."""
    return record.completed or bool(record.exercises)


def severe(record: SessionRecord) -> bool:
    """Pain at 8/10 or more, during the session or the next morning."""
    return record.pain_during >= SEVERE or (record.morning_pain or 0) >= SEVERE


def classify_session(record: SessionRecord, *, check_in_pending: bool = False) -> SessionVerdict:
    """Green, amber or red for one session, with the cause in plain words.

    Red: sharp pain, pain spreading down the leg, more than 5/10 during, 6/10 or more the next
    morning, or next-morning pain 2 points or more above the pain just before the session.
    Amber: 4–5/10 during or the next morning, or no next-morning answer. `check_in_pending`
    marks a session whose next-morning check-in could not have arrived before the review (the
    week's last day): it is judged on what is known, and a late answer acts when it arrives.
    """
    exercises = frozenset(done.exercise for done in record.exercises)
    during, morning, before = record.pain_during, record.morning_pain, record.baseline_pain

    def verdict(light: PainLight, cause: str) -> SessionVerdict:
        return SessionVerdict(day=record.day, light=light, cause=cause, exercises=exercises)

    if record.sharp_pain:
        return verdict(PainLight.RED, "brought sharp pain")
    if record.pain_spread:
        return verdict(PainLight.RED, "sent pain further down your leg")
    if during > AMBER_MAX:
        return verdict(PainLight.RED, f"was {out_of_ten(during)}")
    if morning is not None:
        if morning > AMBER_MAX:
            return verdict(PainLight.RED, f"left you at {out_of_ten(morning)} the next morning")
        if before is not None and morning - before >= WORSE_BY:
            return verdict(
                PainLight.RED,
                f"left you at {out_of_ten(morning)} the next morning, "
                f"{morning - before} points worse than the {out_of_ten(before)} before it",
            )
    if during > GREEN_MAX:
        return verdict(PainLight.AMBER, f"was {out_of_ten(during)}")
    if morning is None:
        if check_in_pending:
            return verdict(
                PainLight.GREEN,
                f"was {out_of_ten(during)}; its next-morning check-in counts when it comes in",
            )
        return verdict(PainLight.AMBER, "has no next-morning check-in")
    if morning > GREEN_MAX:
        return verdict(
            PainLight.AMBER, f"hadn't settled by the next morning ({out_of_ten(morning)})"
        )
    return verdict(PainLight.GREEN, f"was {out_of_ten(during)} and settled by the next morning")


def _day(record: SessionRecord) -> date:
    return record.day


def ordered(history: Iterable[SessionRecord]) -> tuple[SessionRecord, ...]:
    """By day; two records on one day (never from the database, possible in a hand-made
    history) are then ordered by their full contents, so every result is independent of the
    order rows arrive in. repr() is costly, so it is only paid when days repeat."""
    records = sorted(history, key=_day)
    if any(a.day == b.day for a, b in pairwise(records)):
        records.sort(key=lambda record: (record.day, repr(record)))
    return tuple(records)


def sessions_between(
    history: Iterable[SessionRecord], start: date, end: date
) -> tuple[SessionRecord, ...]:
    """Sessions with start ≤ day < end, in a stable order."""
    return ordered(record for record in history if start <= record.day < end)


def average_pain(records: Sequence[SessionRecord]) -> float | None:
    counted = [record.pain_during for record in records if counts_for_pain(record)]
    return sum(counted) / len(counted) if counted else None


class _computed_once:
    """A summary computed on first use and kept on the instance, like functools.cached_property
    without its lock (Python 3.11 takes one on every first access; a weekly run reads
    these summaries tens of thousands of times, from one thread)."""

    def __init__(self, function) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass(frozen=True)
class WeekReview:
    """The seven days from `start`, seen through the traffic light.

    Its summaries are computed once (cached): the review asks them again for every exercise."""

    start: date
    sessions: tuple[SessionRecord, ...]
    verdicts: tuple[SessionVerdict, ...]
    average_pain: float | None
    previous_average_pain: float | None

    @_computed_once
    def verdict_of(self) -> dict[int, SessionVerdict]:
        """Each counted session's verdict by the id() of its record (the records are the
        history's own objects): later rules over the same history reuse it."""
        counted = (record for record in self.sessions if counts_for_pain(record))
        return {id(record): verdict for record, verdict in zip(counted, self.verdicts, strict=True)}

    @_computed_once
    def counted_with(self) -> dict[str, tuple[SessionRecord, ...]]:
        """The sessions that count for pain (in order) that include each exercise done, by the
        exercise's slug: every pool exercise's rules ask it."""
        found: dict[str, list[SessionRecord]] = {}
        for record in self.sessions:
            if counts_for_pain(record):
                for slug in {done.exercise for done in record.exercises}:
                    found.setdefault(slug, []).append(record)
        return {slug: tuple(records) for slug, records in found.items()}

    @_computed_once
    def planned(self) -> int:
        return sum(1 for record in self.sessions if record.planned)

    @_computed_once
    def planned_done(self) -> int:
        return sum(1 for record in self.sessions if record.planned and record.completed)

    @_computed_once
    def reds(self) -> tuple[SessionVerdict, ...]:
        return tuple(v for v in self.verdicts if v.light is PainLight.RED)

    @_computed_once
    def ambers(self) -> tuple[SessionVerdict, ...]:
        return tuple(v for v in self.verdicts if v.light is PainLight.AMBER)

    @_computed_once
    def all_green(self) -> bool:
        return all(v.light is PainLight.GREEN for v in self.verdicts)

    @_computed_once
    def pain_rising(self) -> bool:
        if self.average_pain is None or self.previous_average_pain is None:
            return False
        return self.average_pain > self.previous_average_pain


def review_week(history: Iterable[SessionRecord], week_start: date) -> WeekReview:
    history = tuple(history)
    sessions = sessions_between(history, week_start, week_start + WEEK)
    previous = sessions_between(history, week_start - WEEK, week_start)
    return WeekReview(
        start=week_start,
        sessions=sessions,
        verdicts=tuple(
            classify_session(r, check_in_pending=r.day == week_start + WEEK - timedelta(days=1))
            for r in sessions
            if counts_for_pain(r)
        ),
        average_pain=average_pain(sessions),
        previous_average_pain=average_pain(previous),
    )
