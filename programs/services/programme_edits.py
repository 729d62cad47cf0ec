"""A coach's programme-wide edit reaches every plan already made: Today, the player, the
reminder email and the calendar feed read stored plans, so after an edit to a phase (its weekly
cap, its rules), a pool entry (its dose range, start dose) or an exercise (withdrawn, its
equipment, its variations, its safety notes) the stored plans of today and later that it touches
are made again, a chunk of members per task, after the edit commits.

- A plan nobody has begun is dropped and made again from the edited programme.
- A session under way keeps what the member already did; of the rest, an exercise the programme
  no longer offers is taken out and a dose now above what the programme allows comes down to it.
  Nothing is added or raised mid-session.
- A lowered weekly cap also applies to this week's rise: a dose raised more than the new cap
  allows is brought down to the new cap's rise from the week before (never up).

The admin (programs/admin.py) and the exercise library (through `exercises.library_changes`)
call `programme_edit_record`; the task `programs.tasks.replan_after_programme_edit` runs
`programme_edit_replan_chunk` until the edit is finished. A beat sweeper sends again an edit
whose replanning stopped part-way or was never sent (the broker was down).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from backcore.dispatch import send_on_commit
from programs import engine
from programs.choices import DecisionKind, EnrolmentStatus, SessionStatus
from programs.engine.dosing import raise_dose, whole
from programs.engine.phases import variation_entry
from programs.engine.wording import describe_dose
from programs.models import (
    Enrolment,
    Intake,
    MemberDose,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
)
from programs.programme_edit_models import ProgrammeEdit
from programs.selectors.member import (
    HISTORY_DAYS,
    member_state,
    sessions_for_members,
    week_start_of,
)
from programs.selectors.programme import (
    ProgrammeBundle,
    dose_of,
    programme_build,
    programme_cache_invalidate,
)
from programs.selectors.sessions import member_today
from programs.services.planning import (
    doses_back_from_variations,
    plan_day,
    plan_for,
    plans_refresh,
)

logger = logging.getLogger(__name__)

REPLAN_CHUNK = 100  # members per task: ~35 ms CPU each, well inside the 60 s soft limit
RESEND_AFTER = timedelta(minutes=10)
MAX_SENDS = 5  # then the edit shows as failed in admin and an operator looks at the log
TASK = "programs.tasks.replan_after_programme_edit"


def programme_edit_record(
    *,
    summary: str,
    phase_ids: Iterable[int] = (),
    exercise_ids: Iterable[int] = (),
    every_member_of_phases: bool = False,
) -> ProgrammeEdit | None:
    """Record an edit and replan after it commits. Call it inside the edit's transaction (the
    admin's save and delete hooks do): the replanning then reads the committed programme.

    Stored plans the edit touches are replanned; with `every_member_of_phases` (a lowered
    weekly cap: it limits the doses members carry, not only plans) every active member of those
    phases is visited too, planned today or not."""
    phases = sorted({int(pk) for pk in phase_ids if pk is not None})
    exercises = sorted({int(pk) for pk in exercise_ids if pk is not None})
    if not phases and not exercises:
        return None
    edit = ProgrammeEdit.objects.create(
        summary=summary[:200],
        phase_ids=phases,
        exercise_ids=exercises,
        enrolled_phase_ids=phases if every_member_of_phases else [],
    )
    # The signal in programs/cache.py bumps the bundle's version on each write; say it once more
    # here, so an edit made by a bulk statement (no signal) is never planned from an old copy.
    transaction.on_commit(programme_cache_invalidate)
    _send(edit, now=timezone.now())
    return edit


def programme_edit_after_library_change(*, exercise_ids: Iterable[int], summary: str) -> None:
    """The exercise library's listener (exercises.library_changes): coaches changed exercises."""
    programme_edit_record(summary=summary, exercise_ids=exercise_ids)


@transaction.atomic
def programme_edit_again(*, edit: ProgrammeEdit) -> None:
    """An operator sends a failed (or stuck) replan again, with a fresh count of sends."""
    ProgrammeEdit.objects.filter(pk=edit.pk, finished_at__isnull=True).update(
        failed_at=None, sends=0
    )
    _send(edit, now=timezone.now())


def _send(edit: ProgrammeEdit, *, now: datetime) -> None:
    ProgrammeEdit.objects.filter(pk=edit.pk).update(sent_at=now, sends=F("sends") + 1)
    send_on_commit(TASK, edit.pk)


def _touched_plans(edit: ProgrammeEdit, *, from_day: date):
    """Stored plans from `from_day` on, not finished, that the edit touches."""
    touches = Q()
    if edit.phase_ids:
        touches |= Q(phase_id__in=edit.phase_ids)
    if edit.exercise_ids:
        touches |= Exists(
            PlannedItem.objects.filter(session=OuterRef("pk")).filter(
                Q(exercise_id__in=edit.exercise_ids) | Q(pool_exercise_id__in=edit.exercise_ids)
            )
        )
    return PlannedSession.objects.filter(
        touches,
        date__gte=from_day,
        status__in=[SessionStatus.PLANNED, SessionStatus.IN_PROGRESS],
    )


def _next_members(edit: ProgrammeEdit, *, from_day: date, limit: int) -> list[int]:
    """The next `limit` member ids (in order, after the cursor) the edit reaches: members with a
    touched plan, and every active member of `enrolled_phase_ids`. Two indexed reads at most."""
    found = set(
        _touched_plans(edit, from_day=from_day)
        .filter(member_id__gt=edit.after_member_id)
        .order_by("member_id")
        .values_list("member_id", flat=True)
        .distinct()[:limit]
    )
    if edit.exercise_ids:
        # Members on a withdrawn easier variation, whether or not a stored plan shows it.
        found |= set(
            MemberDose.objects.filter(
                variation_id__in=edit.exercise_ids, member_id__gt=edit.after_member_id
            )
            .order_by("member_id")
            .values_list("member_id", flat=True)
            .distinct()[:limit]
        )
    if edit.enrolled_phase_ids:
        found |= set(
            Enrolment.objects.filter(
                phase_id__in=edit.enrolled_phase_ids,
                status=EnrolmentStatus.ACTIVE,
                member_id__gt=edit.after_member_id,
            )
            .order_by("member_id")
            .values_list("member_id", flat=True)[:limit]
        )
    return sorted(found)[:limit]


@dataclass(frozen=True)
class ReplanChunk:
    members: int  # members replanned in this chunk
    finished: bool


def programme_edit_replan_chunk(
    *, edit_id: int, now: datetime | None = None, limit: int = REPLAN_CHUNK
) -> ReplanChunk:
    """Replan the next chunk of members an edit touches (in member id order, after the last
    chunk's). Idempotent: a finished edit, or one another worker holds, is left alone; the
    task sends the next chunk until `finished`."""
    now = now or timezone.now()
    with transaction.atomic():
        edit = (
            ProgrammeEdit.objects.select_for_update(skip_locked=True)
            .filter(pk=edit_id, finished_at__isnull=True)
            .first()
        )
        if edit is None:  # finished, or another worker has it right now
            return ReplanChunk(members=0, finished=True)
        # Every member's own today is within a day of UTC's.
        earliest = now.date() - timedelta(days=1)
        member_ids = _next_members(edit, from_day=earliest, limit=limit)
        if edit.after_member_id == 0 and edit.members_replanned == 0:
            # The first chunk reads the programme as committed, whatever copy a process holds.
            programme_cache_invalidate()
        bundle = programme_build()
        for member_id in member_ids:
            member_replan_after_edit(member_id=member_id, edit=edit, bundle=bundle, now=now)
        edit.members_replanned += len(member_ids)
        if member_ids:
            edit.after_member_id = member_ids[-1]
        finished = len(member_ids) < limit
        if finished:
            edit.finished_at = timezone.now()
        edit.save(update_fields=["members_replanned", "after_member_id", "finished_at"])
        if not finished:
            _send(edit, now=now)
    return ReplanChunk(members=len(member_ids), finished=finished)


def programme_edits_resume(*, now: datetime | None = None) -> int:
    """Send again each edit not finished although it was sent RESEND_AFTER ago (a worker was
    killed, or the broker was down when it was recorded); one sent MAX_SENDS times is marked
    failed instead, for an operator (admin lists it), and not sent again. Returns how many
    were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            ProgrammeEdit.objects.select_for_update(skip_locked=True).filter(
                Q(sent_at__isnull=True) | Q(sent_at__lt=now - RESEND_AFTER),
                finished_at__isnull=True,
                failed_at__isnull=True,
            )
        )
        sent = 0
        for edit in stale:
            if edit.sends >= MAX_SENDS:
                edit.failed_at = now
                edit.save(update_fields=["failed_at"])
                logger.error(
                    "Programme edit %s (%s): replanning failed %s times; left for an operator",
                    edit.pk,
                    edit.summary,
                    edit.sends,
                )
                continue
            _send(edit, now=now)
            sent += 1
    if sent:
        logger.warning("Programme edits: sending %s unfinished replans again", sent)
    return sent


def member_replan_after_edit(
    *, member_id: int, edit: ProgrammeEdit, bundle: ProgrammeBundle, now: datetime
) -> None:
    """One member: this week's rise brought under a lowered cap, plans nobody has begun made
    again, and a session under way brought within the edited programme."""
    from backcore.accounts.models import User

    member = User.objects.select_related("profile").get(pk=member_id)
    today = member_today(member, now=now)
    enrolment = Enrolment.objects.select_related("phase").filter(member_id=member_id).first()
    intake = Intake.objects.filter(member_id=member_id).first()
    with transaction.atomic():
        if enrolment is not None and enrolment.phase_id in edit.phase_ids:
            doses_recap_to_phase(
                member_id=member_id, enrolment=enrolment, bundle=bundle, today=today
            )
        if enrolment is not None and intake is not None:
            # An easier variation withdrawn: back on the harder exercise at its start dose.
            doses_back_from_variations(
                member_id=member_id, bundle=bundle, intake=intake, enrolment=enrolment, today=today
            )
        started = list(
            PlannedSession.objects.filter(
                member_id=member_id, date__gte=today, status=SessionStatus.IN_PROGRESS
            )
        )
        plans_refresh(member=member, today=today)
        if enrolment is None or intake is None:
            return
        for session in started:
            try:
                session_follow_programme(
                    session=session, bundle=bundle, intake=intake, enrolment=enrolment
                )
            except engine.ConfigurationError:
                logger.exception("Could not bring session %s within the programme", session.pk)


def doses_recap_to_phase(
    *, member_id: int, enrolment: Enrolment, bundle: ProgrammeBundle, today: date
) -> int:
    """This week's rises, checked against the phase's cap as it is now: a dose raised by more
    than the cap allows (rounded down; a one-unit step is always within it) comes down to the
    cap's rise from last week's dose, in the member's dose and in this week's decision. Never
    raised. Returns how many doses came down."""
    rules = bundle.programme.phase(enrolment.phase.slug)
    entries = {entry.exercise: entry for entry in rules.entries_for(enrolment.track)}
    decisions = ProgressionDecision.objects.filter(
        member_id=member_id,
        week_start=week_start_of(today),
        kind=DecisionKind.PROGRESS,
        exercise_id__isnull=False,
    )
    doses = {row.exercise_id: row for row in MemberDose.objects.filter(member_id=member_id)}
    lowered = 0
    for decision in decisions:
        entry = entries.get(bundle.slugs_by_id.get(decision.exercise_id))
        before = dose_of(decision.before_hold_seconds, decision.before_reps, decision.before_sets)
        after = dose_of(decision.after_hold_seconds, decision.after_reps, decision.after_sets)
        row = doses.get(decision.exercise_id)
        if entry is None or before is None or after is None or row is None or row.variation_id:
            continue
        if before.is_hold != after.is_hold or before.is_hold != entry.start.is_hold:
            continue
        if not _above_cap(before, after, rules.cap_factor):
            continue
        rise = raise_dose(before, entry, rules.cap_factor, weeks_at_dose=1)
        capped = rise.dose or entry.clamp(before)
        current = dose_of(row.hold_seconds, row.reps, row.sets)
        if current is None or current.load <= capped.load and current.unit <= capped.unit:
            continue
        spec = bundle.programme.exercises.get(entry.exercise)
        per_side = spec.per_side if spec else False
        reason = (
            f"Raised to {describe_dose(capped, per_side=per_side)} (from "
            f"{describe_dose(before, per_side=per_side)}): no more than "
            f"{rules.weekly_cap_percent:g} % a week, the cap your coach has just set."
        )
        row.hold_seconds, row.reps, row.sets = capped.hold_seconds, capped.reps, capped.sets
        row.carried, row.reason = None, reason[:400]
        row.save(update_fields=["hold_seconds", "reps", "sets", "carried", "reason", "updated_at"])
        decision.after_hold_seconds = capped.hold_seconds
        decision.after_reps = capped.reps
        decision.after_sets = capped.sets
        decision.reason = reason[:500]
        decision.save(update_fields=["after_hold_seconds", "after_reps", "after_sets", "reason"])
        lowered += 1
    return lowered


def _above_cap(before: engine.Dose, after: engine.Dose, cap_factor: float) -> bool:
    """A rise the cap cannot explain: more than the cap allows in a week (rounded down) and more
    than the one-unit step a cap compounded over several weeks may allow."""
    if after.sets == before.sets:
        return after.unit > max(whole(before.unit * cap_factor), before.unit + 1)
    if after.sets > before.sets:
        smallest_step = before.load + after.sets  # one more unit in every set
        return after.load > max(whole(before.load * cap_factor), smallest_step)
    return False


def session_follow_programme(
    *,
    session: PlannedSession,
    bundle: ProgrammeBundle,
    intake: Intake,
    enrolment: Enrolment,
) -> None:
    """A session under way, after an edit: what is done stays done; of the rest, exercises the
    programme no longer offers (withdrawn, out of the phase's pool) are taken out with a note,
    and a dose above what the programme allows now comes down to it. Nothing is added or raised
    while the member is in the middle of it. A session with nothing done and nothing left is
    planned afresh."""
    session = PlannedSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.IN_PROGRESS:
        return
    items = list(session.items.order_by("order"))
    open_items = [item for item in items if item.completed_at is None]
    if not open_items:
        return
    doses = list(MemberDose.objects.filter(member_id=session.member_id))
    history = sessions_for_members(
        member_ids=[session.member_id],
        start=session.date - timedelta(days=HISTORY_DAYS),
        end=session.date - timedelta(days=1),
    ).get(session.member_id, [])
    fresh = plan_for(
        bundle=bundle,
        intake=intake,
        enrolment=enrolment,
        doses=doses,
        sessions=history,
        day=session.date,
    )
    fresh_doses = {}
    if isinstance(fresh, engine.SessionPlan):
        for planned in fresh.items:
            fresh_doses[planned.pool_exercise or planned.exercise] = planned.dose
    state = member_state(bundle=bundle, intake=intake, enrolment=enrolment, doses=doses)
    rules = bundle.programme.phase(enrolment.phase.slug)
    pool = {entry.exercise: entry for entry in rules.entries_for(enrolment.track)}
    offered = bundle.programme.exercises
    removed, changed = [], []
    for item in open_items:
        slug = bundle.slugs_by_id.get(item.exercise_id)
        pool_slug = bundle.slugs_by_id.get(item.pool_exercise_id) if item.pool_exercise_id else None
        if slug not in offered or (pool_slug is not None and pool_slug not in pool):
            removed.append(item)
            continue
        dose = dose_of(item.hold_seconds, item.reps, item.sets)
        if dose is None:
            continue
        allowed = dose
        if pool_slug is not None:
            allowed = variation_entry(bundle.programme, state.track, pool[pool_slug], slug).clamp(
                allowed
            )
        newer = fresh_doses.get(pool_slug or slug)
        if newer is not None and newer.is_hold == allowed.is_hold:
            allowed = allowed.with_unit(
                min(allowed.unit, newer.unit), sets=min(allowed.sets, newer.sets)
            )
        if (allowed.unit, allowed.sets) != (
            dose.unit,
            dose.sets,
        ) and allowed.is_hold == dose.is_hold:
            per_side = item.per_side
            item.hold_seconds, item.reps, item.sets = (
                allowed.hold_seconds,
                allowed.reps,
                allowed.sets,
            )
            item.reason = (
                f"Now {describe_dose(allowed, per_side=per_side)} (was "
                f"{describe_dose(dose, per_side=per_side)}): your coach changed this phase's "
                "doses, so the rest of today's session follows at once."
            )[:400]
            changed.append(item)
    if changed:
        PlannedItem.objects.bulk_update(changed, ["hold_seconds", "reps", "sets", "reason"])
    if not removed:
        return
    names = sorted(
        {
            bundle.exercises_by_id[i.exercise_id].name
            for i in removed
            if i.exercise_id in bundle.exercises_by_id
        }
    )
    PlannedItem.objects.filter(pk__in=[item.pk for item in removed]).delete()
    if len(removed) == len(items):
        # Nothing done and nothing left: the day is planned afresh, keeping the pain answer.
        pain_before = session.pain_before
        session.delete()
        replanned = plan_day(member=session.member, day=session.date)
        if replanned is not None and pain_before is not None:
            replanned.pain_before = pain_before
            replanned.save(update_fields=["pain_before"])
        return
    note = (
        f"Your coach took {' and '.join(names) or 'an exercise'} out of the programme, so "
        f"{'it is' if len(names) <= 1 else 'they are'} no longer part of today's session."
    )
    session.reason = note[:400]  # the plan's own count of exercises no longer holds
    session.save(update_fields=["reason"])
