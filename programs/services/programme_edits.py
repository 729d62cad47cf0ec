"""A coach's programme-wide edit reaches every plan already made: Today, the player, the
reminder email and the calendar feed read stored plans, so after an edit to a phase (its weekly
cap, its rules), a pool entry (its dose range, start dose) or an exercise (withdrawn, its
equipment, its variations, its safety notes) the stored plans of today and later that it touches
are made again, after the edit commits.

- A plan nobody has begun is dropped and made again from the edited programme.
- A session under way keeps what the member already did; of the rest, an exercise the programme
  no longer offers is taken out and a dose now above what the programme allows comes down to it.
  Nothing is added or raised mid-session.
- A lowered weekly cap also applies to this week's rise: a dose raised more than the new cap
  allows is brought down to the new cap's rise from the week before (never up).
- An easier variation withdrawn: its members are back on the harder exercise at its start dose.

Fanned out like the weekly run: the admin (programs/admin.py) and the exercise library (through
`exercises.library_changes`) call `programme_edit_record`, which sends
`programs.tasks.programme_edit_fan_out` after commit; that task lists the members the edit
reaches once, splits them into chunks (ProgrammeEditChunk) and sends one
`programs.tasks.programme_edit_replan_chunk` per chunk after its own commit. Each chunk is one
transaction, done once (a second copy finds it done or held and leaves it); workers take chunks
in parallel. A beat sweeper sends again an edit never split (the broker was down) and each chunk
not done in its time (a worker killed, a time limit), waiting twice as long after each send, and
marks one sent MAX_SENDS times failed for an operator.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from backcore.dispatch import send_on_commit, sends_overdue
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
    ProgrammeEdit,
    ProgrammeEditChunk,
    ProgressionDecision,
)
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
# A send this long ago with nothing done was lost (killed worker, time limit, lost message);
# each further send waits twice as long, so chunks still queued behind a big edit are left be.
RESEND_AFTER = timedelta(minutes=10)
MAX_SENDS = 5  # then the edit shows as failed in admin and an operator looks at the log
FAN_OUT_TASK = "programs.tasks.programme_edit_fan_out"
CHUNK_TASK = "programs.tasks.programme_edit_replan_chunk"


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
    _send_edit(edit, now=timezone.now())
    return edit


def programme_edit_after_library_change(*, exercise_ids: Iterable[int], summary: str) -> None:
    """The exercise library's listener (exercises.library_changes): coaches changed exercises."""
    programme_edit_record(summary=summary, exercise_ids=exercise_ids)


@transaction.atomic
def programme_edit_again(*, edit: ProgrammeEdit) -> None:
    """An operator sends a failed (or stuck) replan again, with a fresh count of sends: the
    split into chunks when it never happened, else each chunk not done."""
    ProgrammeEdit.objects.filter(pk=edit.pk, finished_at__isnull=True).update(
        failed_at=None, sends=0
    )
    if not ProgrammeEdit.objects.filter(pk=edit.pk, fanned_out_at__isnull=False).exists():
        _send_edit(edit, now=timezone.now())
        return
    pending = ProgrammeEditChunk.objects.filter(edit_id=edit.pk, done_at__isnull=True)
    pending.update(failed_at=None, sends=0)
    _send_chunks(list(pending.values_list("pk", flat=True)), now=timezone.now())


def _send_edit(edit: ProgrammeEdit, *, now: datetime) -> None:
    ProgrammeEdit.objects.filter(pk=edit.pk).update(sent_at=now, sends=F("sends") + 1)
    send_on_commit(FAN_OUT_TASK, edit.pk)


def _send_chunks(chunk_ids: list[int], *, now: datetime) -> None:
    ProgrammeEditChunk.objects.filter(pk__in=chunk_ids).update(sent_at=now, sends=F("sends") + 1)
    for pk in chunk_ids:
        send_on_commit(CHUNK_TASK, pk)


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


def _members_reached(edit: ProgrammeEdit, *, from_day: date) -> list[int]:
    """Every member the edit reaches, in id order: members with a touched plan, members on an
    easier variation it withdrew, and every active member of `enrolled_phase_ids`. Three
    indexed reads at most, whatever the number of members."""
    found = set(
        _touched_plans(edit, from_day=from_day)
        .order_by()
        .values_list("member_id", flat=True)
        .distinct()
    )
    if edit.exercise_ids:
        # Members on a withdrawn easier variation, whether or not a stored plan shows it.
        found.update(
            MemberDose.objects.filter(variation_id__in=edit.exercise_ids)
            .order_by()
            .values_list("member_id", flat=True)
            .distinct()
        )
    if edit.enrolled_phase_ids:
        found.update(
            Enrolment.objects.filter(
                phase_id__in=edit.enrolled_phase_ids, status=EnrolmentStatus.ACTIVE
            ).values_list("member_id", flat=True)
        )
    return sorted(found)


def programme_edit_fan_out(
    *, edit_id: int, now: datetime | None = None, chunk_size: int = REPLAN_CHUNK
) -> int:
    """Split the members an edit reaches into chunks, once, and send one task per chunk after
    commit (workers take them in parallel). An edit already split, finished, or held by another
    worker right now is left alone. Returns how many chunks were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        edit = (
            ProgrammeEdit.objects.select_for_update(skip_locked=True)
            .filter(pk=edit_id, fanned_out_at__isnull=True, finished_at__isnull=True)
            .first()
        )
        if edit is None:
            return 0
        # The chunks read the programme as committed, whatever copy a process holds.
        programme_cache_invalidate()
        # Every member's own today is within a day of UTC's.
        member_ids = _members_reached(edit, from_day=now.date() - timedelta(days=1))
        chunks = ProgrammeEditChunk.objects.bulk_create(
            ProgrammeEditChunk(
                edit=edit, number=number, member_ids=member_ids[index : index + chunk_size]
            )
            for number, index in enumerate(range(0, len(member_ids), chunk_size))
        )
        edit.members = len(member_ids)
        edit.fanned_out_at = now
        if not chunks:
            edit.finished_at = timezone.now()
        edit.save(update_fields=["members", "fanned_out_at", "finished_at"])
        _send_chunks([chunk.pk for chunk in chunks], now=now)
    logger.info("Programme edit %s: %s members in %s chunks", edit_id, len(member_ids), len(chunks))
    return len(chunks)


@dataclass(frozen=True)
class ReplanChunk:
    members: int  # members replanned in this chunk (0: done before, or held by another worker)
    edit_finished: bool  # every chunk of the edit is done


def programme_edit_replan_chunk(*, chunk_id: int, now: datetime | None = None) -> ReplanChunk:
    """Replan one chunk's members, once: their plans and the chunk's `done_at` commit together,
    so a chunk killed part-way leaves nothing half-done and is sent again whole. A chunk already
    done, or held by another worker right now, is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the chunk's row only (not its edit, which every chunk shares).
        chunk = (
            ProgrammeEditChunk.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("edit")
            .filter(pk=chunk_id, done_at__isnull=True)
            .first()
        )
        if chunk is None:
            return ReplanChunk(members=0, edit_finished=_edit_progress(chunk_id=chunk_id))
        bundle = programme_build()
        members = members_replan_after_edit(
            member_ids=chunk.member_ids, edit=chunk.edit, bundle=bundle, now=now
        )
        chunk.done_at = timezone.now()
        chunk.members_replanned = members
        chunk.save(update_fields=["done_at", "members_replanned"])
    # After commit, so that of two chunks finishing together the later one sees both done.
    return ReplanChunk(members=members, edit_finished=_edit_progress(chunk_id=chunk_id))


def _edit_progress(*, chunk_id: int) -> bool:
    """The chunk's edit brought up to date: members replanned so far, and finished once no
    chunk is left. Returns whether it is finished."""
    edit_id = (
        ProgrammeEditChunk.objects.filter(pk=chunk_id).values_list("edit_id", flat=True).first()
    )
    if edit_id is None:
        return True
    chunks = ProgrammeEditChunk.objects.filter(edit_id=OuterRef("pk"))
    done = (
        chunks.filter(done_at__isnull=False)
        .order_by()
        .values("edit_id")
        .annotate(total=Sum("members_replanned"))
        .values("total")
    )
    ProgrammeEdit.objects.filter(pk=edit_id).update(members_replanned=Coalesce(done, 0))
    ProgrammeEdit.objects.filter(pk=edit_id, finished_at__isnull=True).exclude(
        Exists(chunks.filter(done_at__isnull=True))
    ).update(finished_at=timezone.now(), failed_at=None)
    return ProgrammeEdit.objects.filter(pk=edit_id, finished_at__isnull=False).exists()


def programme_edits_resume(*, now: datetime | None = None) -> int:
    """Send again what was lost: an edit never split into chunks although it was sent (the
    broker was down when it was recorded), and each chunk not done in its time (a worker killed,
    a time limit, a lost message), the wait doubling with each send. One sent MAX_SENDS times
    is marked failed instead (its edit too, for an operator: admin lists it) and not sent
    again. Returns how many tasks were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = list(
            ProgrammeEdit.objects.select_for_update(skip_locked=True)
            .filter(
                sends_overdue(now, wait=RESEND_AFTER, max_sends=MAX_SENDS),
                fanned_out_at__isnull=True,
                finished_at__isnull=True,
                failed_at__isnull=True,
            )
            .order_by("pk")
        )
        sent = 0
        for edit in stale:
            if edit.sends >= MAX_SENDS:
                edit.failed_at = now
                edit.save(update_fields=["failed_at"])
                logger.error(
                    "Programme edit %s (%s): never split into chunks after %s sends; left for "
                    "an operator",
                    edit.pk,
                    edit.summary,
                    edit.sends,
                )
                continue
            _send_edit(edit, now=now)
            sent += 1
        chunks = ProgrammeEditChunk.objects.filter(done_at__isnull=True, failed_at__isnull=True)
        chunks = chunks.filter(sends_overdue(now, wait=RESEND_AFTER, max_sends=MAX_SENDS))
        failed = list(chunks.filter(sends__gte=MAX_SENDS).values_list("pk", "edit_id"))
        if failed:
            ProgrammeEditChunk.objects.filter(pk__in=[pk for pk, _ in failed]).update(failed_at=now)
            ProgrammeEdit.objects.filter(
                pk__in={edit_id for _, edit_id in failed}, failed_at__isnull=True
            ).update(failed_at=now)
            logger.error(
                "Programme edits: %s chunks failed %s times and are left for an operator: %s",
                len(failed),
                MAX_SENDS,
                [pk for pk, _ in failed],
            )
        again = list(
            chunks.filter(sends__lt=MAX_SENDS)
            .order_by("edit_id", "number")
            .values_list("pk", flat=True)
        )
        _send_chunks(again, now=now)
        sent += len(again)
    if sent:
        logger.warning("Programme edits: sending %s unfinished replans again", sent)
    return sent


def members_replan_after_edit(
    *, member_ids: list[int], edit: ProgrammeEdit, bundle: ProgrammeBundle, now: datetime
) -> int:
    """The members of one chunk, each replanned after the edit; their user, enrolment and
    intake read for the whole chunk at once. A member gone since the split is skipped. Returns
    how many were replanned."""
    from backcore.accounts.models import User

    members = User.objects.select_related("profile").in_bulk(member_ids)
    enrolments = {
        row.member_id: row
        for row in Enrolment.objects.select_related("phase").filter(member_id__in=member_ids)
    }
    intakes = {row.member_id: row for row in Intake.objects.filter(member_id__in=member_ids)}
    replanned = 0
    for member_id in member_ids:
        member = members.get(member_id)
        if member is None:
            continue
        member_replan_after_edit(
            member=member,
            enrolment=enrolments.get(member_id),
            intake=intakes.get(member_id),
            edit=edit,
            bundle=bundle,
            now=now,
        )
        replanned += 1
    return replanned


def member_replan_after_edit(
    *,
    member,
    enrolment: Enrolment | None,
    intake: Intake | None,
    edit: ProgrammeEdit,
    bundle: ProgrammeBundle,
    now: datetime,
) -> None:
    """One member: this week's rise brought under a lowered cap, an easier variation withdrawn
    left for the harder exercise at its start dose, plans nobody has begun made again, and a
    session under way brought within the edited programme."""
    member_id = member.pk
    today = member_today(member, now=now)
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
