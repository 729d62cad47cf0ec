"""Everything the Today and Programme pages show, in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING

from django.db.models import Prefetch

from programs import engine
from programs.choices import WEEKDAY_NAMES, SessionStatus
from programs.content import lessons_for
from programs.models import (
    MemberDose,
    PainEscalation,
    PlannedItem,
    PlannedSession,
)
from programs.selectors.member import HISTORY_DAYS, week_start_of
from programs.selectors.outcome import counts_for_streak, session_outcome
from programs.selectors.phase import phase_story
from programs.selectors.programme import programme_build
from programs.selectors.sessions import morning_checkin_among
from programs.selectors.wording import plan_wording
from programs.services.intake import track_reason

if TYPE_CHECKING:
    from programs.services.safety_gate import SafetyVerdict


@dataclass(frozen=True)
class WeekDay:
    day: date
    name: str
    is_training_day: bool
    session: PlannedSession | None
    is_today: bool

    @property
    def short(self) -> bool:
        """Finished with fewer than half its exercises (Progress outlines it; so does the week)."""
        session = self.session
        if session is None or session.status != SessionStatus.COMPLETED:
            return False
        items = session.items.all()  # prefetched by _sessions
        done = sum(1 for item in items if item.completed_at is not None)
        return not counts_for_streak(done=done, total=len(items))


def _sessions(member, start: date, end: date) -> list[PlannedSession]:
    """Sessions with their items; items' exercises come from the cached bundle when shown."""
    return list(
        PlannedSession.objects.filter(member=member, date__gte=start, date__lte=end)
        .prefetch_related(Prefetch("items", queryset=PlannedItem.objects.order_by("order")))
        .order_by("date")
    )


def _with_exercises(items: list[PlannedItem], bundle) -> list[PlannedItem]:
    """Items with their exercise from the bundle (one read per version, not one per page)."""
    found = dict(bundle.exercises_by_id)
    missing = {item.exercise_id for item in items} - found.keys()
    if missing:  # a bundle built before this exercise existed: read it, as before
        from exercises.models import Exercise

        found.update(Exercise.objects.in_bulk(missing))
    for item in items:
        item.exercise = found[item.exercise_id]
    return items


def today_page(*, member, today: date, verdict: SafetyVerdict) -> dict:
    """Today's page for a member the safety gate let through (its verdict carries the intake
    and enrolment it read). Reads only: `session` is None when no plan is stored for today."""
    intake, enrolment = verdict.intake, verdict.enrolment
    bundle = programme_build()
    doses = list(MemberDose.objects.filter(member=member))
    sessions = _sessions(member, today - timedelta(days=HISTORY_DAYS), today)
    todays = next((s for s in sessions if s.date == today), None)
    status = phase_story(
        bundle=bundle,
        intake=intake,
        enrolment=enrolment,
        doses=doses,
        sessions=sessions,
        today=today,
    )
    items = _with_exercises(list(todays.items.all()), bundle) if todays is not None else []
    first_plan = not any(s.status == SessionStatus.COMPLETED for s in sessions if s.date < today)
    wording = plan_wording(items, first_plan=first_plan)
    for item in items:
        item.shown_reason = wording.reasons[item.pk]
        item.shown_why = wording.whys[item.pk]
    return {
        "intake": intake,
        "enrolment": enrolment,
        "session": todays,
        "items": items,
        "plan_notes": wording.session_notes,
        "outcome": session_outcome(session=todays) if todays is not None else None,
        "checkin_due": morning_checkin_among(sessions, today=today),
        "phase_status": status,
        "rescreen_due": verdict.rescreen_asked(today),
        "rescreen_blocks_on": verdict.rescreen_blocks_on,
        "pain_advice": pain_advice(member=member, today=today),
        "lessons_for_you": lessons_for(intake),
    }


def pain_advice(*, member, today: date) -> PainEscalation | None:
    """The latest escalation from the last week: its advice to see a clinician shows on Today."""
    from programs.services.escalation import ADVICE_DAYS

    return (
        PainEscalation.objects.filter(member=member, day__gte=today - timedelta(days=ADVICE_DAYS))
        .order_by("-day", "-created_at")
        .first()
    )


def programme_page(*, member, today: date, verdict: SafetyVerdict) -> dict:
    intake, enrolment = verdict.intake, verdict.enrolment
    bundle = programme_build()
    doses = list(MemberDose.objects.filter(member=member))
    monday = week_start_of(today)
    sessions = _sessions(member, today - timedelta(days=HISTORY_DAYS), monday + timedelta(days=6))
    by_day = {session.date: session for session in sessions}
    week = [
        WeekDay(
            day=monday + timedelta(days=offset),
            name=WEEKDAY_NAMES[offset],
            is_training_day=offset in intake.training_weekdays,
            session=by_day.get(monday + timedelta(days=offset)),
            is_today=monday + timedelta(days=offset) == today,
        )
        for offset in range(7)
    ]
    status = phase_story(
        bundle=bundle,
        intake=intake,
        enrolment=enrolment,
        doses=doses,
        sessions=sessions,
        today=today,
    )
    return {
        "intake": intake,
        "enrolment": enrolment,
        "week": week,
        "phase_status": status,
        "phases": list(bundle.phases_by_slug.values()),
        "lessons_for_you": lessons_for(intake),
        "track_reason": track_reason(intake),
    }


def _dose_label(item: engine.PlannedItem) -> str:
    """The engine's dose in Today's words (an unsaved PlannedItem's label)."""
    dose = item.dose
    return PlannedItem(
        hold_seconds=dose.unit if dose.is_hold else None,
        reps=None if dose.is_hold else dose.unit,
        sets=dose.sets,
        per_side=item.per_side,
    ).dose_label


def today_preview(*, day: date, track: str = "general") -> dict:
    """A first session as a new member would get it, for visitors who have not joined yet:
    worded as Today words a first plan (shared sentences once, each exercise only its own).
    Nothing is stored."""
    bundle = programme_build()
    started = engine.start_member(
        bundle.programme,
        track=track,
        equipment={engine.NO_EQUIPMENT},
        minutes_per_day=10,
        training_weekdays=range(7),
    )
    plan = engine.plan_session(started.state, bundle.programme, (), day)
    if not isinstance(plan, engine.SessionPlan):
        return {"items": [], "plan_notes": []}
    wording = plan_wording(
        [
            SimpleNamespace(pk=n, reason=i.reason, why_today=i.why_today, role=i.role.value)
            for n, i in enumerate(plan.items)
        ],
        first_plan=True,
    )
    return {
        "plan_notes": wording.session_notes,
        "items": [
            {
                "name": bundle.exercise_names.get(item.exercise, item.exercise),
                "dose": _dose_label(item),
                "role": item.role.value,
                "reason": wording.reasons[n],
                "why": wording.whys[n],
            }
            for n, item in enumerate(plan.items)
        ],
    }
