"""The four-weekly re-check schedule through Today, in the member's own calendar: due, skipped
(quiet for the rest of that local day, asked again after local midnight), late, answered, and
the next one four weeks after the answer. Members east and west of UTC, and one whose four
weeks cross the end of summer time, each act late in their evening, when the UTC date is
already (or still) a different one."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from programs.models import OutcomeCheck, RecheckSkip
from programs.services.intake import intake_screen_submit
from tests.factories import MemberFactory, enrol

pytestmark = pytest.mark.django_db
START = date(2026, 10, 1)
ASKED = "Time for your four-weekly check"
ANSWERS = {"pain_usual": "4", "pain_worst": "6"}


def _at(zone: str, day: date, clock: time):
    return time_machine.travel(datetime.combine(day, clock, tzinfo=ZoneInfo(zone)), tick=False)


def _asked(client) -> bool:
    response = client.get("/today/")
    assert response.status_code == 200
    return ASKED in response.content.decode()


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "Pacific/Honolulu", "Europe/London"])
def test_due_skipped_late_and_answered_in_the_members_own_calendar(client, zone):
    member = MemberFactory()
    member.profile.timezone = zone
    member.profile.save(update_fields=["timezone"])
    late_evening, just_after_midnight = time(23, 40), time(0, 10)
    with _at(zone, START, late_evening):
        enrol(member, today=START, pain_now=6)
    assert OutcomeCheck.objects.get(member=member).taken_on == START
    client.force_login(member)
    due = START + timedelta(days=28)

    with _at(zone, due - timedelta(days=1), late_evening):
        assert not _asked(client), "not before four weeks, whatever the UTC date"
    with _at(zone, due, just_after_midnight):
        assert _asked(client), "due from the member's own midnight"
    with _at(zone, due, late_evening):
        assert client.post("/today/recheck/skip/").status_code == 302
        assert RecheckSkip.objects.get(member=member).skipped_on == due
        assert not _asked(client), "a skip quiets it for the rest of that day"
    with _at(zone, due + timedelta(days=1), just_after_midnight):
        assert _asked(client), "asked again at the next visit"

    late = due + timedelta(days=3)
    with _at(zone, late, late_evening):
        assert _asked(client), "late is fine: still asked"
        intake_screen_submit(member=member, answers={})  # the safety re-check, also due
        response = client.post("/today/recheck/", ANSWERS)
        assert response.status_code == 302, response.content[:400]
        assert not _asked(client)
    check = OutcomeCheck.objects.get(member=member, kind="recheck")
    assert check.taken_on == late, "dated in the member's calendar"

    following = late + timedelta(days=28)
    with _at(zone, following - timedelta(days=1), late_evening):
        assert not _asked(client), "the next one counts from the answer, not the old due date"
    with _at(zone, following, just_after_midnight):
        assert _asked(client)
    assert list(OutcomeCheck.objects.filter(member=member).values_list("kind", "taken_on")) == [
        ("intake", START),
        ("recheck", late),
    ]
