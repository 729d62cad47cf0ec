"""The weekly progression run: members in chunks, each chunk read and written set-based.

A run splits the members to review into chunks (ProgressionRun / ProgressionRunChunk). Each
chunk is one Celery task and one transaction: it locks its enrolments, reads every table once
for the whole chunk, runs the engine per member and writes each table in one statement. Chunks
run in parallel on as many workers as there are; a chunk that was killed (time limit, lost
worker) leaves no trace and is sent again by the next hourly tick, so a run always finishes.
Reviewing a member twice changes nothing: the engine skips a week already reviewed and
decisions are unique per member, week and exercise.
"""

import logging
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from backcore.bulk import InArray, gc_paused, rows_fetch, rows_insert, rows_update
from backcore.dispatch import send_on_commit, sends_overdue
from programs import engine
from programs.choices import EnrolmentStatus, EscalationKind, SessionStatus
from programs.models import (
    Enrolment,
    Intake,
    MemberDose,
    Milestone,
    MilestoneKind,
    PlannedSession,
    ProgressionDecision,
    ProgressionRun,
    ProgressionRunChunk,
)
from programs.selectors.member import (
    history_records,
    member_state,
    pain_light,
    sessions_for_members,
    week_start_of,
)
from programs.selectors.programme import ProgrammeBundle, dose_of, programme_build
from programs.selectors.sessions import member_today, zone_named
from programs.selectors.weekly import (
    EnrolmentRow,
    IntakeRow,
    LocalDates,
    MemberHistory,
    dose_rows_for_members,
    histories_for_members,
    member_history,
    run_totals,
)
from programs.services.escalation import escalations_record
from programs.services.milestones import WeekReviewed, milestones_after_weekly_review
from programs.services.planning import (
    DECISION_VALUE_FIELDS,
    DOSE_FIELDS,
    decision_value_row,
    dose_value_row,
    doses_store,
    plans_discard_untouched,
)

logger = logging.getLogger(__name__)
# A chunk is one task: at a few ms a member even on a loaded machine, far inside the 60 s soft
# limit, and small enough that two workers share a run evenly.
CHUNK_SIZE = 500
# A chunk sent this long ago and not done was lost (killed worker, time limit, lost message).
# Each further send waits twice as long; after MAX_SENDS a chunk is marked failed for an
# operator instead (admin: weekly runs), so a chunk that fails every time is not sent forever.
RESEND_AFTER = timedelta(minutes=15)
MAX_SENDS = 5


def _overdue(now: datetime) -> Q:
    """Chunks whose last send has had its time: RESEND_AFTER, doubled for each send before."""
    return sends_overdue(now, wait=RESEND_AFTER, max_sends=MAX_SENDS)


@dataclass
class WeeklyRunResult:
    members_reviewed: int = 0
    already_reviewed: int = 0
    decisions_written: int = 0
    advanced: int = 0
    stepped_back: int = 0

    def add(self, other: "WeeklyRunResult") -> None:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


_DECISION_FIELDS = ("member_id", "week_start", "exercise_id", *DECISION_VALUE_FIELDS, "created_at")
_DOSE_WRITE = ("member_id", "exercise_id", *DOSE_FIELDS, "updated_at")
_ENROLMENT_WRITE = (
    "phase_id",
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
)


class ChunkInputs(NamedTuple):
    """What a chunk reads, one query per table: its locked enrolments (with their intake
    answers, timezone and whether a first green week is theirs), doses and histories."""

    enrolments: list[EnrolmentRow]
    intakes: dict[int, IntakeRow]
    doses: dict[int, list]
    histories: dict[int, MemberHistory]
    week_start: date


class ChunkRows(NamedTuple):
    """What a chunk writes, as plain rows (one statement per table)."""

    decisions: list[tuple]
    doses: list[tuple]
    enrolments: list[tuple]
    reviewed: list[WeekReviewed]
    escalated: dict[int, tuple]
    result: WeeklyRunResult


def chunk_inputs(*, enrolment_ids: list[int], week_start: date, bundle: ProgrammeBundle):
    """Lock and read a chunk: four queries whatever its size."""
    # The enrolments (locked), with what the review reads beside them: the member's timezone,
    # intake answers and whether a first green week is already theirs, in one query.
    # Plain rows (no model instances): the enrolment's columns, then the intake's.
    own = EnrolmentRow._fields[:-1]
    rows = rows_fetch(
        Enrolment.objects.select_for_update(of=("self",))
        .filter(InArray(F("pk"), enrolment_ids), status=EnrolmentStatus.ACTIVE)
        .annotate(
            zone=F("member__profile__timezone"),
            had_green_week=Exists(
                Milestone.objects.filter(
                    member_id=OuterRef("member_id"), kind=MilestoneKind.GREEN_WEEK
                )
            ),
            **{f"intake_{name}": F(f"member__intake__{name}") for name in IntakeRow._fields},
        )
        .order_by("pk")
        .values_list(*own, *(f"intake_{name}" for name in IntakeRow._fields))
    )
    phases_by_id = {phase.pk: phase for phase in bundle.phases_by_slug.values()}
    enrolments = [EnrolmentRow(*row[: len(own)], phases_by_id.get(row[2])) for row in rows]
    intakes = {
        row[1]: IntakeRow._make(row[len(own) :]) for row in rows if row[len(own)] is not None
    }
    member_ids = [enrolment.member_id for enrolment in enrolments]
    doses = dose_rows_for_members(member_ids=member_ids)
    start, end = engine.review_window(week_start)
    histories = histories_for_members(
        member_ids=member_ids, start=start, end=end, slugs_by_id=bundle.slugs_by_id
    )
    return ChunkInputs(enrolments, intakes, doses, histories, week_start)


def engine_inputs_of(inputs: ChunkInputs, *, bundle: ProgrammeBundle, now: datetime):
    """(enrolment, engine state, history) for each member of the chunk with an intake."""
    start, end = engine.review_window(inputs.week_start)
    local = LocalDates(now)
    for enrolment in inputs.enrolments:
        intake = inputs.intakes.get(enrolment.member_id)
        if intake is None:
            continue
        state = member_state(
            bundle=bundle,
            intake=intake,
            enrolment=enrolment,
            doses=inputs.doses.get(enrolment.member_id, ()),
        )
        history = member_history(
            inputs.histories.get(enrolment.member_id),
            training_weekdays=intake.training_weekdays,
            start=start,
            # Never count the member's own future days as missed.
            end=min(end, local.today(enrolment.zone) + timedelta(days=1)),
            enrolled_on=enrolment.phase_started_on,
        )
        yield enrolment, state, history


def rows_of(
    members: list[tuple], weeks: list[engine.WeekResult], *, bundle, week_start: date, now
) -> ChunkRows:
    """The rows to write for each member's reviewed week (`members` as engine_inputs_of gives
    them, `weeks` the engine's results in the same order)."""
    out = ChunkRows([], [], [], [], {}, WeeklyRunResult())
    result = out.result
    week_end = week_start + timedelta(days=7)  # the week the new doses apply to
    for (enrolment, _state, history), week in zip(members, weeks, strict=True):
        if week.already_reviewed:
            result.already_reviewed += 1
            continue
        result.members_reviewed += 1
        for decision in week.decisions:
            exercise_id = bundle.exercise_ids.get(decision.exercise)
            if exercise_id is None:
                continue
            member_id = enrolment.member_id
            out.decisions.append(
                (member_id, week_end, exercise_id, *decision_value_row(decision), now)
            )
            out.doses.append((member_id, exercise_id, *dose_value_row(decision, bundle), now))
        phase = enrolment.phase
        phase_started_on = enrolment.phase_started_on
        new_phase = bundle.phases_by_slug[week.state.phase]
        reached = None  # the phase moved on to: a milestone
        if new_phase.pk != phase.pk:
            moved_on = new_phase.order > phase.order
            result.advanced += moved_on
            result.stepped_back += not moved_on
            phase_started_on = week_end
            reached = new_phase if moved_on else None
        out.reviewed.append(
            WeekReviewed(enrolment.member_id, history, reached_phase=reached, review=week.review)
        )
        out.enrolments.append(
            (
                enrolment.pk,
                new_phase.pk,
                phase_started_on,
                # the safety gate stops every channel until a clearance is recorded
                EnrolmentStatus.PAUSED_FOR_PAIN if week.paused else enrolment.status,
                week.state.weeks_in_phase,
                week.state.weeks_away,
                week.state.red_weeks,
                week.state.red_weeks_at_floor,
                week.state.weeks_trained,
                week.state.last_reviewed_week or week_start,
                week_end if week.contact_coach else enrolment.contact_coach_suggested_on,
                now,
            )
        )
        if week.escalations:
            out.escalated[enrolment.member_id] = week.escalations
    return out


def _review_chunk(
    *, enrolment_ids: list[int], week_start: date, bundle: ProgrammeBundle, now: datetime
) -> WeeklyRunResult:
    """Review the week from `week_start` for these enrolments: a fixed number of queries for
    the chunk (one read per table, one write per table), whatever its size."""
    inputs = chunk_inputs(enrolment_ids=enrolment_ids, week_start=week_start, bundle=bundle)
    members = list(engine_inputs_of(inputs, bundle=bundle, now=now))
    weeks = [
        engine.progress_week(state, bundle.programme, history, week_start)
        for _enrolment, state, history in members
    ]
    rows = rows_of(members, weeks, bundle=bundle, week_start=week_start, now=now)
    result = rows.result
    result.decisions_written = rows_insert(
        ProgressionDecision, fields=_DECISION_FIELDS, rows=rows.decisions, conflict=()
    )
    rows_insert(
        MemberDose,
        fields=_DOSE_WRITE,
        rows=rows.doses,
        conflict=("member_id", "exercise_id"),
        update=(*DOSE_FIELDS, "updated_at"),
    )
    rows_update(Enrolment, fields=_ENROLMENT_WRITE, rows=rows.enrolments)
    reviewed = rows.reviewed
    milestones_after_weekly_review(
        week_start=week_start,
        reviewed=reviewed,
        had_green_week={e.member_id for e in inputs.enrolments if e.had_green_week},
    )
    if reviewed:
        # New doses (or a new phase) from the week after: plans nobody has begun are made
        # again from them (by the hourly planning, or Today's first visit).
        plans_discard_untouched(
            member_ids=[row.member_id for row in reviewed], from_day=week_start + timedelta(days=7)
        )
    if rows.escalated:
        from backcore.accounts.models import User

        members = User.objects.select_related("profile").in_bulk(list(rows.escalated))
        for member_id, escalations in rows.escalated.items():
            # A session at 8/10 already told a coach when it was logged; record, don't repeat.
            escalations_record(
                member=members[member_id],
                escalations=escalations,
                alert_kinds=set(EscalationKind) - {EscalationKind.SEVERE_SESSION},
            )
    return result


def _active_enrolments():
    return Enrolment.objects.filter(
        status=EnrolmentStatus.ACTIVE, member__intake__completed_at__isnull=False
    )


def last_local_week(*, member, now) -> date:
    """The Monday of the last full week in the member's own timezone."""
    today = member_today(member, now=now)
    return week_start_of(today) - timedelta(days=7)


def _in_flight() -> set[int]:
    """Enrolments in chunks not done yet: a new run leaves them to the run that has them."""
    ids: set[int] = set()
    pending = ProgressionRunChunk.objects.filter(done_at__isnull=True)
    for chunk_ids in pending.values_list("enrolment_ids", flat=True):
        ids.update(chunk_ids)
    return ids


def _due_by_week(*, now: datetime) -> dict[date, list[int]]:
    """Active members whose own last week has ended by `now` and is not reviewed yet, by week:
    one query for the timezones in use, then one per week (members far apart in time can be a
    week apart), each a range scan in SQL rather than a loop over every member."""
    zones = (
        _active_enrolments()
        .order_by()
        .values_list("member__profile__timezone", flat=True)
        .distinct()
    )
    by_week: dict[date, list[str | None]] = {}
    for zone in zones:
        today = timezone.localtime(now, zone_named(zone)).date()
        by_week.setdefault(week_start_of(today) - timedelta(days=7), []).append(zone)
    due: dict[date, list[int]] = {}
    in_flight = _in_flight()
    for week, names in sorted(by_week.items()):
        in_zone = Q(member__profile__timezone__in=[n for n in names if n is not None])
        if None in names:
            in_zone |= Q(member__profile__isnull=True)
        ids = (
            _active_enrolments()
            .filter(in_zone)
            .filter(Q(last_reviewed_week__isnull=True) | Q(last_reviewed_week__lt=week))
            # a week that ended before they started (or before this phase began) is not theirs
            .filter(phase_started_on__lt=week + timedelta(days=7))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ids = [pk for pk in ids if pk not in in_flight]
        if ids:
            due[week] = ids
    return due


def _run_create(
    *, by_week: dict[date, list[int]], chunk_size: int, due_at=None, week_start=None
) -> tuple[ProgressionRun, list[ProgressionRunChunk]]:
    run = ProgressionRun.objects.create(
        due_at=due_at, week_start=week_start, members=sum(len(ids) for ids in by_week.values())
    )
    chunks = []
    for week, ids in sorted(by_week.items()):
        for index in range(0, len(ids), chunk_size):
            chunks.append(
                ProgressionRunChunk(
                    run=run,
                    number=len(chunks),
                    week_start=week,
                    enrolment_ids=ids[index : index + chunk_size],
                )
            )
    return run, ProgressionRunChunk.objects.bulk_create(chunks)


def _send(chunk_ids: list[int], *, now: datetime) -> None:
    ProgressionRunChunk.objects.filter(pk__in=chunk_ids).update(sent_at=now, sends=F("sends") + 1)
    for pk in chunk_ids:
        send_on_commit("programs.tasks.progression_review_chunk", pk)


@transaction.atomic
def progression_run_start(
    *, now: datetime | None = None, week_start: date | None = None, chunk_size: int = CHUNK_SIZE
) -> ProgressionRun | None:
    """Start a run and send one task per chunk after commit (workers take them in parallel).

    Without `week_start`: every active member whose own week (Monday to Sunday in their
    timezone) has ended by `now` and is not reviewed yet, except members a run still has in
    hand. With `week_start` (a Monday): that week for every active member. None when there is
    nobody to review."""
    now = now or timezone.now()
    if week_start is None:
        by_week = _due_by_week(now=now)
    else:
        ids = list(_active_enrolments().order_by("pk").values_list("pk", flat=True))
        by_week = {week_start: ids} if ids else {}
    if not by_week:
        return None
    run, chunks = _run_create(
        by_week=by_week,
        chunk_size=chunk_size,
        due_at=now if week_start is None else None,
        week_start=week_start,
    )
    _send([chunk.pk for chunk in chunks], now=now)
    logger.info("Weekly run %s: %s members in %s chunks", run.pk, run.members, len(chunks))
    return run


def progression_run_chunk(*, chunk_id: int, now: datetime | None = None) -> WeeklyRunResult:
    """Review one chunk, once: its writes and its `done_at` commit together. A chunk already
    done, or held by another worker right now, is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        # Lock the chunk's row only (not its run, which every chunk shares): two workers take
        # two chunks at once, and a second copy of the same chunk skips it.
        chunk = (
            ProgressionRunChunk.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=chunk_id, done_at__isnull=True)
            .order_by()
            .first()
        )
        if chunk is None:
            return WeeklyRunResult()
        with gc_paused():
            result = _review_chunk(
                enrolment_ids=chunk.enrolment_ids,
                week_start=chunk.week_start,
                bundle=programme_build(),
                now=now,
            )
        chunk.done_at = timezone.now()
        for field in fields(result):
            setattr(chunk, field.name, getattr(result, field.name))
        chunk.save(update_fields=["done_at", *(field.name for field in fields(result))])
    # After commit, so that of two chunks finishing together the later one sees both done.
    ProgressionRun.objects.filter(pk=chunk.run_id, finished_at__isnull=True).exclude(
        Exists(ProgressionRunChunk.objects.filter(run=OuterRef("pk"), done_at__isnull=True))
    ).update(finished_at=timezone.now())
    return result


def progression_runs_resume(*, now: datetime | None = None) -> int:
    """Send again each chunk not done although it was sent long enough ago (or never): its
    worker was killed or hit its time limit, or the message was lost. The wait doubles with each
    send; a chunk sent MAX_SENDS times is marked failed instead and left for an operator.
    Returns how many were sent."""
    now = now or timezone.now()
    with transaction.atomic():
        stale = ProgressionRunChunk.objects.filter(done_at__isnull=True, failed_at__isnull=True)
        stale = stale.filter(_overdue(now))
        failed = list(stale.filter(sends__gte=MAX_SENDS).values_list("pk", flat=True))
        if failed:
            ProgressionRunChunk.objects.filter(pk__in=failed).update(failed_at=now)
            logger.error(
                "Weekly run: %s chunks failed %s times and are left for an operator: %s",
                len(failed),
                MAX_SENDS,
                failed,
            )
        again = list(
            stale.filter(sends__lt=MAX_SENDS)
            .order_by("run_id", "number")
            .values_list("pk", flat=True)
        )
        if again:
            logger.warning("Weekly run: sending %s unfinished chunks again", len(again))
            _send(again, now=now)
    return len(again)


@transaction.atomic
def progression_chunks_retry(*, chunk_ids: list[int], now: datetime | None = None) -> int:
    """An operator retries failed chunks (the cause fixed): sent now, with a fresh count."""
    retry = list(
        ProgressionRunChunk.objects.filter(
            pk__in=chunk_ids, done_at__isnull=True, failed_at__isnull=False
        ).values_list("pk", flat=True)
    )
    ProgressionRunChunk.objects.filter(pk__in=retry).update(failed_at=None, sends=0)
    _send(retry, now=now or timezone.now())
    return len(retry)


def progression_run_week(
    *, week_start: date, chunk_size: int = CHUNK_SIZE, now: datetime | None = None
) -> WeeklyRunResult:
    """Review the week from `week_start` (a Monday) for every active member, here and now,
    chunk after chunk (for scripts, the admin and tests; the hourly task sends chunks to
    workers instead). Safe to run twice."""
    now = now or timezone.now()
    result = WeeklyRunResult()
    ids = list(_active_enrolments().order_by("pk").values_list("pk", flat=True))
    if not ids:
        return result
    with transaction.atomic():
        run, chunks = _run_create(
            by_week={week_start: ids}, chunk_size=chunk_size, week_start=week_start
        )
    for chunk in chunks:
        result.add(progression_run_chunk(chunk_id=chunk.pk, now=now))
    logger.info("Weekly progression for %s: %s", week_start, result)
    return result


def progression_run_result(*, run: ProgressionRun) -> WeeklyRunResult:
    return WeeklyRunResult(**run_totals(run_id=run.pk))


_LIGHT_RANK = {"green": 0, "amber": 1, "red": 2}


@transaction.atomic
def progression_after_report(*, session: PlannedSession, was=None) -> engine.WeekResult | None:
    """Pain reported after the fact (a late log, a next-morning check-in): record what it
    escalates now, and when its week was already reviewed, act on the next session at once.

    Acts only when the session's light got worse than `was` (its light before this report), so
    answering twice never eases twice. Returns the engine's result when doses changed."""
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
