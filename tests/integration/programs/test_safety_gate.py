"""One safety gate for every channel that shows, sends or records a session.

For each way the gate closes, every channel refuses: Today, the programme page, the player,
the logging services (not only their views), the reminder email, the calendar feed and the
sample session; and Today, the email and the calendar agree on what the member is told.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from programs.choices import EnrolmentStatus
from programs.models import EmergencyLift, Enrolment, Intake, PlannedSession, SafetyScreen
from programs.selectors.sessions import member_today
from programs.services import (
    intake_confirm_clearance,
    intake_screen_submit,
    plan_day,
    redflag_emergency_lift,
)
from programs.services.calendar import calendar_feed_create, calendar_ics
from programs.services.reminders import reminder_send, reminder_settings_update
from programs.services.safety_gate import (
    RESCREEN_AFTER_DAYS,
    RESCREEN_GRACE_DAYS,
    GateState,
    ProgrammeBlocked,
    safety_verdict,
)
from programs.services.sessions import (
    session_answer_morning,
    session_finish,
    session_log_item,
    session_mark_late,
    session_start,
)
from tests.factories import CoachFactory, MemberFactory, UserFactory
from tests.factories.programs import enrol
from tests.factories.sessions import session_with_items

pytestmark = pytest.mark.django_db

STATES = [
    "emergency",
    "clearance_pending",
    "paused_for_pain",
    "rescreen_required",
    "rescreen_overdue",
]
OVERDUE_AFTER = timedelta(days=RESCREEN_AFTER_DAYS + RESCREEN_GRACE_DAYS + 1)


def _pause(member) -> None:
    """The engine's pause: three red weeks in a row at the lightest doses."""
    Enrolment.objects.filter(member=member).update(
        status=EnrolmentStatus.PAUSED_FOR_PAIN, red_weeks=3, red_weeks_at_floor=3
    )


def _close_gate(member, state: str, time_machine) -> None:
    if state == "emergency":
        intake_screen_submit(member=member, answers={"flag_saddle_numbness": True})
    elif state == "clearance_pending":
        intake_screen_submit(member=member, answers={"flag_night_pain": True})
    elif state == "rescreen_required":
        intake_screen_submit(member=member, answers={"flag_both_legs": True})
        redflag_emergency_lift(
            intake=Intake.objects.get(member=member),
            coach=CoachFactory(),
            note="Checked in A&E yesterday: no nerve compression.",
        )
    elif state == "paused_for_pain":
        _pause(member)
    elif state == "rescreen_overdue":
        time_machine.move_to(timezone.now() + OVERDUE_AFTER)
    else:  # pragma: no cover
        raise AssertionError(state)


@pytest.fixture
def blocked_member(request, time_machine):
    """An enrolled member with reminders on, a calendar feed, and plans stored for yesterday
    (finished, awaiting its morning answer), today (started) and tomorrow, made while the
    gate was open; then the gate closes in the way the test names."""
    state = request.param
    member = MemberFactory()
    enrol(member, today=timezone.localdate() - timedelta(days=60))
    _close_gate(member, state, time_machine)
    today = member_today(member)
    yesterday = session_with_items(
        member=member,
        day=today - timedelta(days=1),
        status="completed",
        pain_during=2,
        effort=5,
    )
    todays = session_with_items(member=member, day=today, status="in_progress")
    session_with_items(member=member, day=today + timedelta(days=1))
    reminder_settings_update(
        member=member,
        enabled=True,
        local_time=timezone.now().time().replace(microsecond=0),
        weekdays=range(7),
        timezone="UTC",
        morning_checkins=True,
    )
    feed = calendar_feed_create(member=member)
    return member, state, today, yesterday, todays, feed


def _names(session) -> list[str]:
    return [item.exercise.name for item in session.items.all()]


@pytest.mark.parametrize("blocked_member", STATES, indirect=True)
def test_every_channel_refuses_while_the_gate_is_closed(client, blocked_member):
    member, state, today, yesterday, todays, feed = blocked_member
    verdict = safety_verdict(member=member)
    assert verdict.state == GateState(state) and not verdict.is_open
    names = _names(todays)
    player = reverse("programs:session_player")

    # Pages: no session, no way into the player.
    client.force_login(member)
    for path in ("/today/", "/programme/", player, "/today/session/finish/", "/sessions/log-late/"):
        response = client.get(path, follow=True)
        html = response.content.decode()
        assert not any(name in html for name in names), path
        assert "Start session" not in html and "Continue session" not in html, path
        assert 'data-mode="hold"' not in html, path
    item = todays.items.order_by("order").first()
    client.post(reverse("programs:session_item_done", args=[item.pk]), {"actual_sets": 1})
    item.refresh_from_db()
    assert item.completed_at is None

    # Services refuse on their own, whoever calls them.
    refusals = [
        lambda: session_start(member=member, session=todays),
        lambda: session_log_item(member=member, item=item, actual_seconds=20, actual_sets=1),
        lambda: session_finish(
            member=member, session=todays, pain_during=2, sharp_pain=False, effort=5
        ),
        lambda: session_answer_morning(member=member, session=yesterday, morning_pain=2),
        lambda: session_mark_late(member=member, session=yesterday, today=today),
    ]
    for call in refusals:
        with pytest.raises(ProgrammeBlocked) as refused:
            call()
        assert isinstance(refused.value, PermissionDenied)
        assert refused.value.verdict.state == verdict.state
    assert plan_day(member=member, day=today) is None
    assert plan_day(member=member, day=today + timedelta(days=2)) is None
    assert not PlannedSession.objects.filter(member=member, date=today + timedelta(days=2))

    # The reminder points to what to do instead; no session, no player link, no check-in.
    assert reminder_send(member_id=member.pk, local_date=today)
    message = mail.outbox[-1]
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert player not in body
        assert not any(name in body for name in names)
        assert "ready" not in body and "check-in" not in body
        assert verdict.action_path in body
        assert verdict.heading in body
    assert message.subject == verdict.heading

    # The calendar lists nothing, not even the plans stored before the gate closed.
    ics = Calendar.from_ical(calendar_ics(feed=feed, today=today))
    assert list(ics.walk("VEVENT")) == []
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 200

    # Today, the email and the calendar agree: Today sends the member where the email does.
    today_page = client.get("/today/")
    if verdict.state is GateState.EMERGENCY:
        assert b"Please seek urgent medical care today" in today_page.content
        assert verdict.action_path == reverse("programs:urgent_care")
    elif verdict.state is GateState.PAUSED_FOR_PAIN:
        html = today_page.content.decode().replace("&#x27;", "'")
        assert verdict.heading in html and f'href="{verdict.action_path}"' in html
    else:
        assert today_page.status_code == 302
        assert today_page["Location"] == verdict.action_path


@pytest.mark.parametrize("flags", [{"flag_saddle_numbness": True}, {"flag_fever": True}])
def test_no_sample_session_over_a_red_flag(client, flags):
    visitor = UserFactory()  # signed in, not a member: Today shows a sample and "Join to start"
    client.force_login(visitor)
    assert b"Join to start" in client.get("/today/").content
    intake_screen_submit(member=visitor, answers=flags)
    response = client.get("/today/", follow=True)
    assert b"Join to start" not in response.content
    assert b"A sample session" not in response.content


def test_open_gate_today_email_and_calendar_show_the_same_session(client):
    member = MemberFactory()
    enrol(member, training_days="1111111")
    today = member_today(member)
    verdict = safety_verdict(member=member)
    assert verdict.is_open and verdict.rescreen_due_on == today + timedelta(RESCREEN_AFTER_DAYS)
    session = plan_day(member=member)
    names = _names(session)
    assert names
    client.force_login(member)
    page = client.get("/today/").content.decode().replace("&#x27;", "'")
    assert all(name in page for name in names)
    reminder_settings_update(
        member=member,
        enabled=True,
        local_time=timezone.now().time().replace(microsecond=0),
        weekdays=range(7),
        timezone="UTC",
        morning_checkins=True,
    )
    assert reminder_send(member_id=member.pk, local_date=today)
    body = mail.outbox[-1].body
    assert all(name in body for name in names)
    assert reverse("programs:session_player") in body
    feed = calendar_feed_create(member=member)
    events = Calendar.from_ical(calendar_ics(feed=feed, today=today)).walk("VEVENT")
    first = next(e for e in events if e.decoded("dtstart") == today)
    assert all(name in str(first.get("description")) for name in names)


def test_calendar_stops_on_the_day_the_safety_screen_falls_overdue(time_machine):
    member = MemberFactory()
    enrol(member)
    time_machine.move_to(timezone.now() + timedelta(days=RESCREEN_AFTER_DAYS + 7))
    today = member_today(member)
    verdict = safety_verdict(member=member)
    assert verdict.is_open and verdict.rescreen_asked(today)
    feed = calendar_feed_create(member=member)
    days = [
        e.decoded("dtstart")
        for e in Calendar.from_ical(calendar_ics(feed=feed, today=today)).walk("VEVENT")
    ]
    assert days and max(days) < verdict.rescreen_blocks_on


def test_overdue_screen_blocks_new_plans_until_answered(client, time_machine):
    member = MemberFactory()
    enrol(member)
    time_machine.move_to(timezone.now() + OVERDUE_AFTER)
    assert plan_day(member=member) is None
    client.force_login(member)
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:intake") + "?step=screen"
    screen = client.get(response["Location"])
    assert b"overdue" in screen.content and b'value="screen"' in screen.content
    # Even the details step shows the screen first.
    assert b'value="screen"' in client.get("/programme/intake/?step=details").content
    answered = client.post("/programme/intake/", {"step": "screen"})
    assert answered.status_code == 302 and answered["Location"] == "/today/"
    assert plan_day(member=member) is not None
    assert client.get("/today/").status_code == 200


def test_today_warns_before_the_screen_falls_overdue(client, time_machine):
    member = MemberFactory()
    enrol(member)
    time_machine.move_to(timezone.now() + timedelta(days=RESCREEN_AFTER_DAYS + 1))
    client.force_login(member)
    response = client.get("/today/")
    assert response.status_code == 200
    assert b"?step=screen" in response.content and b"safety check" in response.content


# Lifting an emergency block ------------------------------------------------------------------


def test_lifting_needs_a_coach_and_a_note_then_a_fresh_screen(client):
    member = MemberFactory()
    enrol(member)
    intake_screen_submit(member=member, answers={"flag_bladder_bowel": True})
    intake = Intake.objects.get(member=member)
    coach = CoachFactory()
    for note in ("", "   ", "ok"):
        with pytest.raises(ValidationError) as error:
            redflag_emergency_lift(intake=intake, coach=coach, note=note)
        assert "note" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        redflag_emergency_lift(intake=intake, coach=member, note="I feel fine now, honestly.")
    assert not EmergencyLift.objects.exists()
    assert safety_verdict(member=member).state is GateState.EMERGENCY

    lift = redflag_emergency_lift(
        intake=intake, coach=coach, note="Seen at the urgent care centre; MRI clear."
    )
    assert lift.flagged_at is not None and lift.coach == coach
    verdict = safety_verdict(member=member)
    assert verdict.state is GateState.RESCREEN_REQUIRED
    with pytest.raises(ValidationError):  # nothing left to lift
        redflag_emergency_lift(intake=intake, coach=coach, note="A second lift, by mistake.")

    client.force_login(member)
    response = client.get("/today/")
    assert response["Location"] == reverse("programs:intake") + "?step=screen"
    page = client.get(response["Location"]).content.decode()
    assert "A coach has lifted the pause" in page
    screens = SafetyScreen.objects.filter(member=member).count()
    client.post("/programme/intake/", {"step": "screen"})
    assert SafetyScreen.objects.filter(member=member).count() == screens + 1
    assert safety_verdict(member=member).is_open
    assert client.get("/today/").status_code == 200


def test_an_emergency_sign_at_the_fresh_screen_blocks_again(client):
    member = MemberFactory()
    enrol(member)
    intake_screen_submit(member=member, answers={"flag_both_legs": True})
    redflag_emergency_lift(
        intake=Intake.objects.get(member=member),
        coach=CoachFactory(),
        note="Spoke to her GP; symptoms were from a flu.",
    )
    intake_screen_submit(member=member, answers={"flag_both_legs": True})
    assert safety_verdict(member=member).state is GateState.EMERGENCY


# Clearance dates ----------------------------------------------------------------------------


def _awaiting_clearance(duration="over_12_weeks"):
    member = MemberFactory()
    enrol(member, duration=duration)
    intake_screen_submit(member=member, answers={"flag_cancer_history": True})
    return member


@pytest.mark.parametrize(
    ("days_ago", "duration", "message"),
    [
        (-1, "over_12_weeks", "future"),
        (366, "over_12_weeks", "12 months"),
        (20000, "over_12_weeks", "12 months"),  # 1970-ish
        (50, "under_6_weeks", "before this back pain began"),
        (100, "6_to_12_weeks", "before this back pain began"),
    ],
)
def test_clearance_dates_must_be_real(client, days_ago, duration, message):
    member = _awaiting_clearance(duration)
    cleared_on = timezone.localdate() - timedelta(days=days_ago)
    with pytest.raises(ValidationError) as error:
        intake_confirm_clearance(member=member, cleared_on=cleared_on)
    assert message in " ".join(error.value.message_dict["cleared_on"])
    client.force_login(member)
    response = client.post(
        "/programme/intake/", {"step": "clearance", "confirm": "on", "cleared_on": cleared_on}
    )
    assert response.status_code == 422
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Intake.objects.get(member=member).needs_clearance


@pytest.mark.parametrize(
    ("days_ago", "duration"), [(0, "under_6_weeks"), (30, "under_6_weeks"), (300, "over_12_weeks")]
)
def test_real_clearance_dates_are_accepted(days_ago, duration):
    member = _awaiting_clearance(duration)
    intake_confirm_clearance(member=member, cleared_on=timezone.localdate() - timedelta(days_ago))
    assert safety_verdict(member=member).is_open


def test_clearance_form_offers_only_possible_dates(client):
    member = _awaiting_clearance("under_6_weeks")
    client.force_login(member)
    html = client.get("/programme/intake/").content.decode()
    earliest = timezone.localdate() - timedelta(weeks=6)
    assert f'min="{earliest.isoformat()}"' in html
    assert f'max="{timezone.localdate().isoformat()}"' in html


# The engine's pause for pain is one more reason ------------------------------------------------


def test_a_pause_for_pain_survives_screens_and_intake_changes_until_a_clearance(client):
    member = MemberFactory()
    enrol(member)
    _pause(member)
    assert safety_verdict(member=member).state is GateState.PAUSED_FOR_PAIN
    # Neither a clean re-screen nor new intake answers lift it.
    intake_screen_submit(member=member, answers={})
    enrol(member, minutes_per_day=5)
    assert safety_verdict(member=member).state is GateState.PAUSED_FOR_PAIN
    # An emergency sign meanwhile shows first, and lifting it leaves the pause in place.
    intake_screen_submit(member=member, answers={"flag_leg_weakness": True})
    assert safety_verdict(member=member).state is GateState.EMERGENCY
    redflag_emergency_lift(
        intake=Intake.objects.get(member=member),
        coach=CoachFactory(),
        note="Neurology clinic saw him this morning; no red flags.",
    )
    intake_screen_submit(member=member, answers={})
    assert safety_verdict(member=member).state is GateState.PAUSED_FOR_PAIN

    client.force_login(member)
    paused = client.get("/today/").content.decode().replace("&#x27;", "'")
    assert "paused until a clinician has checked your back" in paused
    form = client.get("/programme/intake/").content.decode()
    assert 'value="clearance"' in form and "lightest doses" in form
    future = timezone.localdate() + timedelta(days=1)
    refused = client.post(
        "/programme/intake/", {"step": "clearance", "confirm": "on", "cleared_on": future}
    )
    assert refused.status_code == 422
    cleared = client.post(
        "/programme/intake/",
        {"step": "clearance", "confirm": "on", "cleared_on": timezone.localdate()},
    )
    assert cleared.status_code == 302
    enrolment = Enrolment.objects.get(member=member)
    assert enrolment.status == EnrolmentStatus.ACTIVE
    assert (enrolment.red_weeks, enrolment.red_weeks_at_floor) == (0, 0)
    assert safety_verdict(member=member).is_open
    assert client.get("/today/").status_code == 200


def test_the_weekly_review_pauses_when_the_engine_says_so(monkeypatch, time_machine):
    """Three red weeks at the lightest doses (the engine's rule, property-tested there): the
    weekly review stores the pause and every channel closes."""
    import dataclasses

    from programs import engine
    from programs.engine.progression import escalation
    from programs.services import progression, progression_run_week

    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    member = MemberFactory()
    enrol(member, today=week)
    for offset in range(7):
        plan_day(member=member, day=week + timedelta(days=offset))
    PlannedSession.objects.filter(member=member).update(
        status="completed", pain_during=7, effort=5, morning_pain=7
    )
    real = engine.progress_week

    def third_red_week_at_floor(state, programme, history, week_start):
        result = real(state, programme, history, week_start)
        pause = escalation(engine.EscalationKind.PAUSE, week_start)
        return dataclasses.replace(result, escalations=(*result.escalations, pause))

    monkeypatch.setattr(progression.engine, "progress_week", third_red_week_at_floor)
    progression_run_week(week_start=week)
    assert Enrolment.objects.get(member=member).status == EnrolmentStatus.PAUSED_FOR_PAIN
    assert safety_verdict(member=member).state is GateState.PAUSED_FOR_PAIN
    assert plan_day(member=member) is None
