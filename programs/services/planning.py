"""Enrol members and turn the engine's plans into stored sessions, idempotently."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from programs import engine
from programs.choices import DecisionKind, SessionStatus
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
    sessions_for_members,
    week_start_of,
)
from programs.selectors.programme import ProgrammeBundle, programme_build
from programs.services.safety_gate import enrolment_status_for, safety_verdict


def _dose_fields(dose: engine.Dose | None, prefix: str = "") -> dict:
    if dose is None:
        return {f"{prefix}hold_seconds": None, f"{prefix}reps": None, f"{prefix}sets": None}
    return {
        f"{prefix}hold_seconds": dose.hold_seconds,
        f"{prefix}reps": dose.reps,
        f"{prefix}sets": dose.sets,
    }


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


def decision_values(decision: engine.Decision) -> dict:
    """A decision's stored fields besides member, week and exercise."""
    return {
        "kind": decision.kind.value,
        "reason": decision.reason[:500],
        **_dose_fields(decision.previous, "before_"),
        **_dose_fields(decision.dose, "after_"),
    }


def dose_row_values(decision: engine.Decision, bundle: ProgrammeBundle) -> dict:
    dose = decision.dose
    return {
        "hold_seconds": dose.hold_seconds,
        "reps": dose.reps,
        "sets": dose.sets,
        "carried": None,  # the engine works on shown doses only; no hidden fraction
        "variation_id": bundle.exercise_ids.get(decision.variation) if decision.variation else None,
        # Today's badge follows what happened to the dose, not the decision's name.
        "kind": decision.direction.value,
        "reason": decision.reason[:400],
        "weeks_at_dose": decision.weeks_at_dose,
    }


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
        from programs.selectors.sessions import member_today

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
