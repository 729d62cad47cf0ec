"""Demo data: the demo member has a completed intake, an enrolment in Reconnect and today's plan."""

from backcore.demo import demo_seeder
from programs.selectors import intake_for
from programs.services import intake_complete, intake_screen_submit, plan_day

DEMO_INTAKE = {
    "pain_now": 3,
    "pain_worst": 6,
    "pain_low_back": True,
    "pain_buttock": False,
    "pain_leg": False,
    "duration": "over_12_weeks",
    "age_band": "40_54",
    "activity_level": "light",
    "equipment": ["wall", "chair"],
    "minutes_per_day": 10,
    "training_days": "1111111",
    "goals": "Garden for an afternoon without paying for it the next day.",
    "fear_bending_harms": True,
    "fear_pain_means_harm": False,
    "fear_rest_until_better": False,
}


@demo_seeder
def seed(*, stdout, users) -> None:
    member = users["member"]
    intake = intake_for(member=member)
    if intake is None or intake.completed_at is None:
        intake_screen_submit(member=member, answers={})
        intake_complete(member=member, data=DEMO_INTAKE)
        stdout.write("programs: demo member's intake done and enrolled in the first phase")
    session = plan_day(member=member)
    if session is not None:
        stdout.write(f"programs: demo member's plan for {session.date} is ready")
    _seed_coach_loop(stdout=stdout, member=member, coach=users.get("coach"))


def _seed_coach_loop(*, stdout, member, coach) -> None:
    """A short member–coach exchange, so the inbox and /account/messages/ have something."""
    from programs.models import Conversation
    from programs.services.conversations import message_send_coach, message_send_member

    if coach is None or Conversation.objects.filter(member=member).exists():
        return
    message_send_member(
        member=member,
        body="The bridge feels fine, but the bird-dog makes my lower back a bit tight. "
        "Should I keep going?",
    )
    message_send_coach(
        coach=coach,
        member=member,
        body="Thanks for checking. A little tightness that settles by the next morning is "
        "fine. Keep the movement **slow**, and log it honestly after each session.",
    )
    stdout.write("programs: demo member has a conversation with a coach")
