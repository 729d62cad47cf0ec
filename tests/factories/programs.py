"""Intake and enrolment for the programme tests. Phases and pools come from migrations."""

import factory
from django.utils import timezone

from programs.models import Intake

NO_FLAGS: dict[str, bool] = {}

INTAKE_DATA = {
    "pain_now": 2,
    "pain_low_back": True,
    "pain_buttock": False,
    "pain_leg": False,
    "duration": "over_12_weeks",
    "age_band": "40_54",
    "activity_level": "light",
    "equipment": [],
    "minutes_per_day": 10,
    "training_days": "1111111",
    "goals": "",
    "fear_bending_harms": False,
    "fear_pain_means_harm": False,
    "fear_rest_until_better": False,
}


class IntakeFactory(factory.django.DjangoModelFactory):
    """A completed intake with no red flags (no enrolment: use `enrol` for that)."""

    class Meta:
        model = Intake

    member = factory.SubFactory("tests.factories.accounts.MemberFactory")
    pain_now = 2
    pain_worst = factory.LazyAttribute(lambda intake: min(10, intake.pain_now + 2))
    pain_low_back = True
    duration = "over_12_weeks"
    age_band = "40_54"
    activity_level = "light"
    equipment = factory.LazyFunction(list)
    minutes_per_day = 10
    training_days = "1111111"
    track = "general"
    completed_at = factory.LazyFunction(timezone.now)


def enrol(member, *, today=None, **overrides):
    """Screen (no flags) and complete the intake through the services, as the intake page does."""
    from programs.services import intake_complete, intake_screen_submit

    intake_screen_submit(member=member, answers=NO_FLAGS)
    return intake_complete(member=member, data={**INTAKE_DATA, **overrides}, today=today)


def review_due_weeks() -> dict:
    """Run the hourly weekly task as beat would, with its chunk tasks (sent after commit) run
    here too, and return the run's counters (all zero when nobody was due)."""
    from django.test import TestCase

    from programs.models import ProgressionRun
    from programs.services.progression import progression_run_result
    from programs.tasks import weekly_progression

    with TestCase.captureOnCommitCallbacks(execute=True):
        started = weekly_progression.delay().get()
    if started["run"] is None:
        return {"members_reviewed": 0, "already_reviewed": 0, "stepped_back": 0, "advanced": 0}
    return vars(progression_run_result(run=ProgressionRun.objects.get(pk=started["run"])))
