"""Planning is an explicit step: plans are made when something that shapes them happens and by
the hourly run for each new local day; pages, the player and the reminder builder only read."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from programs import engine
from programs.models import Enrolment, Intake, PlannedItem, PlannedSession
from programs.services import plan_day, progression_run_week
from programs.services.planning import plans_make_due, plans_refresh
from programs.services.reminders import _email_context, reminder_send, reminder_settings_update
from programs.services.sessions import session_answer_morning, session_finish, session_log_item
from programs.tasks import plan_new_days
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db


def local_today():
    return timezone.localdate()


def test_finishing_the_intake_plans_today_without_a_page_visit():
    member = MemberFactory()
    enrol(member)
    session = PlannedSession.objects.get(member=member, date=local_today())
    assert session.is_rest_day or session.items.exists()


def test_today_and_the_player_only_read_a_stored_plan(client):
    member = MemberFactory()
    enrol(member)
    stored = PlannedSession.objects.get(member=member, date=local_today())
    items = set(PlannedItem.objects.filter(session=stored).values_list("pk", flat=True))
    client.force_login(member)
    assert client.get("/today/").status_code == 200
    client.get("/today/session/")
    assert list(PlannedSession.objects.filter(member=member)) == [stored]
    assert set(PlannedItem.objects.filter(session=stored).values_list("pk", flat=True)) == items


def test_a_day_not_yet_planned_is_made_once_on_the_first_visit(client):
    member = MemberFactory()
    enrol(member)
    PlannedSession.objects.filter(member=member).delete()  # as before the hourly run reached it
    client.force_login(member)
    assert client.get("/today/").status_code == 200
    first = PlannedSession.objects.get(member=member, date=local_today())
    client.get("/today/")
    assert PlannedSession.objects.get(member=member, date=local_today()).pk == first.pk


def test_a_sore_morning_turns_an_untouched_today_into_a_rest_day():
    member = MemberFactory()
    enrol(member, today=local_today() - timedelta(days=1))
    yesterday = PlannedSession.objects.get(member=member, date=local_today() - timedelta(days=1))
    PlannedSession.objects.filter(member=member, date=local_today()).delete()
    item = yesterday.items.order_by("order").first()
    done = {"actual_sets": item.sets, "sides_done": 2}
    done["actual_seconds" if item.hold_seconds else "actual_reps"] = item.hold_seconds or item.reps
    session_log_item(member=member, item=item, **done)
    # Logged late, so finishing it plans today too (a training day: all seven are).
    PlannedSession.objects.filter(pk=yesterday.pk).update(logged_late=True)
    session_finish(member=member, session=yesterday, pain_during=2, sharp_pain=False, effort=4)
    today = PlannedSession.objects.get(member=member, date=local_today())
    assert not today.is_rest_day
    session_answer_morning(member=member, session=yesterday, morning_pain=8)
    replanned = PlannedSession.objects.get(member=member, date=local_today())
    assert replanned.is_rest_day and replanned.pk != today.pk
    assert "Rest day" in replanned.reason


def test_a_morning_answer_that_changes_nothing_keeps_the_plan():
    member = MemberFactory()
    enrol(member)
    yesterday = session_with_items(
        member=member,
        day=local_today() - timedelta(days=1),
        holds=(20,),
        reps=(),
        status="completed",
        pain_during=1,
        effort=4,
    )
    yesterday.items.update(completed_at=timezone.now(), actual_seconds=20, actual_sets=2)
    today = PlannedSession.objects.get(member=member, date=local_today())
    session_answer_morning(member=member, session=yesterday, morning_pain=1)
    assert PlannedSession.objects.get(member=member, date=local_today()).pk == today.pk


def test_a_begun_session_is_never_replanned():
    member = MemberFactory()
    enrol(member)
    today = PlannedSession.objects.get(member=member, date=local_today())
    PlannedSession.objects.filter(pk=today.pk).update(
        status="in_progress", started_at=timezone.now()
    )
    plans_refresh(member=member)
    assert PlannedSession.objects.get(member=member, date=local_today()).pk == today.pk


def test_a_red_flag_drops_the_plan_and_a_clearance_plans_again(client):
    from programs.services import intake_screen_submit
    from programs.services.intake import intake_confirm_clearance

    member = MemberFactory()
    enrol(member)
    assert PlannedSession.objects.filter(member=member, date=local_today()).exists()
    intake_screen_submit(member=member, answers={"flag_cancer_history": True})
    assert not PlannedSession.objects.filter(member=member, date=local_today()).exists()
    intake_confirm_clearance(member=member, cleared_on=local_today())
    assert PlannedSession.objects.filter(member=member, date=local_today()).exists()


def test_the_hourly_run_plans_each_members_new_local_day_once():
    tokyo, london = MemberFactory(), MemberFactory()
    for member, zone in ((tokyo, "Asia/Tokyo"), (london, "Europe/London")):
        member.profile.timezone = zone
        member.profile.save(update_fields=["timezone"])
        enrol(member, today=date(2026, 3, 1))
    blocked = MemberFactory()
    enrol(blocked, today=date(2026, 3, 1))
    Intake.objects.filter(member=blocked).update(emergency_flagged_at=timezone.now())
    PlannedSession.objects.all().delete()
    # 20:00 UTC on 2 March: already 3 March in Tokyo, still 2 March in London.
    with time_machine.travel(datetime(2026, 3, 2, 20, 0, tzinfo=UTC), tick=False):
        assert plan_new_days() == 2
        assert plans_make_due().made == 0  # idempotent
    days = dict(PlannedSession.objects.values_list("member_id", "date"))
    assert days == {tokyo.pk: date(2026, 3, 3), london.pk: date(2026, 3, 2)}


def test_the_hourly_run_goes_chunk_by_chunk(monkeypatch, django_capture_on_commit_callbacks):
    from programs.services import planning

    members = [MemberFactory() for _ in range(5)]
    for member in members:
        enrol(member)
    PlannedSession.objects.all().delete()
    monkeypatch.setattr(planning, "PLAN_CHUNK", 2)
    first = plans_make_due()
    assert (first.made, first.finished) == (2, False)
    with django_capture_on_commit_callbacks(execute=True):
        plan_new_days(first.last_id)  # queues the chunks after it, one by one
    assert set(PlannedSession.objects.values_list("member_id", flat=True)) == {
        member.pk for member in members
    }


def test_the_hourly_run_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["programs-plan-new-days"]
    assert entry["task"] == "programs.tasks.plan_new_days"


def test_the_weekly_review_drops_plans_not_begun_for_the_new_week(time_machine):
    week = date(2026, 11, 16)
    member = MemberFactory()
    enrol(member, today=week)
    for offset in range(8):
        plan_day(member=member, day=week + timedelta(days=offset))
    PlannedSession.objects.filter(member=member, date__lt=week + timedelta(days=7)).update(
        status="completed", pain_during=1, effort=4, morning_pain=1
    )
    PlannedItem.objects.filter(session__member=member).update(completed_at=timezone.now())
    time_machine.move_to(week + timedelta(days=7, hours=3))
    assert progression_run_week(week_start=week).members_reviewed == 1
    assert not PlannedSession.objects.filter(member=member, date=week + timedelta(days=7)).exists()
    assert (
        PlannedSession.objects.filter(member=member, date__lt=week + timedelta(days=7)).count() == 7
    )


def test_a_coach_edit_of_the_enrolment_plans_anew(admin_client):
    from programs.models import Phase

    member = MemberFactory()
    enrol(member)
    enrolment = Enrolment.objects.get(member=member)
    before = PlannedSession.objects.get(member=member, date=local_today())
    second = Phase.objects.order_by("order")[1]
    response = admin_client.post(
        f"/admin/programs/enrolment/{enrolment.pk}/change/",
        {
            "phase": second.pk,
            "phase_started_on": enrolment.phase_started_on.isoformat(),
            "track": enrolment.track,
            "status": enrolment.status,
            "weeks_in_phase": 0,
            "weeks_away": 0,
            "red_weeks": 0,
            "red_weeks_at_floor": 0,
            "weeks_trained": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    after = PlannedSession.objects.get(member=member, date=local_today())
    assert after.pk != before.pk and after.phase_id == second.pk


def _reminder_on(member):
    return reminder_settings_update(
        member=member,
        enabled=True,
        local_time=time(8, 0),
        weekdays=range(7),
        timezone="UTC",
        morning_checkins=False,
    )


def test_the_reminder_builder_only_reads():
    member = MemberFactory()
    enrol(member)
    reminder = _reminder_on(member)
    PlannedSession.objects.all().delete()
    context = _email_context(member=member, local_date=local_today(), reminder=reminder)
    assert context["session"] is None and not PlannedSession.objects.exists()


def test_the_reminder_plans_its_day_first_then_lists_it():
    member = MemberFactory()
    enrol(member)
    _reminder_on(member)
    PlannedSession.objects.all().delete()
    assert reminder_send(member_id=member.pk, local_date=local_today())
    session = PlannedSession.objects.get(member=member, date=local_today())
    if not session.is_rest_day:
        assert mail.outbox[0].subject.startswith("Today's session")


def test_a_programme_that_cannot_be_planned_does_not_stop_the_reminder(monkeypatch):
    from programs.services import reminders

    member = MemberFactory()
    enrol(member)
    _reminder_on(member)
    PlannedSession.objects.all().delete()

    def broken(**_kwargs):
        raise engine.ConfigurationError("two phases share an order")

    monkeypatch.setattr(reminders, "plan_day", broken)
    assert reminder_send(member_id=member.pk, local_date=local_today())
    assert mail.outbox[0].subject == "Your BackCore reminder"


def test_today_reads_the_morning_question_from_the_sessions_it_read():
    from programs.selectors.sessions import morning_checkin_among, morning_checkin_due

    member = MemberFactory()
    enrol(member)
    for back, morning in ((1, None), (2, None), (3, None), (4, 2)):
        session_with_items(
            member=member,
            day=local_today() - timedelta(days=back),
            status="completed",
            pain_during=2,
            effort=4,
            morning_pain=morning,
        )
    sessions = list(PlannedSession.objects.filter(member=member))
    due = morning_checkin_due(member=member, today=local_today())
    assert due is not None and due.date == local_today() - timedelta(days=1)
    assert morning_checkin_among(sessions, today=local_today()).pk == due.pk
    PlannedSession.objects.filter(pk=due.pk).update(morning_pain=1)
    sessions = list(PlannedSession.objects.filter(member=member))
    due = morning_checkin_due(member=member, today=local_today())
    assert morning_checkin_among(sessions, today=local_today()).pk == due.pk


def test_today_shows_an_exercise_a_coach_just_renamed(client):
    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    client.get("/today/")
    item = PlannedItem.objects.filter(session__member=member).select_related("exercise").first()
    exercise = item.exercise
    exercise.name = "Renamed by a coach"
    exercise.save()
    assert "Renamed by a coach" in client.get("/today/").content.decode()
