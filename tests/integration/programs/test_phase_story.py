"""Today, Programme and Progress tell one story about the member's phase.

Each page renders the phase story from programs.selectors.phase; for the same member, in a few
states, the three pages must state the same numbers."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest

from programs.models import Enrolment, PlannedItem, PlannedSession
from programs.services import plan_day
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db
WEDNESDAY = date(2026, 3, 18)
STORY = re.compile(r'<section class="card phase-story".*?</section>', re.S)


def story_blocks(client) -> dict[str, str]:
    blocks = {}
    for url in ("/today/", "/programme/", "/progress/"):
        response = client.get(url)
        assert response.status_code == 200, url
        found = STORY.findall(response.content.decode())
        assert len(found) == 1, url
        blocks[url] = " ".join(found[0].split())
    return blocks


def one_story(client) -> str:
    blocks = story_blocks(client)
    assert len(set(blocks.values())) == 1, blocks
    return next(iter(blocks.values()))


def finish(member, day, *, pain=2, effort=5):
    session = plan_day(member=member, day=day)
    PlannedItem.objects.filter(session=session).update(
        completed_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8),
        target_met=True,
    )
    PlannedSession.objects.filter(pk=session.pk).update(
        status="completed", pain_during=pain, effort=effort, morning_pain=pain
    )


@pytest.fixture
def wednesday(time_machine):
    time_machine.move_to(datetime(2026, 3, 18, 12, tzinfo=UTC))


def test_a_new_member_is_promised_nothing_before_a_session(client, wednesday):
    member = MemberFactory()
    enrol(member, today=WEDNESDAY)
    client.force_login(member)
    story = one_story(client)
    assert "Week 1 of at least 2 in Reconnect" in story
    assert "Your first session starts the count" in story
    assert "progressbar" not in story and "%:" not in story
    assert "0 of 0" not in story and "week 0" not in story.lower()
    assert "At least 1 week more after this one" in story
    assert "none yet" in story


def test_mid_phase_pages_state_the_same_counts(client, wednesday):
    member = MemberFactory()
    monday = WEDNESDAY - timedelta(days=2)
    enrol(member, today=monday)
    finish(member, monday)  # Monday done, Tuesday never opened (missed), Wednesday to do
    client.force_login(member)
    story = one_story(client)
    assert "Week 1 of at least 2 in Reconnect" in story
    assert "1 of 2 planned sessions done over the last two weeks (2 needed)" in story
    # A week of two (50 %) and half of the 80 % asked for (62.5 %): 56 %.
    assert "Progress toward Isometric holds: 56%" in story

    finish(member, WEDNESDAY)  # today's session counts once it is finished
    story = one_story(client)
    assert "2 of 3 planned sessions done over the last two weeks (3 needed)" in story


def test_ready_to_advance_says_so_everywhere(client, wednesday):
    member = MemberFactory()
    started = WEDNESDAY - timedelta(days=9)  # Monday of last week
    enrol(member, today=started)
    Enrolment.objects.filter(member=member).update(weeks_in_phase=1)
    day = started
    while day < WEDNESDAY:
        finish(member, day)
        day += timedelta(days=1)
    client.force_login(member)
    story = one_story(client)
    assert "Week 2 of at least 2 in Reconnect" in story
    assert "Ready for Isometric holds" in story
    assert "Progress toward Isometric holds: 100%" in story
    assert "9 of 9 planned sessions done" in story
