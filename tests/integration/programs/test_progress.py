from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.utils import timezone

from programs.models import PlannedItem, PlannedSession, ProgressionDecision
from programs.selectors.programme import programme_build
from programs.selectors.progress import REP_SECONDS, progress_for, week_start
from tests.factories import ExerciseFactory, MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import HoldExerciseFactory, first_phase
from tests.page_pins import built, served, without_tokens

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 18)  # a Wednesday


def log(member, day, *, pain=2, effort=5, items=(), status="completed"):
    session = PlannedSession.objects.create(
        member=member,
        date=day,
        phase=first_phase(),
        status=status,
        pain_during=pain if status == "completed" else None,
        effort=effort if status == "completed" else None,
    )
    for order, (exercise, seconds, reps, sets, sides) in enumerate(items, start=1):
        PlannedItem.objects.create(
            session=session,
            order=order,
            exercise=exercise,
            hold_seconds=seconds and 10,
            reps=reps and 8,
            sets=sets,
            per_side=sides is not None,
            actual_seconds=seconds,
            actual_reps=reps,
            actual_sets=sets,
            sides_done=sides,
            completed_at=timezone.now(),
        )
    return session


def joined(member, day: date) -> None:
    """Date the member's sign-up (the streak calendar starts at that week)."""
    member.date_joined = datetime.combine(day, time(9), tzinfo=UTC)
    member.save(update_fields=["date_joined"])


def test_weekly_aggregates(member):
    joined(member, TODAY - timedelta(weeks=20))
    plank = HoldExerciseFactory(name="Plank")
    bridge = ExerciseFactory(name="Bridge")
    monday = week_start(TODAY)
    last_monday = monday - timedelta(weeks=1)
    log(member, last_monday, pain=2, items=[(plank, 20, None, 2, None), (bridge, None, 8, 2, 2)])
    log(member, last_monday + timedelta(days=2), pain=4, items=[(plank, 25, None, 2, None)])
    log(member, monday, pain=6, items=[(plank, 30, None, 3, None)])
    log(member, TODAY - timedelta(days=1), status="in_progress", items=[(plank, 40, None, 1, None)])
    # Another member's sessions never leak in.
    log(MemberFactory(), monday, pain=9, items=[(plank, 300, None, 5, None)])

    progress = progress_for(member=member, today=TODAY)

    ex = {e.name: e for e in progress.exercises}
    assert ex["Plank"].is_hold and ex["Plank"].by_week == {last_monday: 25, monday: 40}
    assert ex["Plank"].best == 40 and ex["Plank"].best_week == monday
    assert not ex["Bridge"].is_hold and ex["Bridge"].by_week == {last_monday: 8}
    assert progress.pain_by_week == {last_monday: 3.0, monday: 6.0}
    assert progress.sessions_completed == 3
    last_week_seconds = 20 * 2 + 8 * REP_SECONDS * 2 * 2 + 25 * 2
    this_week_seconds = 30 * 3 + 40 * 1
    assert progress.minutes_by_week == {
        last_monday: round(last_week_seconds / 60, 1),
        monday: round(this_week_seconds / 60, 1),
    }
    assert progress.total_tension_seconds == last_week_seconds + this_week_seconds
    assert len(progress.weeks) == 12 and progress.weeks[-1] == monday
    done_days = {d.day for d in progress.streak if d.done}
    assert done_days == {last_monday, last_monday + timedelta(days=2), monday}
    assert len(progress.streak) == 70 and progress.streak[0].day.weekday() == 0


def test_weeks_before_the_charts_still_count_cold_and_cached(member):
    joined(member, TODAY - timedelta(weeks=40))
    plank = HoldExerciseFactory(name="Plank")
    monday = week_start(TODAY)
    old_monday = monday - timedelta(weeks=30)
    log(member, old_monday, pain=5, items=[(plank, 50, None, 2, None)])
    log(member, monday, pain=1, items=[(plank, 30, None, 2, None)])
    cold = progress_for(member=member, today=TODAY)
    warm = progress_for(member=member, today=TODAY)
    for progress in (cold, warm):
        [ex] = progress.exercises
        assert ex.best == 50 and ex.best_week == old_monday  # a best from long ago stays
        assert ex.by_week == {old_monday: 50, monday: 30} and ex.sessions == 2
        assert progress.sessions_completed == 2
        assert progress.pain_by_week == {old_monday: 5.0, monday: 1.0}
        assert progress.total_tension_seconds == 50 * 2 + 30 * 2


def test_streak_calendar_starts_the_week_the_member_joined(member):
    joined(member, TODAY - timedelta(days=9))  # Monday of last week
    log(member, TODAY - timedelta(days=1))
    progress = progress_for(member=member, today=TODAY)
    assert progress.streak[0].day == week_start(TODAY) - timedelta(weeks=1)
    assert len(progress.streak) == 14
    assert progress.current_streak == 1

    joined(member, TODAY - timedelta(days=1))  # Tuesday of this week
    progress = progress_for(member=member, today=TODAY)
    assert len(progress.streak) == 7 and progress.streak[0].day == week_start(TODAY)
    monday = progress.streak[0]
    assert monday.before_start and monday.label.endswith("before you joined")
    assert not progress.streak[1].before_start


def test_charts_start_the_week_the_member_joined(member):
    monday = week_start(TODAY)
    joined(member, monday - timedelta(weeks=4))
    assert progress_for(member=member, today=TODAY).weeks[0] == monday - timedelta(weeks=4)
    joined(member, TODAY)  # a first week still charts two weeks, never empty months
    assert progress_for(member=member, today=TODAY).weeks == [monday - timedelta(weeks=1), monday]
    joined(member, TODAY - timedelta(weeks=50))  # a long history shows the last twelve
    assert len(progress_for(member=member, today=TODAY).weeks) == 12


def test_streak_counts_back_and_ignores_rest_days(member):
    joined(member, TODAY - timedelta(weeks=20))
    for back in (1, 2, 4):  # yesterday, the day before, and three days before that
        log(member, TODAY - timedelta(days=back))
    PlannedSession.objects.create(
        member=member, date=TODAY - timedelta(days=3), phase=first_phase(), is_rest_day=True
    )
    assert progress_for(member=member, today=TODAY).current_streak == 3
    log(member, TODAY)
    assert progress_for(member=member, today=TODAY).current_streak == 4


def test_progress_page_renders_charts_and_decisions(client, member):
    today = timezone.localdate()
    plank = HoldExerciseFactory(name="Side plank")
    log(member, today - timedelta(days=1), pain=3, items=[(plank, 20, None, 2, None)])
    ProgressionDecision.objects.create(
        member=member,
        week_start=week_start(today),
        exercise=plank,
        kind="hold",
        reason="Held at 20 s: Tuesday's session was 5/10, so we wait until it settles.",
    )
    client.force_login(member)
    response = client.get("/progress/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "chart-reference" in html  # pain chart with the 5/10 line
    assert "Side plank: longest hold by week" in html
    assert "Held at 20 s: Tuesday" in html
    assert "Personal bests" in html and "20 s hold" in html
    assert "Show the numbers" in html


def test_progress_page_empty_member(client, member):
    client.force_login(member)
    response = client.get("/progress/")
    assert response.status_code == 200
    assert "Finish a session and rate your pain" in response.content.decode()


def _bulk_history(member, sessions: int) -> None:
    exercises = [HoldExerciseFactory(), ExerciseFactory()]
    phase = first_phase()
    today = timezone.localdate()
    PlannedSession.objects.filter(member=member).delete()  # the plan made at intake makes way
    rows = PlannedSession.objects.bulk_create(
        PlannedSession(
            member=member,
            date=today - timedelta(days=n),
            phase=phase,
            status="completed",
            pain_during=n % 6,
            effort=5,
        )
        for n in range(sessions)
    )
    now = timezone.now()
    PlannedItem.objects.bulk_create(
        PlannedItem(
            session=s,
            order=i + 1,
            exercise=ex,
            hold_seconds=10 if i == 0 else None,
            reps=None if i == 0 else 8,
            sets=2,
            actual_seconds=10 + n % 20 if i == 0 else None,
            actual_reps=None if i == 0 else 8,
            actual_sets=2,
            completed_at=now,
        )
        for n, s in enumerate(rows)
        for i, ex in enumerate(exercises)
    )
    ProgressionDecision.objects.bulk_create(
        ProgressionDecision(
            member=member,
            week_start=week_start(today) - timedelta(weeks=w),
            exercise=exercises[0],
            kind="progress",
            reason="Up a little.",
        )
        for w in range(min(sessions, 30))
    )


# session, user, membership, profile, 3 weekly aggregates, intake, streak days, enrolment,
# decisions, the coach loop (latest alert and coach reply, one query), and the notifications
# bell in the header.
# The pin covers an enrolled member (the next phase; 14 before the phase story).
# +2 (the phase story): the phase story Today and Programme show reads doses, and the last four
# weeks' sessions with their items (+3), but the next phase now comes from the cached
# programme bundle (-1). The bundle is warm, as on Today's pin.
# +2 (outcomes): every answered check, and the active goals (+1 for their ratings' prefetch
# only when there are goals; none here).
# +1 (milestones): the member's milestones with their phase and goal.
# -1: intake and enrolment in one query. The weekly aggregates read only the charted weeks
# (3); earlier weeks come from the stored running totals, read with the intake (0), or, while
# none are stored for the weeks that left the charts, from the history (+3).
# +1 on PostgreSQL (page_pins.built): the member's fingerprint, under which the body is kept.
# -3: the user's row brings their membership, profile and bell count (member_context).
PROGRESS_QUERIES = 15
PROGRESS_QUERIES_COLD = PROGRESS_QUERIES + 3
PROGRESS_QUERIES_KEPT = 3  # session, user (with membership, profile, bell), fingerprint


@pytest.mark.parametrize("sessions", [1, 1000])
def test_progress_query_count_is_pinned_for_1_and_1000_sessions(
    client, sessions, django_assert_num_queries
):
    from programs.services.progress_totals import progress_totals_roll

    member = MemberFactory()
    enrol(member)  # enrolled, so the phase story is read too
    _bulk_history(member, sessions)
    assert PlannedSession.objects.filter(member=member).count() == sessions
    client.force_login(member)
    programme_build()
    with django_assert_num_queries(built(PROGRESS_QUERIES_COLD)):
        cold = client.get("/progress/")
    with django_assert_num_queries(
        served(PROGRESS_QUERIES_COLD, kept_queries=PROGRESS_QUERIES_KEPT)
    ):
        kept = client.get("/progress/")
    progress = progress_for(member=member, today=timezone.localdate())
    progress_totals_roll(member_id=member.pk, through_week=progress.charted_from)
    # Storing the totals changes the member's rows: the body is built again, from them.
    with django_assert_num_queries(built(PROGRESS_QUERIES)):
        response = client.get("/progress/")
    assert response.status_code == 200
    assert cold.status_code == 200
    assert without_tokens(kept.content) == without_tokens(cold.content)
    assert without_tokens(response.content) == without_tokens(cold.content)
    assert progress_for(member=member, today=timezone.localdate()).sessions_completed == sessions
