"""The weekly run in chunks: the same result however it is cut, a killed chunk is sent again and
finishes the run, a chunk run twice changes nothing, and the reads use their indexes."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs import engine
from programs.models import (
    Enrolment,
    Intake,
    MemberDose,
    Phase,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
    ProgressionRunChunk,
)
from programs.selectors import programme_build
from programs.selectors.member import (
    HISTORY_DAYS,
    history_records,
    member_state,
    sessions_for_members,
)
from programs.selectors.weekly import dose_rows_for_members, histories_for_members
from programs.services import plan_day, progression_run_week
from programs.services import progression as progression_service
from programs.services.progression import (
    RESEND_AFTER,
    progression_run_chunk,
    progression_run_result,
    progression_run_start,
)
from programs.tasks import weekly_progression
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db
WEEK = date(2026, 11, 16)  # a Monday
NEXT_WEEK = WEEK + timedelta(days=7)
UTC = ZoneInfo("UTC")
# (pain during, morning pain, sessions done of those planned): green, amber, red, half done
WEEKS = [(1, 1, 1.0), (4, 4, 1.0), (7, 7, 1.0), (2, None, 0.5), (0, 0, 1.0), (6, 3, 1.0)]


def members_with_mixed_weeks(count: int) -> list:
    members = []
    second = Phase.objects.order_by("order")[1]
    for index in range(count):
        member = MemberFactory()
        enrol(member, today=WEEK - timedelta(days=7), training_days="1101011")
        if index % 3 == 2:
            Enrolment.objects.filter(member=member).update(phase=second, weeks_in_phase=3)
        pain, morning, share = WEEKS[index % len(WEEKS)]
        days = [WEEK - timedelta(days=7) + timedelta(days=n) for n in range(14)]
        for day in days:
            plan_day(member=member, day=day)
        sessions = list(
            PlannedSession.objects.filter(member=member, is_rest_day=False).order_by("date")
        )
        done = sessions[: max(1, round(len(sessions) * share))]
        PlannedSession.objects.filter(pk__in=[s.pk for s in done]).update(
            status="completed", pain_during=pain, effort=5, morning_pain=morning, pain_before=1
        )
        PlannedItem.objects.filter(session__in=done).update(
            completed_at=timezone.now(), target_met=index % 5 != 2
        )
        members.append(member)
    return members


def outcome() -> dict:
    """Everything the run writes, without ids or timestamps."""
    return {
        "decisions": sorted(
            ProgressionDecision.objects.filter(week_start=NEXT_WEEK).values_list(
                "member_id",
                "exercise_id",
                "kind",
                "reason",
                "before_hold_seconds",
                "before_reps",
                "before_sets",
                "after_hold_seconds",
                "after_reps",
                "after_sets",
            )
        ),
        "doses": sorted(
            MemberDose.objects.values_list(
                "member_id",
                "exercise_id",
                "hold_seconds",
                "reps",
                "sets",
                "variation_id",
                "kind",
                "reason",
                "weeks_at_dose",
            )
        ),
        "enrolments": sorted(
            Enrolment.objects.values_list(
                "member_id",
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
            )
        ),
    }


def run_and_roll_back(**kwargs) -> tuple[dict, object]:
    with transaction.atomic():
        result = progression_run_week(week_start=WEEK, **kwargs)
        written = outcome()
        transaction.set_rollback(True)
    return written, result


def test_the_same_result_in_chunks_of_any_size(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 3, tzinfo=UTC))
    members_with_mixed_weeks(9)
    one_batch, result = run_and_roll_back(chunk_size=100)
    assert result.members_reviewed == 9 and result.decisions_written > 0
    assert result.stepped_back >= 1  # the red weeks in the second phase step back
    for size in (1, 2, 4):
        chunked, chunked_result = run_and_roll_back(chunk_size=size)
        assert chunked == one_batch
        assert chunked_result == result


def test_chunk_reads_give_the_engine_what_the_member_pages_read(time_machine):
    # The chunk reads plain rows for two weeks; the pages read model instances for four.
    time_machine.move_to(datetime(2026, 11, 23, 3, tzinfo=UTC))
    members = members_with_mixed_weeks(6)
    bundle = programme_build()
    ids = [member.pk for member in members]
    start, end = engine.review_window(WEEK)
    rows = histories_for_members(
        member_ids=ids, start=start, end=end, slugs_by_id=bundle.slugs_by_id
    )
    week_end = WEEK + timedelta(days=7)
    sessions = sessions_for_members(
        member_ids=ids, start=week_end - timedelta(days=HISTORY_DAYS), end=week_end
    )
    expected = {}
    for member in members:
        enrolment = Enrolment.objects.select_related("phase").get(member=member)
        intake = Intake.objects.get(member=member)
        state = member_state(
            bundle=bundle,
            intake=intake,
            enrolment=enrolment,
            doses=MemberDose.objects.filter(member=member),
        )
        history = history_records(
            sessions=sessions[member.pk],
            slugs_by_id=bundle.slugs_by_id,
            training_weekdays=intake.training_weekdays,
            start=week_end - timedelta(days=HISTORY_DAYS),
            end=week_end,
            enrolled_on=enrolment.phase_started_on,
        )
        in_window = [r for r in history if start <= r.day < end]
        assert sorted(rows[member.pk].records.values(), key=lambda r: r.day) == [
            r for r in in_window if r.day in rows[member.pk].records
        ]
        expected[member.pk] = engine.progress_week(state, bundle.programme, history, WEEK)
    progression_run_week(week_start=WEEK)
    for member in members:
        stored = {
            (row.exercise_id, row.kind, row.reason)
            for row in ProgressionDecision.objects.filter(member=member, week_start=NEXT_WEEK)
        }
        assert stored == {
            (bundle.exercise_ids[d.exercise], d.kind.value, d.reason[:500])
            for d in expected[member.pk].decisions
        }


def test_a_killed_chunk_is_sent_again_and_the_run_finishes(time_machine, monkeypatch):
    time_machine.move_to(datetime(2026, 11, 23, 3, tzinfo=UTC))
    members_with_mixed_weeks(5)
    with TestCase.captureOnCommitCallbacks(execute=False) as sends:
        run = progression_run_start(week_start=WEEK, chunk_size=2)
    assert len(sends) == 3  # one task per chunk, sent once the run is committed
    chunks = list(run.chunks.order_by("number"))
    assert progression_run_chunk(chunk_id=chunks[0].pk).members_reviewed == 2

    real = engine.progress_week
    calls = {"n": 0}

    def dies_on_the_second_member(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("worker killed")  # a hard time limit or a lost worker
        return real(*args, **kwargs)

    monkeypatch.setattr(progression_service.engine, "progress_week", dies_on_the_second_member)
    with pytest.raises(SystemExit):
        progression_run_chunk(chunk_id=chunks[1].pk)
    monkeypatch.setattr(progression_service.engine, "progress_week", real)
    # Nothing of the killed chunk was kept: its first member is not half reviewed.
    killed = Enrolment.objects.filter(pk__in=chunks[1].enrolment_ids)
    assert not killed.filter(last_reviewed_week=WEEK).exists()
    run.refresh_from_db()
    assert run.finished_at is None
    assert progression_run_result(run=run).members_reviewed == 2

    # A tick soon after: the chunks not done may still be on their way, so nothing is sent
    # again and the members they hold are not put in a second run.
    time_machine.move_to(datetime(2026, 11, 23, 3, 5, tzinfo=UTC))
    with TestCase.captureOnCommitCallbacks(execute=False) as sends:
        started = weekly_progression.delay().get()
    assert started["resent"] == 0 and started["run"] is None and sends == []

    # Later on, the chunks not done are sent again and the run finishes.
    time_machine.move_to(datetime(2026, 11, 23, 3, tzinfo=UTC) + RESEND_AFTER * 2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = weekly_progression.delay().get()
    assert started["resent"] == 2
    run.refresh_from_db()
    assert run.finished_at is not None
    assert progression_run_result(run=run).members_reviewed == 5
    assert Enrolment.objects.filter(last_reviewed_week=WEEK).count() == 5
    assert list(run.chunks.order_by("number").values_list("sends", flat=True)) == [1, 2, 2]


def test_a_chunk_run_twice_changes_nothing(time_machine):
    time_machine.move_to(datetime(2026, 11, 23, 3, tzinfo=UTC))
    members_with_mixed_weeks(3)
    with TestCase.captureOnCommitCallbacks(execute=False):
        run = progression_run_start(week_start=WEEK)
    [chunk] = run.chunks.all()
    first = progression_run_chunk(chunk_id=chunk.pk)
    written = outcome()
    again = progression_run_chunk(chunk_id=chunk.pk)  # a duplicate message
    assert first.members_reviewed == 3 and again.members_reviewed == 0
    assert outcome() == written
    # A new run for the same week reviews nobody twice.
    second = progression_run_week(week_start=WEEK)
    assert second.members_reviewed == 0 and second.already_reviewed == 3
    assert outcome() == written


def test_a_due_run_takes_each_member_once_their_own_week_has_ended(time_machine):
    time_machine.move_to(datetime(2026, 11, 16, 12, tzinfo=UTC))
    tokyo, new_york = MemberFactory(), MemberFactory()
    for member, zone in ((tokyo, "Asia/Tokyo"), (new_york, "America/New_York")):
        member.profile.timezone = zone
        member.profile.save(update_fields=["timezone"])
        enrol(member, today=WEEK)
    # Monday 02:00 UTC: Monday 11:00 in Tokyo, still Sunday evening in New York.
    time_machine.move_to(datetime(2026, 11, 23, 2, tzinfo=UTC))
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = progression_run_start()
    assert first.members == 1
    assert Enrolment.objects.get(member=tokyo).last_reviewed_week == WEEK
    assert Enrolment.objects.get(member=new_york).last_reviewed_week is None
    time_machine.move_to(datetime(2026, 11, 23, 6, tzinfo=UTC))
    with TestCase.captureOnCommitCallbacks(execute=True):
        second = progression_run_start()
    assert second.members == 1
    assert Enrolment.objects.get(member=new_york).last_reviewed_week == WEEK
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert progression_run_start() is None


@pytest.mark.postgres
def test_postgres_chunk_reads_and_resume_use_indexes(time_machine):
    # The reads as a chunk runs them (ids as one array parameter): the logged exercises are
    # found by their sessions' ids, so the items table (the largest) is walked through its
    # session index at any size, never joined to the sessions and scanned.
    time_machine.move_to(datetime(2026, 11, 23, 3, tzinfo=UTC))
    ids = [member.pk for member in members_with_mixed_weeks(2)]
    bundle = programme_build()
    start, end = engine.review_window(WEEK)
    with CaptureQueriesContext(connection) as reads:
        histories_for_members(member_ids=ids, start=start, end=end, slugs_by_id=bundle.slugs_by_id)
        dose_rows_for_members(member_ids=ids)
    sessions, items, doses = (query["sql"] for query in reads)
    assert "= ANY(" in sessions and "= ANY(" in items and "= ANY(" in doses
    assert "programs_plannedsession" not in items
    resume = ProgressionRunChunk.objects.filter(done_at__isnull=True, sent_at__lt=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = {}
        for table, sql in (
            ("programs_plannedsession", sessions),
            ("programs_planneditem", items),
            ("programs_memberdose", doses),
        ):
            cursor.execute(f"EXPLAIN {sql}")
            plans[table] = "\n".join(row[0] for row in cursor.fetchall())
        plans["programs_progressionrunchunk"] = resume.explain()
    for table, plan in plans.items():
        assert f"Seq Scan on {table}" not in plan, plan
    assert "planneditem_session" in plans["programs_planneditem"] or (
        "planned_item_unique_order" in plans["programs_planneditem"]
    )
    assert "run_chunk_pending" in plans["programs_progressionrunchunk"]


@pytest.mark.postgres
def test_postgres_weekly_writes_touch_no_redundant_index():
    # Every decision row inserted and every dose rewritten each week maintains each index of
    # its table: none may be a leading part of another (the unique constraints serve reads by
    # member), and doses leave room on their pages so a rewrite touches no index at all.
    with connection.cursor() as cursor:
        for table in ("programs_memberdose", "programs_progressiondecision"):
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, i.indkey::text, i.indpred IS NOT NULL
                FROM pg_index i WHERE i.indrelid = %s::regclass
                """,
                [table],
            )
            indexes = [(name, keys.split(), partial) for name, keys, partial in cursor.fetchall()]
            for name, keys, partial in indexes:
                for other, other_keys, _ in indexes:
                    if other != name and not partial and other_keys[: len(keys)] == keys:
                        raise AssertionError(f"{name} is a leading part of {other}")
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'programs_memberdose'")
        assert "fillfactor=70" in cursor.fetchone()[0]


@pytest.mark.postgres
def test_postgres_a_chunk_locks_its_own_row_only(time_machine):
    # Chunks of one run are taken by several workers at once: locking the shared run row (as
    # a join for the default ordering would) made every other chunk skip itself as "taken".
    time_machine.move_to(datetime(2026, 11, 23, 3, tzinfo=UTC))
    members_with_mixed_weeks(2)
    with TestCase.captureOnCommitCallbacks(execute=False):
        run = progression_run_start(week_start=WEEK, chunk_size=1)
    with CaptureQueriesContext(connection) as queries:
        progression_run_chunk(chunk_id=run.chunks.order_by("number")[0].pk)
    [lock] = [q["sql"] for q in queries if "SKIP LOCKED" in q["sql"]]
    assert 'programs_progressionrun"' not in lock.split("FOR UPDATE")[0]
    assert 'FOR UPDATE OF "programs_progressionrunchunk" SKIP LOCKED' in lock
