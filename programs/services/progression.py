"""The weekly progression run: all active members, in batches, with bulk queries."""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from programs import engine
from programs.choices import EnrolmentStatus, EscalationKind, SessionStatus
from programs.models import (
    Enrolment,
    Intake,
    MemberDose,
    PlannedSession,
    ProgressionDecision,
)
from programs.selectors.member import (
    HISTORY_DAYS,
    doses_for_members,
    history_records,
    member_state,
    sessions_for_members,
    week_start_of,
)
from programs.selectors.programme import ProgrammeBundle, dose_of, programme_build
from programs.selectors.sessions import member_today
from programs.services.escalation import escalations_record
from programs.services.milestones import WeekReviewed, milestones_after_weekly_review
from programs.services.planning import DOSE_FIELDS, decision_rows, dose_rows, doses_store

logger = logging.getLogger(__name__)
BATCH_SIZE = 200


@dataclass
class WeeklyRunResult:
    members_reviewed: int = 0
    already_reviewed: int = 0
    decisions_written: int = 0
    advanced: int = 0
    stepped_back: int = 0


def _active_enrolment_ids() -> list[int]:
    return list(
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE, member__intake__completed_at__isnull=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def _run_batch(
    *, enrolment_ids: list[int], week_start: date, bundle: ProgrammeBundle, result: WeeklyRunResult
) -> None:
    enrolments = list(
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("phase", "member__profile")
        .filter(pk__in=enrolment_ids, status=EnrolmentStatus.ACTIVE)
        .order_by("pk")
    )
    member_ids = [enrolment.member_id for enrolment in enrolments]
    intakes = {
        intake.member_id: intake for intake in Intake.objects.filter(member_id__in=member_ids)
    }
    doses = doses_for_members(member_ids=member_ids)
    week_end = week_start + timedelta(days=7)
    sessions = sessions_for_members(
        member_ids=member_ids, start=week_end - timedelta(days=HISTORY_DAYS), end=week_end
    )
    decisions: list[ProgressionDecision] = []
    dose_create: list[MemberDose] = []
    dose_update: list[MemberDose] = []
    enrolment_update: list[Enrolment] = []
    escalated: list[tuple] = []
    reviewed: list[WeekReviewed] = []
    now = timezone.now()
    for enrolment in enrolments:
        intake = intakes.get(enrolment.member_id)
        if intake is None:
            continue
        member_doses = doses.get(enrolment.member_id, [])
        state = member_state(bundle=bundle, intake=intake, enrolment=enrolment, doses=member_doses)
        history = history_records(
            sessions=sessions.get(enrolment.member_id, []),
            slugs_by_id=bundle.slugs_by_id,
            training_weekdays=intake.training_weekdays,
            start=week_end - timedelta(days=HISTORY_DAYS),
            # Never count the member's own future days as missed.
            end=min(week_end, member_today(enrolment.member) + timedelta(days=1)),
            enrolled_on=enrolment.phase_started_on,
        )
        week = engine.progress_week(state, bundle.programme, history, week_start)
        if week.already_reviewed:
            result.already_reviewed += 1
            continue
        result.members_reviewed += 1
        decisions += decision_rows(
            member_id=enrolment.member_id,
            week_start=week_end,  # the week the new doses apply to
            decisions=week.decisions,
            bundle=bundle,
        )
        created, updated = dose_rows(
            member_id=enrolment.member_id,
            decisions=week.decisions,
            existing=member_doses,
            bundle=bundle,
        )
        dose_create += created
        dose_update += updated
        new_phase = week.state.phase
        reached = None  # the phase moved on to: a milestone
        if new_phase != enrolment.phase.slug:
            moved_on = bundle.phases_by_slug[new_phase].order > enrolment.phase.order
            result.advanced += moved_on
            result.stepped_back += not moved_on
            enrolment.phase = bundle.phases_by_slug[new_phase]
            enrolment.phase_started_on = week_end
            reached = enrolment.phase if moved_on else None
        reviewed.append(WeekReviewed(enrolment.member_id, history, reached_phase=reached))
        enrolment.weeks_in_phase = week.state.weeks_in_phase
        enrolment.weeks_away = week.state.weeks_away
        enrolment.red_weeks = week.state.red_weeks
        enrolment.red_weeks_at_floor = week.state.red_weeks_at_floor
        if week.paused:  # the safety gate stops every channel until a clearance is recorded
            enrolment.status = EnrolmentStatus.PAUSED_FOR_PAIN
        enrolment.weeks_trained = week.state.weeks_trained
        enrolment.last_reviewed_week = week.state.last_reviewed_week or week_start
        if week.contact_coach:
            enrolment.contact_coach_suggested_on = week_end
        if week.escalations:
            escalated.append((enrolment.member, week.escalations))
        enrolment.updated_at = now
        enrolment_update.append(enrolment)
    if decisions:
        created = ProgressionDecision.objects.bulk_create(decisions, ignore_conflicts=True)
        result.decisions_written += len(created)
    if dose_create:
        MemberDose.objects.bulk_create(dose_create, ignore_conflicts=True)
    if dose_update:
        MemberDose.objects.bulk_update(dose_update, [*DOSE_FIELDS, "updated_at"])
    if enrolment_update:
        Enrolment.objects.bulk_update(
            enrolment_update,
            [
                "phase",
                "phase_started_on",
                "status",
                "weeks_in_phase",
                "weeks_away",
                "red_weeks",
                "red_weeks_at_floor",
                "weeks_trained",
                "last_reviewed_week",
                "contact_coach_suggested_on",
                "updated_at",
            ],
        )
    milestones_after_weekly_review(week_start=week_start, reviewed=reviewed)
    for member, escalations in escalated:
        # A session at 8/10 already told a coach when it was logged; record it, don't repeat.
        escalations_record(
            member=member,
            escalations=escalations,
            alert_kinds=set(EscalationKind) - {EscalationKind.SEVERE_SESSION},
        )


def progression_run_week(*, week_start: date, batch_size: int = BATCH_SIZE) -> WeeklyRunResult:
    """Review the week from `week_start` (a Monday) for every active member. Safe to run twice:
    the engine skips weeks already reviewed and decisions are unique per member, week, exercise."""
    result = WeeklyRunResult()
    ids = _active_enrolment_ids()
    if not ids:
        return result
    _run_in_batches(
        enrolment_ids=ids,
        week_start=week_start,
        bundle=programme_build(),
        result=result,
        batch_size=batch_size,
    )
    logger.info("Weekly progression for %s: %s", week_start, result)
    return result


def _run_in_batches(
    *, enrolment_ids: list[int], week_start: date, bundle, result: WeeklyRunResult, batch_size: int
) -> None:
    for index in range(0, len(enrolment_ids), batch_size):
        _run_batch(
            enrolment_ids=enrolment_ids[index : index + batch_size],
            week_start=week_start,
            bundle=bundle,
            result=result,
        )


def last_local_week(*, member, now) -> date:
    """The Monday of the last full week in the member's own timezone."""
    today = member_today(member, now=now)
    return week_start_of(today) - timedelta(days=7)


def progression_run_due(*, now=None, batch_size: int = BATCH_SIZE) -> WeeklyRunResult:
    """Review every active member whose own week has ended and is not reviewed yet.

    Run hourly: each member is reviewed soon after their local Sunday ends, whatever their
    timezone, and never twice (the engine skips a week already reviewed)."""
    now = now or timezone.now()
    result = WeeklyRunResult()
    enrolments = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ACTIVE, member__intake__completed_at__isnull=False
        )
        .select_related("member__profile")
        .only(
            "pk",
            "phase_started_on",
            "last_reviewed_week",
            "member__id",
            "member__profile__timezone",
        )
        .order_by("pk")
    )
    due: dict[date, list[int]] = {}
    for enrolment in enrolments:
        week_start = last_local_week(member=enrolment.member, now=now)
        if week_start < week_start_of(enrolment.phase_started_on):
            continue  # that week ended before they started (or before this phase began)
        if enrolment.last_reviewed_week is None or enrolment.last_reviewed_week < week_start:
            due.setdefault(week_start, []).append(enrolment.pk)
    if not due:
        return result
    bundle = programme_build()
    for week_start, ids in sorted(due.items()):
        _run_in_batches(
            enrolment_ids=ids,
            week_start=week_start,
            bundle=bundle,
            result=result,
            batch_size=batch_size,
        )
    logger.info("Progression due at %s: %s", now, result)
    return result


_LIGHT_RANK = {"green": 0, "amber": 1, "red": 2}


@transaction.atomic
def progression_after_report(*, session: PlannedSession, was=None) -> engine.WeekResult | None:
    """Pain reported after the fact (a late log, a next-morning check-in): record what it
    escalates now, and when its week was already reviewed, act on the next session at once.

    Acts only when the session's light got worse than `was` (its light before this report), so
    answering twice never eases twice. Returns the engine's result when doses changed."""
    from programs.services.sessions import pain_light

    now_light = pain_light(session)
    worse = _LIGHT_RANK[now_light.value] > _LIGHT_RANK[(was or engine.PainLight.GREEN).value]
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("phase", "member__profile")
        .filter(member_id=session.member_id, status=EnrolmentStatus.ACTIVE)
        .first()
    )
    intake = Intake.objects.filter(member_id=session.member_id).first()
    if enrolment is None or intake is None:
        return None
    bundle = programme_build()
    week_start = week_start_of(session.date)
    sessions = sessions_for_members(
        member_ids=[session.member_id], start=week_start, end=week_start + timedelta(days=6)
    ).get(session.member_id, [])
    records = history_records(
        sessions=sessions,
        slugs_by_id=bundle.slugs_by_id,
        training_weekdays=intake.training_weekdays,
        start=week_start,
        end=week_start + timedelta(days=7),
        enrolled_on=enrolment.phase_started_on,
    )
    record = next((r for r in records if r.day == session.date), None)
    if record is None:
        return None
    # The morning's own severe pain (during-session pain already raised its alert at finish).
    if record.morning_pain is not None and record.morning_pain >= engine.pain.SEVERE:
        escalations_record(member=enrolment.member, escalations=engine.session_escalations(record))
    reviewed = enrolment.last_reviewed_week
    if not worse or reviewed is None or week_start > reviewed:
        return None  # not reviewed yet: the weekly review will see it
    doses = list(MemberDose.objects.filter(member_id=session.member_id))
    state = member_state(bundle=bundle, intake=intake, enrolment=enrolment, doses=doses)
    reviewed_from = {}
    rows = ProgressionDecision.objects.filter(
        member_id=session.member_id, week_start=reviewed + timedelta(days=7)
    )
    for row in rows:
        slug = bundle.slugs_by_id.get(row.exercise_id)
        dose = dose_of(row.before_hold_seconds, row.before_reps, row.before_sets)
        if slug and dose is not None:
            reviewed_from[slug] = dose
    result = engine.late_report(
        state, bundle.programme, record, reviewed_from=reviewed_from, week_records=records
    )
    if result.escalations:
        escalations_record(
            member=enrolment.member,
            escalations=result.escalations,
            alert_kinds=set(EscalationKind) - {EscalationKind.SEVERE_SESSION},
        )
    if not result.decisions:
        return None
    doses_store(member_id=session.member_id, decisions=result.decisions, bundle=bundle)
    # A plan already made for today or later, not yet started, is made again from the new doses.
    PlannedSession.objects.filter(
        member_id=session.member_id,
        date__gte=member_today(enrolment.member),
        status=SessionStatus.PLANNED,
        started_at__isnull=True,
    ).delete()
    return result
