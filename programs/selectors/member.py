"""Reads about one member (or a batch of members): intake, enrolment, doses and history."""

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from django.db.models import Prefetch

from programs import engine
from programs.models import Enrolment, Intake, MemberDose, PlannedItem, PlannedSession
from programs.selectors.programme import ProgrammeBundle, dose_of

HISTORY_DAYS = 28  # the engine looks back at most two weeks; keep a margin


def week_start_of(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


def intake_for(*, member) -> Intake | None:
    return Intake.objects.filter(member_id=member.pk).first()


def enrolment_for(*, member) -> Enrolment | None:
    return Enrolment.objects.select_related("phase").filter(member_id=member.pk).first()


def doses_for_members(*, member_ids: Iterable[int]) -> dict[int, list[MemberDose]]:
    grouped: dict[int, list[MemberDose]] = defaultdict(list)
    for dose in MemberDose.objects.filter(member_id__in=list(member_ids)):
        grouped[dose.member_id].append(dose)
    return grouped


def sessions_for_members(
    *, member_ids: Iterable[int], start: date, end: date
) -> dict[int, list[PlannedSession]]:
    """Planned sessions (with items) from `start` to `end` inclusive, grouped by member."""
    grouped: dict[int, list[PlannedSession]] = defaultdict(list)
    queryset = (
        PlannedSession.objects.filter(
            member_id__in=list(member_ids), date__gte=start, date__lte=end
        )
        .prefetch_related(Prefetch("items", queryset=PlannedItem.objects.order_by("order")))
        .order_by("date")
    )
    for session in queryset:
        grouped[session.member_id].append(session)
    return grouped


def member_state(
    *,
    bundle: ProgrammeBundle,
    intake: Intake,
    enrolment: Enrolment,
    doses: Iterable[MemberDose],
) -> engine.MemberState:
    """The engine's view of a member; doses outside the current phase's pool are left out."""
    phase = bundle.programme.phase(enrolment.phase.slug)
    pool_slugs = {entry.exercise for entry in phase.entries_for(enrolment.track)}
    state_doses, variations, reasons, weeks_at_dose = {}, {}, {}, {}
    for row in doses:
        slug = bundle.slugs_by_id.get(row.exercise_id)
        if slug not in pool_slugs:
            continue
        dose = dose_of(row.hold_seconds, row.reps, row.sets, row.carried)
        if dose is None:
            continue
        state_doses[slug] = dose
        weeks_at_dose[slug] = row.weeks_at_dose
        if row.reason:
            reasons[slug] = row.reason
        if row.variation_id and row.variation_id in bundle.slugs_by_id:
            variations[slug] = bundle.slugs_by_id[row.variation_id]
    equipment = frozenset(intake.equipment or []) | {engine.NO_EQUIPMENT}
    return engine.MemberState(
        track=enrolment.track,
        equipment=equipment,
        minutes_per_day=intake.minutes_per_day,
        training_weekdays=intake.training_weekdays,
        phase=phase.slug,
        weeks_in_phase=enrolment.weeks_in_phase,
        doses=state_doses,
        variations=variations,
        dose_reasons=reasons,
        last_reviewed_week=enrolment.last_reviewed_week,
        weeks_at_dose=weeks_at_dose,
        weeks_away=enrolment.weeks_away,
        red_weeks=enrolment.red_weeks,
        red_weeks_at_floor=enrolment.red_weeks_at_floor,
        weeks_trained=enrolment.weeks_trained,
        start_pain=intake.pain_now,
    )


def _item_done(item: PlannedItem, slugs_by_id: dict[int, str]) -> engine.ExerciseDone | None:
    if item.completed_at is None:
        return None  # planned but never logged: the member did not do it
    slug = slugs_by_id.get(item.exercise_id)
    dose = dose_of(item.hold_seconds, item.reps, item.sets)
    if slug is None or dose is None:
        return None
    return engine.ExerciseDone(exercise=slug, dose=dose, target_met=item.target_met is not False)


def record_from(
    *,
    day: date,
    status: str,
    pain_during: int | None,
    effort: int | None,
    sharp_pain: bool,
    morning_pain: int | None,
    pain_before: int | None,
    pain_spread: bool | None,
    exercises: Iterable[engine.ExerciseDone] = (),
) -> engine.SessionRecord:
    """A stored session's answers as the engine reads them (exercises only when completed)."""
    completed = status == "completed"
    return engine.SessionRecord(
        day=day,
        planned=True,
        completed=completed,
        pain_during=pain_during or 0,
        effort=effort or 0,
        sharp_pain=sharp_pain,
        morning_pain=morning_pain,
        baseline_pain=pain_before,
        pain_spread=bool(pain_spread),
        exercises=tuple(exercises) if completed else (),
    )


def pain_record(session: PlannedSession) -> engine.SessionRecord:
    """The session's answers as the engine reads them for its pain light (no exercises)."""
    return record_from(
        day=session.date,
        status=session.status,
        pain_during=session.pain_during,
        effort=session.effort,
        sharp_pain=session.sharp_pain,
        morning_pain=session.morning_pain,
        pain_before=session.pain_before,
        pain_spread=session.pain_spread,
    )


def pain_light(session: PlannedSession) -> engine.PainLight:
    """The session's traffic light from its stored answers (green when nothing is logged)."""
    record = pain_record(session)
    if not engine.pain.counts_for_pain(record):
        return engine.PainLight.GREEN
    return engine.classify_session(record, check_in_pending=session.morning_pain is None).light


def session_record(session: PlannedSession, slugs_by_id: dict[int, str]) -> engine.SessionRecord:
    record = pain_record(session)
    if not record.completed:
        return record
    done = [_item_done(item, slugs_by_id) for item in session.items.all()]
    return replace(record, exercises=tuple(item for item in done if item is not None))


def history_records(
    *,
    sessions: Iterable[PlannedSession],
    slugs_by_id: dict[int, str],
    training_weekdays: frozenset[int],
    start: date,
    end: date,
    enrolled_on: date,
) -> list[engine.SessionRecord]:
    """Session records from `start` to `end` (exclusive), counting unplanned training days from
    `enrolled_on` on as missed.

    Plans are made when a member opens Today; a training day they never opened still counts
    as a planned session that was not done.
    """
    by_day = {
        session.date: session_record(session, slugs_by_id)
        for session in sessions
        if not session.is_rest_day and start <= session.date < end
    }
    rest_days = {session.date for session in sessions if session.is_rest_day}
    return history_from(
        records=by_day,
        rest_days=rest_days,
        training_weekdays=training_weekdays,
        start=start,
        end=end,
        enrolled_on=enrolled_on,
    )


@lru_cache(maxsize=64)
def _missed(day: date) -> engine.SessionRecord:
    """A training day without a session: one frozen record per day, shared by every member
    of a batch (the weekly run makes thousands of the same few)."""
    return engine.SessionRecord(day=day, planned=True, completed=False, pain_during=0, effort=0)


def history_from(
    *,
    records: Mapping[date, engine.SessionRecord],
    rest_days: Container[date],
    training_weekdays: frozenset[int],
    start: date,
    end: date,
    enrolled_on: date,
) -> list[engine.SessionRecord]:
    """The records of planned days from `start` to `end` (exclusive), with every training day
    from `enrolled_on` on that has no session (and is no rest day) as a missed session."""
    history = []
    day = start
    while day < end:
        if day in records:
            history.append(records[day])
        elif day >= enrolled_on and day.weekday() in training_weekdays and day not in rest_days:
            history.append(_missed(day))
        day += timedelta(days=1)
    return history


def engine_inputs(
    *, bundle: ProgrammeBundle, intake: Intake, enrolment: Enrolment, doses, sessions, day: date
) -> tuple[engine.MemberState, list[engine.SessionRecord]]:
    """The member's engine state and the history the engine reads before `day` (no queries)."""
    state = member_state(bundle=bundle, intake=intake, enrolment=enrolment, doses=doses)
    history = history_records(
        sessions=sessions,
        slugs_by_id=bundle.slugs_by_id,
        training_weekdays=intake.training_weekdays,
        start=day - timedelta(days=HISTORY_DAYS),
        end=day,
        enrolled_on=enrolment.phase_started_on,
    )
    return state, history
