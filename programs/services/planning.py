"""Enrol members and turn the engine's plans into stored sessions, idempotently.

Planning is an explicit step. A day's plan is made when something that shapes it happens:
intake finished, a safety screen answered, a clearance recorded, a pain report that changed a
session's light (a late log, a next-morning answer), the weekly review, a coach's edit to the
member's enrolment (`plans_refresh`, `plans_discard_untouched`); and each new local day by the
hourly `plans_make_due`. Pages only read plans; when none is stored yet for today (the hourly
run has not reached the member's new day), Today and the player call `plan_day`, the one
service that makes a day's plan, in plain sight.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from backcore.bulk import InArray
from programs import engine
from programs.choices import DecisionKind, EnrolmentStatus, SessionStatus
from programs.models import (
    Enrolment,
    Intake,
    MemberDose,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
)
from programs.selectors.member import (
    HISTORY_DAYS,
    engine_inputs,
    member_state,
    sessions_for_members,
    week_start_of,
)
from programs.selectors.programme import ProgrammeBundle, programme_build
from programs.selectors.sessions import member_today
from programs.services.safety_gate import enrolment_status_for, safety_verdict

logger = logging.getLogger(__name__)


def decision_rows(
    *, member_id: int, week_start: date, decisions, bundle: ProgrammeBundle
) -> list[ProgressionDecision]:
    rows = []
    for decision in decisions:
        exercise_id = bundle.exercise_ids.get(decision.exercise)
        if exercise_id is None:
            continue
        rows.append(
            ProgressionDecision(
                member_id=member_id,
                week_start=week_start,
                exercise_id=exercise_id,
                **decision_values(decision),
            )
        )
    return rows


DECISION_VALUE_FIELDS = (
    "kind",
    "reason",
    "before_hold_seconds",
    "before_reps",
    "before_sets",
    "after_hold_seconds",
    "after_reps",
    "after_sets",
)


def _dose_triple(dose: engine.Dose | None) -> tuple:
    return (None, None, None) if dose is None else (dose.hold_seconds, dose.reps, dose.sets)


def decision_value_row(decision: engine.Decision) -> tuple:
    """A decision's stored fields besides member, week and exercise, in the order of
    DECISION_VALUE_FIELDS (the weekly run writes them as plain rows)."""
    return (
        decision.kind.value,
        decision.reason[:500],
        *_dose_triple(decision.previous),
        *_dose_triple(decision.dose),
    )


def decision_values(decision: engine.Decision) -> dict:
    """A decision's stored fields besides member, week and exercise."""
    return dict(zip(DECISION_VALUE_FIELDS, decision_value_row(decision), strict=True))


def dose_value_row(decision: engine.Decision, bundle: ProgrammeBundle) -> tuple:
    """The stored dose a decision leaves, in the order of DOSE_FIELDS."""
    dose = decision.dose
    return (
        dose.hold_seconds,
        dose.reps,
        dose.sets,
        None,  # carried: the engine works on shown doses only; no hidden fraction
        bundle.exercise_ids.get(decision.variation) if decision.variation else None,
        # Today's badge follows what happened to the dose, not the decision's name.
        decision.direction.value,
        decision.reason[:400],
        decision.weeks_at_dose,
    )


def dose_row_values(decision: engine.Decision, bundle: ProgrammeBundle) -> dict:
    return dict(zip(DOSE_FIELDS, dose_value_row(decision, bundle), strict=True))


def dose_rows(
    *, member_id: int, decisions, existing: Iterable[MemberDose], bundle: ProgrammeBundle
) -> tuple[list[MemberDose], list[MemberDose]]:
    """Rows to create and rows to update so a member's doses match the engine's decisions.

    bulk_update skips auto_now, so updated rows get their timestamp here."""
    by_exercise = {row.exercise_id: row for row in existing}
    now = timezone.now()
    to_create, to_update = [], []
    for decision in decisions:
        exercise_id = bundle.exercise_ids.get(decision.exercise)
        if exercise_id is None:
            continue
        values = dose_row_values(decision, bundle)
        row = by_exercise.get(exercise_id)
        if row is None:
            to_create.append(MemberDose(member_id=member_id, exercise_id=exercise_id, **values))
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            to_update.append(row)
    return to_create, to_update


def doses_store(*, member_id: int, decisions, bundle: ProgrammeBundle) -> None:
    """Upsert a member's doses from decisions (one query to read, at most two to write)."""
    to_create, to_update = dose_rows(
        member_id=member_id,
        decisions=decisions,
        existing=MemberDose.objects.filter(member_id=member_id),
        bundle=bundle,
    )
    if to_create:
        MemberDose.objects.bulk_create(to_create)
    if to_update:
        MemberDose.objects.bulk_update(to_update, [*DOSE_FIELDS, "updated_at"])


def doses_back_from_variations(
    *, member_id: int, bundle: ProgrammeBundle, intake: Intake, enrolment: Enrolment, today: date
) -> int:
    """A member on an easier variation they can no longer do (a coach withdrew it, or their
    equipment changed) is back on the harder exercise at its start dose for their phase, never
    at the variation's dose: stored with the reason they read, and recorded as this week's
    decision (over any the week had for that exercise). Returns how many exercises changed."""
    doses = list(MemberDose.objects.filter(member_id=member_id, variation_id__isnull=False))
    if not doses:
        return 0
    state = member_state(bundle=bundle, intake=intake, enrolment=enrolment, doses=doses)
    decisions = engine.backs_from_variations(bundle.programme, state)
    if not decisions:
        return 0
    doses_store(member_id=member_id, decisions=decisions, bundle=bundle)
    rows = decision_rows(
        member_id=member_id, week_start=week_start_of(today), decisions=decisions, bundle=bundle
    )
    ProgressionDecision.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["member", "week_start", "exercise"],
        update_fields=[
            "kind",
            "reason",
            *(
                f"{side}_{name}"
                for side in ("before", "after")
                for name in ("hold_seconds", "reps", "sets")
            ),
        ],
    )
    return len(decisions)


DOSE_FIELDS = (
    "hold_seconds",
    "reps",
    "sets",
    "carried",
    "variation_id",
    "kind",
    "reason",
    "weeks_at_dose",
)


@transaction.atomic
def enrolment_start_or_update(*, member, intake: Intake, today: date) -> Enrolment:
    """First time: start in the first phase at its start doses. Later: follow intake changes."""
    enrolment = Enrolment.objects.select_for_update().filter(member=member).first()
    status = enrolment_status_for(
        intake=intake, current=enrolment.status if enrolment is not None else None
    )
    if enrolment is not None:
        enrolment.track = intake.track
        enrolment.status = status
        enrolment.save(update_fields=["track", "status", "updated_at"])
        # Equipment no longer listed may leave an easier variation out of reach.
        doses_back_from_variations(
            member_id=member.pk,
            bundle=programme_build(),
            intake=intake,
            enrolment=enrolment,
            today=today,
        )
        return enrolment
    bundle = programme_build()
    started = engine.start_member(
        bundle.programme,
        track=intake.track,
        equipment=frozenset(intake.equipment or []) | {engine.NO_EQUIPMENT},
        minutes_per_day=intake.minutes_per_day,
        training_weekdays=intake.training_weekdays,
        start_pain=intake.pain_now,
    )
    enrolment = Enrolment(
        member=member,
        phase=bundle.phases_by_slug[started.state.phase],
        phase_started_on=today,
        track=intake.track,
        status=status,
    )
    enrolment.full_clean(exclude=["member"])
    enrolment.save()
    doses_store(member_id=member.pk, decisions=started.decisions, bundle=bundle)
    ProgressionDecision.objects.bulk_create(
        decision_rows(
            member_id=member.pk,
            week_start=week_start_of(today),
            decisions=started.decisions,
            bundle=bundle,
        ),
        ignore_conflicts=True,
    )
    return enrolment


def plan_for(
    *,
    bundle: ProgrammeBundle,
    intake: Intake,
    enrolment: Enrolment,
    doses,
    sessions,
    day: date,
) -> engine.SessionPlan | engine.RestDay:
    """The engine's plan for `day` from already-loaded rows (no queries)."""
    state, history = engine_inputs(
        bundle=bundle, intake=intake, enrolment=enrolment, doses=doses, sessions=sessions, day=day
    )
    return engine.plan_session(state, bundle.programme, history, day)


def _items_for(
    session: PlannedSession, plan: engine.SessionPlan, bundle, doses
) -> list[PlannedItem]:
    kinds = {dose.exercise_id: dose.kind for dose in doses}
    items = []
    for order, item in enumerate(plan.items, start=1):
        pool_id = bundle.exercise_ids.get(item.pool_exercise) if item.pool_exercise else None
        items.append(
            PlannedItem(
                session=session,
                order=order,
                exercise_id=bundle.exercise_ids[item.exercise],
                pool_exercise_id=pool_id,
                role=item.role.value,
                hold_seconds=item.dose.hold_seconds,
                reps=item.dose.reps,
                sets=item.dose.sets,
                per_side=item.per_side,
                rest_seconds=item.rest_seconds,
                decision_kind=kinds.get(pool_id, DecisionKind.START)
                if pool_id
                else DecisionKind.HOLD,
                reason=item.reason[:400],
                why_today=item.why_today[:300],
            )
        )
    return items


def plan_day(*, member, day: date | None = None) -> PlannedSession | None:
    """Today's (or `day`'s) stored plan, making it once. Planning the same day twice creates
    nothing new. None when the safety gate is closed (a red flag, a pause, a missing safety
    screen, an unfinished intake): a plan made earlier is not handed out then either."""
    if day is None:
        day = member_today(member)
    verdict = safety_verdict(member=member, day=day)
    if not verdict.is_open:
        return None
    existing = (
        PlannedSession.objects.select_related("phase").filter(member=member, date=day).first()
    )
    if existing is not None:
        return existing
    intake, enrolment = verdict.intake, verdict.enrolment
    bundle = programme_build()
    doses = list(MemberDose.objects.filter(member=member))
    sessions = sessions_for_members(
        member_ids=[member.pk], start=day - timedelta(days=HISTORY_DAYS), end=day
    ).get(member.pk, [])
    plan = plan_for(
        bundle=bundle, intake=intake, enrolment=enrolment, doses=doses, sessions=sessions, day=day
    )
    return _store_plan(
        member=member, day=day, plan=plan, phase=enrolment.phase, bundle=bundle, doses=doses
    )


def _store_plan(*, member, day, plan, phase, bundle, doses) -> PlannedSession:
    is_rest = isinstance(plan, engine.RestDay)
    try:
        with transaction.atomic():
            session = PlannedSession(
                member=member,
                date=day,
                phase=phase,
                is_rest_day=is_rest,
                reason=plan.reason[:400],
                estimated_seconds=0 if is_rest else plan.estimated_seconds,
                status=SessionStatus.PLANNED,
            )
            session.full_clean(exclude=["member", "phase"])
            session.save()
            if not is_rest:
                PlannedItem.objects.bulk_create(_items_for(session, plan, bundle, doses))
    except IntegrityError:
        # Another request planned the same day first: use theirs.
        return PlannedSession.objects.select_related("phase").get(member=member, date=day)
    return session


def plans_untouched(*, member_ids: Iterable[int], from_day: date):
    """Plans from `from_day` on that nobody has begun (saving an exercise or opening a late log
    starts a session; finished and skipped ones are history)."""
    return PlannedSession.objects.filter(
        InArray(F("member_id"), list(member_ids)),
        date__gte=from_day,
        status=SessionStatus.PLANNED,
        started_at__isnull=True,
    )


def plans_discard_untouched(*, member_ids: Iterable[int], from_day: date) -> int:
    """Drop plans nobody has begun from `from_day` on, so the next plan reads what changed.
    Two statements whatever the number of members (the weekly run calls it per chunk):
    the items, then the sessions (nothing else refers to a planned session). Returns how many
    sessions went."""
    untouched = plans_untouched(member_ids=member_ids, from_day=from_day)
    PlannedItem.objects.filter(session__in=untouched).delete()
    return untouched._raw_delete(untouched.db)


def plans_refresh(*, member, today: date | None = None) -> PlannedSession | None:
    """Something that shapes the plan changed: plans nobody has begun, from today on, are
    dropped and today's is made again now (None while the safety gate is closed).

    A programme that cannot be planned right now (a coach's half-finished edit) must not undo
    the member's answer that led here: the plan is then made on their next visit to Today."""
    if today is None:
        today = member_today(member)
    plans_discard_untouched(member_ids=[member.pk], from_day=today)
    try:
        with transaction.atomic():
            return plan_day(member=member, day=today)
    except engine.ConfigurationError:
        logger.exception("Could not plan %s for member %s", today, member.pk)
        return None


PLAN_CHUNK = 200  # members per run of the hourly planning: well inside the task time limits


@dataclass(frozen=True)
class PlanRun:
    made: int  # plans made in this chunk
    last_id: int  # the last enrolment looked at: the next chunk starts after it
    finished: bool  # no enrolments left after this chunk


def plans_make_due(
    *, now: datetime | None = None, after_id: int = 0, limit: int | None = None
) -> PlanRun:
    """One chunk of the hourly planning: for active enrolments after `after_id` (by id), make
    today's plan for each member whose own day began without one (their today in their own
    timezone). Idempotent; the task runs the next chunk until `finished`."""

    now = now or timezone.now()
    limit = limit or PLAN_CHUNK
    enrolments = list(
        Enrolment.objects.filter(
            pk__gt=after_id,
            status=EnrolmentStatus.ACTIVE,
            member__is_active=True,
            member__intake__completed_at__isnull=False,
        )
        .select_related("member__profile")
        .only("pk", "member__id", "member__profile__timezone")
        .order_by("pk")[:limit]
    )
    if not enrolments:
        return PlanRun(made=0, last_id=after_id, finished=True)
    days = {e.member_id: member_today(e.member, now=now) for e in enrolments}
    planned = set(
        PlannedSession.objects.filter(
            member_id__in=list(days), date__in=set(days.values())
        ).values_list("member_id", "date")
    )
    made = 0
    for enrolment in enrolments:
        day = days[enrolment.member_id]
        if (enrolment.member_id, day) in planned:
            continue
        try:
            with transaction.atomic():
                made += plan_day(member=enrolment.member, day=day) is not None
        except engine.ConfigurationError:
            # The programme itself cannot be planned: stop here, the next hour tries again.
            logger.exception("Could not plan %s for member %s", day, enrolment.member_id)
            return PlanRun(made=made, last_id=after_id, finished=True)
    return PlanRun(made=made, last_id=enrolments[-1].pk, finished=len(enrolments) < limit)
