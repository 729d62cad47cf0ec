"""A member with every kind of row the clinician report reads (integration and browser tests)."""

from datetime import timedelta

from programs.models import OutcomeCheck, PainEscalation, PlannedSession, ProgressionDecision
from programs.selectors.sessions import member_today
from programs.services import outcomes as outcome_services
from tests.factories import ExerciseFactory, MemberFactory
from tests.factories.programs import enrol
from tests.factories.sessions import first_phase

FUNCTION_AT_START = {
    "socks": 2,
    "sitting": 2,
    "shopping_bag": 3,
    "sleeping": 1,
    "walking": 1,
    "floor_reach": 1,
    "chair_rise": 2,
    "standing": 2,
}


def member_with_history(*, weeks: int = 6, email: str = "rosa@example.com"):
    """A member with an intake, a goal, a re-check, `weeks` weeks of sessions, decisions and a
    pain warning: every kind of row the report reads."""
    member = MemberFactory(email=email)
    enrol(member, pain_now=6, function_answers=FUNCTION_AT_START, pain_leg=True)
    today = member_today(member)
    started = today - timedelta(weeks=weeks)
    OutcomeCheck.objects.filter(member=member).update(taken_on=started)
    goal = outcome_services.goal_add(
        member=member, activity="Tying my shoes", rating=3, today=started
    )
    outcome_services.recheck_submit(
        member=member,
        today=today,
        pain_usual=3,
        pain_worst=5,
        function_answers={**FUNCTION_AT_START, "socks": 0, "shopping_bag": 1},
        goal_ratings={goal.pk: 7},
    )
    phase = first_phase()
    for week in range(weeks):
        for day in (0, 2):
            PlannedSession.objects.create(
                member=member,
                date=started + timedelta(weeks=week, days=day),
                phase=phase,
                status="completed",
                pain_during=2 + week % 3,
                effort=5,
                sharp_pain=week == 1 and day == 0,
            )
    plank = ExerciseFactory(name="Side plank", slug=f"report-side-plank-{member.pk}")
    for week in range(weeks):
        ProgressionDecision.objects.create(
            member=member,
            week_start=started + timedelta(weeks=week),
            exercise=plank,
            kind="progress",
            reason=f"Side plank rises to {10 + week} reps: last week was green.",
            before_reps=9 + week,
            before_sets=2,
            after_reps=10 + week,
            after_sets=2,
        )
    ProgressionDecision.objects.create(
        member=member,
        week_start=started + timedelta(weeks=2),
        exercise=None,
        kind="advance_phase",
        reason="On to Isometric holds! Two green weeks. Side plank stays at 11 reps × 2 sets.",
    )
    PainEscalation.objects.create(
        member=member, kind="severe_session", day=started + timedelta(weeks=1), advice="Rest."
    )
    return member
