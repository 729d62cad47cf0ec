"""Bench data for the programme: intakes, enrolments, doses, weeks of logged sessions,
decisions and reminder settings. Registered with backcore.bench; bulk inserts only."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from backcore.bench import BATCH, BenchContext, analyze, register
from programs.choices import DecisionKind, SessionStatus
from programs.models import (
    Enrolment,
    Intake,
    MemberDose,
    Phase,
    PlannedItem,
    PlannedSession,
    PoolEntry,
    ProgressionDecision,
    ReminderSettings,
    SafetyScreen,
)

TRACKS = ["general"] * 6 + ["sciatica"] * 2 + ["active-ageing"] * 2
TIMEZONES = ["UTC", "Europe/London", "Europe/Berlin", "America/New_York", "Asia/Tokyo"]
ITEMS_PER_SESSION = 5


def _mask(rng) -> str:
    days = ["1"] * 7
    for day in rng.sample(range(7), rng.choice([0, 1, 2])):
        days[day] = "0"
    return "".join(days)


def _item(session_id, order, entry, rng, when) -> PlannedItem:
    hold, reps, sets = entry.start_hold_seconds, entry.start_reps, entry.start_sets
    done = rng.random() < 0.9
    return PlannedItem(
        session_id=session_id,
        order=order,
        exercise_id=entry.exercise_id,
        pool_exercise_id=entry.exercise_id,
        hold_seconds=hold,
        reps=reps,
        sets=sets,
        decision_kind=DecisionKind.HOLD,
        reason="Bench: same dose as last week.",
        actual_seconds=hold if done and hold else None,
        actual_reps=reps if done and reps else None,
        actual_sets=sets if done else None,
        target_met=True if done else None,
        completed_at=when if done else None,
    )


@register(order=10)
def programme(ctx: BenchContext) -> None:
    rng = ctx.rng
    phases = list(Phase.objects.order_by("order"))
    pools: dict[tuple[int, str], list[PoolEntry]] = {}
    for entry in PoolEntry.objects.order_by("order", "id"):
        pools.setdefault((entry.phase_id, entry.track), []).append(entry)
    now = timezone.now()
    intakes, enrolments, doses, screens, reminders = [], [], [], [], []
    plans: dict[int, tuple[str, list[PoolEntry], int]] = {}
    for member_id in ctx.member_ids:
        track = rng.choice(TRACKS)
        phase = phases[min(len(phases) - 1, int(rng.random() ** 2 * len(phases)))]
        entries = pools.get((phase.pk, track)) or pools.get((phase.pk, "general"), [])
        heavy = member_id == ctx.heavy_member_id
        # the heavy member trains every day: over 1,000 sessions at the default 1,100 days
        mask = "1111111" if heavy else _mask(rng)
        days = ctx.heavy_days if heavy else ctx.history_days
        intakes.append(
            Intake(
                member_id=member_id,
                pain_now=rng.randint(0, 6),
                pain_low_back=True,
                duration="over_12_weeks",
                age_band="40_54",
                activity_level="light",
                equipment=[],
                minutes_per_day=rng.choice([5, 10, 20]),
                training_days=mask,
                track=track,
                completed_at=now - timedelta(days=days),
            )
        )
        screens.append(SafetyScreen(member_id=member_id))
        weeks = min(days // 7, 12)
        enrolments.append(
            Enrolment(
                member_id=member_id,
                phase_id=phase.pk,
                phase_started_on=ctx.today - timedelta(days=days),
                track=track if (phase.pk, track) in pools else "general",
                weeks_in_phase=weeks,
            )
        )
        for entry in entries:
            doses.append(
                MemberDose(
                    member_id=member_id,
                    exercise_id=entry.exercise_id,
                    hold_seconds=entry.start_hold_seconds,
                    reps=entry.start_reps,
                    sets=entry.start_sets,
                    kind=DecisionKind.START,
                    reason="Bench: a first dose.",
                )
            )
        if rng.random() < 0.6:
            reminders.append(
                ReminderSettings(
                    member_id=member_id,
                    enabled=True,
                    local_time=time(rng.randint(5, 21), rng.choice(range(0, 60, 5))),
                    timezone=rng.choice(TIMEZONES),
                )
            )
        plans[member_id] = (mask, entries[:ITEMS_PER_SESSION], days, phase.pk)
    for model, rows in (
        (Intake, intakes),
        (SafetyScreen, screens),
        (Enrolment, enrolments),
        (MemberDose, doses),
        (ReminderSettings, reminders),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH)
    ctx.say(f"  {len(enrolments)} enrolments, {len(doses)} doses, {len(reminders)} reminders on")
    _history(ctx, plans)
    analyze(Intake, Enrolment, MemberDose, PlannedSession, PlannedItem, ProgressionDecision)
    _progress_totals(ctx)


def _progress_totals(ctx: BenchContext) -> None:
    """Progress's stored totals up to each member's charts, as the roll task leaves them."""
    from programs.selectors.progress import charted_weeks, first_day
    from programs.selectors.sessions import member_today
    from programs.services.progress_totals import progress_totals_roll

    enrolments = Enrolment.objects.filter(member_id__in=ctx.member_ids).select_related(
        "member__profile"
    )
    for enrolment in enrolments.iterator(chunk_size=BATCH):
        member = enrolment.member
        weeks = charted_weeks(
            today=member_today(member), since=first_day(member=member, enrolment=enrolment)
        )
        progress_totals_roll(member_id=member.pk, through_week=weeks[0])
    ctx.say(f"  progress totals stored for {len(ctx.member_ids)} members")


def _history(ctx: BenchContext, plans) -> None:
    """Sessions before today: most done, some skipped; items logged as the player saves them."""
    rng = ctx.rng
    sessions_total = items_total = decisions_total = 0
    pending: list[tuple[PlannedSession, list[PoolEntry]]] = []
    decisions: list[ProgressionDecision] = []

    def flush() -> None:
        nonlocal sessions_total, items_total
        created = PlannedSession.objects.bulk_create([s for s, _ in pending], batch_size=BATCH)
        items = []
        for session, (_, entries) in zip(created, pending, strict=True):
            when = datetime.combine(
                session.date, time(18, 0), tzinfo=timezone.get_current_timezone()
            )
            if session.status != SessionStatus.COMPLETED:
                continue
            items += [_item(session.pk, n, e, rng, when) for n, e in enumerate(entries)]
        PlannedItem.objects.bulk_create(items, batch_size=BATCH)
        sessions_total += len(created)
        items_total += len(items)
        pending.clear()

    for member_id, (mask, entries, days, phase_id) in plans.items():
        for offset in range(days, 0, -1):
            day = ctx.today - timedelta(days=offset)
            if mask[day.weekday()] != "1":
                continue
            done = rng.random() < 0.85
            pain = rng.choice([0, 1, 2, 2, 3, 3, 4, 5])
            session = PlannedSession(
                member_id=member_id,
                date=day,
                phase_id=phase_id,
                status=SessionStatus.COMPLETED if done else SessionStatus.SKIPPED,
                estimated_seconds=600,
                completed_at=datetime.combine(
                    day, time(18, 30), tzinfo=timezone.get_current_timezone()
                )
                if done
                else None,
                pain_during=pain if done else None,
                effort=rng.randint(3, 7) if done else None,
                morning_pain=pain if done else None,
            )
            pending.append((session, entries))
            if day.weekday() == 0:
                decisions += [
                    ProgressionDecision(
                        member_id=member_id,
                        week_start=day,
                        exercise_id=e.exercise_id,
                        kind=DecisionKind.HOLD,
                        reason="Bench: a steady week; the dose holds.",
                    )
                    for e in entries
                ]
            if len(pending) >= BATCH:
                flush()
        if len(decisions) >= BATCH:
            ProgressionDecision.objects.bulk_create(decisions, batch_size=BATCH)
            decisions_total += len(decisions)
            decisions.clear()
    flush()
    ProgressionDecision.objects.bulk_create(decisions, batch_size=BATCH)
    decisions_total += len(decisions)
    ctx.facts["sessions"] = sessions_total
    ctx.facts["logged items"] = items_total
    ctx.facts["progression decisions"] = decisions_total
    ctx.say(f"  {sessions_total} sessions, {items_total} items, {decisions_total} decisions")
