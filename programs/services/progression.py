"""The weekly progression run: all active members, in batches, with bulk queries."""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from programs import engine
from programs.choices import EnrolmentStatus
from programs.models import Enrolment, Intake, MemberDose, ProgressionDecision
from programs.selectors.member import (
    HISTORY_DAYS,
    doses_for_members,
    history_records,
    member_state,
    sessions_for_members,
)
from programs.selectors.programme import ProgrammeBundle, programme_build
from programs.services.planning import DOSE_FIELDS, decision_rows, dose_rows

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
        .select_related("phase")
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
    tell_coach: list[int] = []
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
            end=min(week_end, timezone.localdate() + timedelta(days=1)),
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
        if new_phase != enrolment.phase.slug:
            moved_on = bundle.phases_by_slug[new_phase].order > enrolment.phase.order
            result.advanced += moved_on
            result.stepped_back += not moved_on
            enrolment.phase = bundle.phases_by_slug[new_phase]
            enrolment.phase_started_on = week_end
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
            tell_coach.append(enrolment.member_id)
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
    if tell_coach:
        from programs.services.coach_alerts import coach_alerts_red_week

        coach_alerts_red_week(member_ids=tell_coach, week_end=week_end)


def progression_run_week(*, week_start: date, batch_size: int = BATCH_SIZE) -> WeeklyRunResult:
    """Review the week from `week_start` (a Monday) for every active member. Safe to run twice:
    the engine skips weeks already reviewed and decisions are unique per member, week, exercise."""
    result = WeeklyRunResult()
    ids = _active_enrolment_ids()
    if not ids:
        return result
    bundle = programme_build()
    for index in range(0, len(ids), batch_size):
        _run_batch(
            enrolment_ids=ids[index : index + batch_size],
            week_start=week_start,
            bundle=bundle,
            result=result,
        )
    logger.info("Weekly progression for %s: %s", week_start, result)
    return result
