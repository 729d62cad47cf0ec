from datetime import date, timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from programs.models import (
    Enrolment,
    MemberDose,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
    ProgressionRun,
)
from programs.selectors import programme_build
from programs.services import plan_day, progression_run_week
from programs.services.progression import progression_run_result
from programs.tasks import weekly_progression
from tests.factories import MemberFactory
from tests.factories.programs import enrol, review_due_weeks

pytestmark = pytest.mark.django_db
WEEK = date(2026, 11, 16)  # a Monday
NEXT_WEEK = WEEK + timedelta(days=7)


def members_with_a_week(count: int, *, pain: int = 1, sharp: bool = False):
    """Members enrolled on WEEK whose every planned session that week was done at `pain`."""
    members = []
    for _ in range(count):
        member = MemberFactory()
        enrol(member, today=WEEK)
        for offset in range(7):
            plan_day(member=member, day=WEEK + timedelta(days=offset))
        members.append(member)
    PlannedSession.objects.filter(member__in=members).update(
        status="completed", pain_during=pain, sharp_pain=sharp, effort=4, morning_pain=pain
    )
    # Finishing a session in the player logs each of its exercises.
    PlannedItem.objects.filter(session__member__in=members).update(completed_at=timezone.now())
    return members


def run(time_machine):
    time_machine.move_to(NEXT_WEEK + timedelta(hours=3))
    return progression_run_week(week_start=WEEK)


def test_green_week_progresses_within_the_cap(time_machine):
    [member] = members_with_a_week(1)
    before = {dose.exercise_id: dose for dose in MemberDose.objects.filter(member=member)}
    result = run(time_machine)
    assert result.members_reviewed == 1
    cap = programme_build().programme.phases[0].cap_factor
    rises = 0
    for after in MemberDose.objects.filter(member=member):
        old = before[after.exercise_id]
        old_load = (old.hold_seconds or old.reps) * old.sets
        new_load = (after.hold_seconds or after.reps) * after.sets
        assert new_load <= old_load * cap + 1e-9
        assert (after.hold_seconds or after.reps) <= (old.hold_seconds or old.reps) * cap + 1e-9
        rises += after.kind == "progress"
    assert rises >= 1
    decisions = ProgressionDecision.objects.filter(member=member, week_start=NEXT_WEEK)
    assert decisions.exists() and all(d.reason for d in decisions)
    enrolment = Enrolment.objects.get(member=member)
    assert enrolment.last_reviewed_week == WEEK and enrolment.weeks_in_phase == 1


def test_red_week_backs_off_and_never_rises(time_machine):
    [member] = members_with_a_week(1, pain=7)
    before = {dose.exercise_id: dose for dose in MemberDose.objects.filter(member=member)}
    run(time_machine)
    for after in MemberDose.objects.filter(member=member):
        old = before[after.exercise_id]
        assert (after.hold_seconds or after.reps) * after.sets <= (
            old.hold_seconds or old.reps
        ) * old.sets
        assert after.kind in {"back_off", "hold", "step_back"}
    enrolment = Enrolment.objects.select_related("phase").get(member=member)
    assert enrolment.phase.order == 1
    assert enrolment.contact_coach_suggested_on is not None


def test_running_twice_is_safe(time_machine):
    members_with_a_week(3)
    run(time_machine)
    decisions = list(ProgressionDecision.objects.order_by("pk").values_list("pk", "kind", "reason"))
    doses = list(
        MemberDose.objects.order_by("pk").values_list(
            "pk", "hold_seconds", "reps", "sets", "carried"
        )
    )
    again = run(time_machine)
    assert again.members_reviewed == 0 and again.already_reviewed == 3
    assert (
        list(ProgressionDecision.objects.order_by("pk").values_list("pk", "kind", "reason"))
        == decisions
    )
    assert (
        list(
            MemberDose.objects.order_by("pk").values_list(
                "pk", "hold_seconds", "reps", "sets", "carried"
            )
        )
        == doses
    )


def test_blocked_members_are_not_progressed(time_machine):
    from programs.services import intake_screen_submit

    [member] = members_with_a_week(1)
    intake_screen_submit(member=member, answers={"flag_saddle_numbness": True})
    result = run(time_machine)
    assert result.members_reviewed == 0
    assert not ProgressionDecision.objects.filter(member=member, week_start=NEXT_WEEK).exists()


# One run of one chunk: the active ids, the run and its chunks (2 + 2 savepoints), then per
# chunk (the programme bundle comes from the cache): the lock on the chunk; the enrolments with
# their timezone, intake and first green week; doses; sessions; logged exercises; one write per
# table (decisions, doses, enrolments); phase milestones; plans nobody has begun for the new
# week dropped (items, then sessions) so the next plan reads the new doses; the chunk marked
# done (+ 2 savepoints) and the run finished.
# Pinned on PostgreSQL: SQLite's fallback (Django's bulk methods) splits big inserts in batches.
ONE_CHUNK = 20
PER_CHUNK = 15


@pytest.mark.postgres
@pytest.mark.parametrize("count", [1, 20])
def test_weekly_run_queries_do_not_grow_with_members(
    count, time_machine, django_assert_num_queries
):
    members_with_a_week(count)
    time_machine.move_to(NEXT_WEEK + timedelta(hours=3))
    programme_build()
    with django_assert_num_queries(ONE_CHUNK):
        result = progression_run_week(week_start=WEEK)
    assert result.members_reviewed == count


@pytest.mark.postgres
def test_weekly_run_queries_grow_per_chunk_only(time_machine, django_assert_num_queries):
    members_with_a_week(9)
    time_machine.move_to(NEXT_WEEK + timedelta(hours=3))
    programme_build()
    with django_assert_num_queries(ONE_CHUNK + 2 * PER_CHUNK):
        result = progression_run_week(week_start=WEEK, chunk_size=4)  # 4 + 4 + 1
    assert result.members_reviewed == 9


def test_weekly_task_reviews_last_week(time_machine):
    members_with_a_week(2)
    time_machine.move_to(NEXT_WEEK + timedelta(hours=3))
    assert review_due_weeks()["members_reviewed"] == 2
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = weekly_progression.delay(WEEK.isoformat()).get()
    assert started["members"] == 2
    run = ProgressionRun.objects.get(pk=started["run"])
    assert progression_run_result(run=run).already_reviewed == 2
    assert run.finished_at is not None


def test_beat_schedule_runs_weekly_progression(settings):
    entry = next(
        value
        for value in settings.CELERY_BEAT_SCHEDULE.values()
        if value["task"] == "programs.tasks.weekly_progression"
    )
    # Was: Mondays 03:00 UTC for everyone. Now hourly, so each member's week is reviewed soon
    # after it ends in their own timezone.
    assert entry["schedule"].minute == {5}
    assert entry["schedule"].hour == set(range(24))
