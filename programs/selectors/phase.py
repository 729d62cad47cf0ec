"""The member's place in their phase: one reading that Today, Programme and Progress all show.

Every page that says how far along a member is takes its numbers from `phase_story`, so the
pages can never disagree (week of the phase, sessions counted, what unlocks next).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch

from programs import engine
from programs.choices import SessionStatus
from programs.models import Enrolment, Intake, MemberDose, Phase, PlannedItem, PlannedSession
from programs.selectors.member import HISTORY_DAYS, history_records, member_state, week_start_of
from programs.selectors.programme import ProgrammeBundle, programme_build


def _weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


@dataclass(frozen=True)
class Requirement:
    """One condition for the next phase; `met` is None while nothing has been counted yet."""

    text: str
    met: bool | None


@dataclass(frozen=True)
class PhaseStory:
    phase: Phase
    next_phase: Phase | None
    week: int  # this week's number in the phase, counting from 1
    min_weeks: int
    sessions_planned: int  # planned sessions counted over the phase's last two weeks
    sessions_done: int
    adherence_threshold: float
    max_effort: int
    all_green: bool
    targets_met: bool
    ready: bool

    @property
    def started(self) -> bool:
        """Whether any planned session has been counted yet (before that, there is no score)."""
        return self.sessions_planned > 0

    @property
    def weeks_after_this(self) -> int:
        return max(0, self.min_weeks - self.week)

    @property
    def sessions_needed(self) -> int:
        return math.ceil(round(self.adherence_threshold * self.sessions_planned, 6))

    @property
    def week_line(self) -> str:
        return f"Week {self.week} of at least {self.min_weeks} in {self.phase.name}"

    @property
    def percent(self) -> int | None:
        """A 0–100 bar (time and sessions), or None before any session has been counted."""
        if self.next_phase is None or not self.started:
            return None
        if self.ready:
            return 100
        weeks = min(1.0, self.week / self.min_weeks) if self.min_weeks else 1.0
        sessions = min(1.0, (self.sessions_done / self.sessions_planned) / self.adherence_threshold)
        return min(99, round(100 * (weeks + sessions) / 2))

    @property
    def summary(self) -> str:
        if self.next_phase is None:
            return f"{self.phase.name} is the last phase: keep building at your own pace."
        if self.ready:
            return f"Ready for {self.next_phase.name}: it opens at the next weekly review."
        if not self.started:
            return f"Your first session starts the count toward {self.next_phase.name}."
        return f"Working toward {self.next_phase.name}."

    @property
    def requirements(self) -> list[Requirement]:
        if self.next_phase is None:
            return []
        if self.weeks_after_this:
            time = f"At least {_weeks(self.weeks_after_this)} more after this one"
        else:
            time = f"The {_weeks(self.min_weeks)} in this phase are done with this week"
        items = [Requirement(time, self.weeks_after_this == 0)]
        share = f"{self.adherence_threshold:.0%}"
        if not self.started:
            items.append(
                Requirement(f"{share} of planned sessions done over two weeks: none yet", None)
            )
            items.append(Requirement("Every session free of a pain flare", None))
            items.append(Requirement(f"Targets met at effort {self.max_effort}/10 or less", None))
            return items
        items.append(
            Requirement(
                f"{self.sessions_done} of {self.sessions_planned} planned sessions done over the "
                f"last two weeks ({self.sessions_needed} needed)",
                self.sessions_done >= self.sessions_needed,
            )
        )
        items.append(Requirement("Every session free of a pain flare", self.all_green))
        items.append(
            Requirement(f"Targets met at effort {self.max_effort}/10 or less", self.targets_met)
        )
        return items


def phase_history_sessions(*, member, today: date) -> list[PlannedSession]:
    """The sessions the phase story reads (the engine's look-back up to today), with items."""
    return list(
        PlannedSession.objects.filter(
            member=member, date__gte=today - timedelta(days=HISTORY_DAYS), date__lte=today
        )
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PlannedItem.objects.select_related("exercise").order_by("order"),
            )
        )
        .order_by("date")
    )


def phase_story(
    *,
    bundle: ProgrammeBundle,
    intake: Intake,
    enrolment: Enrolment,
    doses,
    sessions,
    today: date,
) -> PhaseStory:
    """Where the member stands in their phase today (no queries: callers pass what they read).

    Sessions before today count; today's counts once it is finished (never as missed while
    it is still to do).
    """
    state = member_state(bundle=bundle, intake=intake, enrolment=enrolment, doses=doses)
    todays = next((s for s in sessions if s.date == today), None)
    finished_today = todays is not None and todays.status == SessionStatus.COMPLETED
    history = history_records(
        sessions=[s for s in sessions if s.date <= today],
        slugs_by_id=bundle.slugs_by_id,
        training_weekdays=intake.training_weekdays,
        start=today - timedelta(days=HISTORY_DAYS),
        end=today + timedelta(days=1) if finished_today else today,
        enrolled_on=enrolment.phase_started_on,
    )
    progress = engine.advancement_status(state, bundle.programme, history, week_start_of(today))
    rules = bundle.programme.phase(progress.phase)
    return PhaseStory(
        phase=enrolment.phase,
        next_phase=bundle.phases_by_slug.get(progress.next_phase) if progress.next_phase else None,
        week=progress.weeks_done,
        min_weeks=progress.min_weeks,
        sessions_planned=progress.sessions_planned,
        sessions_done=progress.sessions_done,
        adherence_threshold=progress.adherence_threshold,
        max_effort=rules.max_effort_to_progress,
        all_green=progress.all_green,
        targets_met=progress.targets_met,
        ready=progress.ready,
    )


def phase_story_for(*, member, today: date, intake: Intake, enrolment: Enrolment) -> PhaseStory:
    """The phase story for a page that has not read the member's doses and sessions (2 + 1
    queries: doses, sessions and their items)."""
    return phase_story(
        bundle=programme_build(),
        intake=intake,
        enrolment=enrolment,
        doses=list(MemberDose.objects.filter(member=member)),
        sessions=phase_history_sessions(member=member, today=today),
        today=today,
    )
