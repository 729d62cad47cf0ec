"""What a finished session amounted to, in the engine's own terms: how much was done, the
pain verdict, what the programme does next, and whether the day counts toward the streak.

The thresholds live in the engine (programs.engine.pain); this module only reads its verdicts.
"""

from __future__ import annotations

from dataclasses import dataclass

from programs import engine
from programs.choices import SessionStatus
from programs.engine.wording import out_of_ten
from programs.models import PlannedSession
from programs.selectors.member import pain_record


def counts_for_streak(*, done: int, total: int) -> bool:
    """A finished session counts toward the streak when at least half its exercises were
    done. A shorter one neither adds to the streak nor breaks it (like a rest day): stopping
    when something hurts must never cost a member their streak, but it is not a full day.
    A finished session with no items on record (an old import) counts."""
    return 2 * done >= total


@dataclass(frozen=True)
class SessionOutcome:
    done: int
    total: int
    pain_during: int | None
    sharp_pain: bool
    pain_spread: bool
    morning_answered: bool
    verdict: engine.SessionVerdict
    escalations: tuple[engine.Escalation, ...]

    @property
    def light(self) -> str:
        return self.verdict.light.value

    @property
    def counts_for_streak(self) -> bool:
        return counts_for_streak(done=self.done, total=self.total)

    @property
    def headline(self) -> str:
        if self.verdict.light is engine.PainLight.RED:
            return "Saved: that session hurt"
        if self.done < self.total:
            return "Saved: a shorter session"
        return "Saved: session done"

    @property
    def what_happened(self) -> list[str]:
        lines = [f"{self.done} of {self.total} exercise{'s' if self.total != 1 else ''} done."]
        if self.pain_during is not None:
            lines.append(f"Pain during the session: {out_of_ten(self.pain_during)}.")
        if self.sharp_pain:
            lines.append("You reported sharp pain.")
        if self.pain_spread:
            lines.append("You reported pain spreading further down your leg.")
        return lines

    @property
    def what_next(self) -> list[str]:
        light = self.verdict.light
        if light is engine.PainLight.RED:
            lines = [
                f"{self.verdict.description}: tomorrow is a rest day, so your back gets time "
                "to settle.",
                "At the weekly review the exercises from this session are eased, and nothing "
                "goes up that week.",
            ]
        elif light is engine.PainLight.AMBER:
            lines = [
                f"{self.verdict.description}: nothing goes up at the weekly review until it "
                "settles.",
            ]
        elif self.morning_answered:
            lines = ["It settled, so it counts toward raising your doses at the weekly review."]
        else:
            lines = [
                "Tomorrow morning we ask how your back feels; if it has settled, this session "
                "counts toward raising your doses at the weekly review.",
            ]
        lines.extend(escalation.advice for escalation in self.escalations)
        return lines

    @property
    def streak_line(self) -> str:
        if self.counts_for_streak:
            return "This session counts toward your streak."
        return (
            "With fewer than half the exercises done, this session doesn't add to your "
            "streak, and it doesn't break it either."
        )


def session_outcome(*, session: PlannedSession) -> SessionOutcome | None:
    """The outcome of a finished session (None while it is not finished). Reads the session's
    items, which callers usually prefetch."""
    if session.status != SessionStatus.COMPLETED or session.is_rest_day:
        return None
    items = list(session.items.all())
    done = sum(1 for item in items if item.completed_at is not None)
    record = pain_record(session)  # completed: checked above
    return SessionOutcome(
        done=done,
        total=len(items),
        pain_during=session.pain_during,
        sharp_pain=session.sharp_pain,
        pain_spread=bool(session.pain_spread),
        morning_answered=session.morning_pain is not None,
        verdict=engine.classify_session(record, check_in_pending=session.morning_pain is None),
        escalations=engine.session_escalations(record),
    )
