"""Reasons worth reading: a first plan says its welcome once for the session, and
each exercise keeps only what is its own."""

import re
from types import SimpleNamespace

import pytest
from django.utils import timezone

from programs.models import PlannedSession
from programs.selectors.wording import plan_wording
from tests.factories import MemberFactory
from tests.factories.programs import enrol

pytestmark = pytest.mark.django_db


def item(pk, reason, why="", role="main"):
    return SimpleNamespace(pk=pk, reason=reason, why_today=why, role=role)


def test_shared_sentences_are_said_once():
    items = [
        item(1, "Welcome to A. Cat-cow starts at 8 reps.", "Warm-up: eases you in.", "warm_up"),
        item(2, "Welcome to A. Knee hug starts at 20 s.", "Warm-up: eases you in.", "warm_up"),
        item(3, "Up a little: 10 s × 3 sets.", "Its turn: last done on Monday."),
    ]
    wording = plan_wording(items, first_plan=False)
    assert wording.session_notes == ["Welcome to A.", "Warm-up: eases you in."]
    assert wording.reasons == {
        1: "Cat-cow starts at 8 reps.",
        2: "Knee hug starts at 20 s.",
        3: "Up a little: 10 s × 3 sets.",
    }
    assert wording.whys == {1: "", 2: "", 3: "Its turn: last done on Monday."}


def test_a_lone_sentence_stays_with_its_exercise():
    wording = plan_wording(
        [item(1, "Welcome to A. Plank starts at 10 s.", "Why.")], first_plan=False
    )
    assert wording.session_notes == []
    assert wording.reasons == {1: "Welcome to A. Plank starts at 10 s."}
    assert wording.whys == {1: "Why."}


def test_first_plan_on_today_reads_once(client):
    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    html = client.get("/today/").content.decode().replace("&#x27;", "'")
    session = PlannedSession.objects.get(member=member, date=timezone.localdate())
    items = list(session.items.select_related("exercise"))
    assert len(items) > 1
    welcome = items[0].reason.split(". ")[0] + "."
    assert welcome.startswith("Welcome to")
    assert html.count(welcome) == 1
    assert "Not done before" not in html
    assert "Your first session: every exercise is new" in html
    for planned in items:
        assert planned.reason.split(". ", 1)[1] in html  # each exercise's own start dose


def test_visitors_sample_says_the_welcome_once(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())  # signed up, not yet a member
    response = client.get("/today/")
    html = response.content.decode().replace("&#x27;", "'")
    assert "What a first day looks like" in html
    notes = response.context["plan_notes"]
    items = response.context["items"]
    assert len(items) > 1
    welcome = next(note for note in notes if note.startswith("Welcome to"))
    assert html.count(welcome) == 1
    assert "Your first session: every exercise is new" in html
    assert "Not done before" not in html
    for item in items:
        assert not item["reason"].startswith("Welcome to")
        assert item["reason"] in html  # each exercise keeps its own start dose
        # Doses worded as Today words them ("20 s hold × 2 sets each side").
        assert re.fullmatch(r"\d+ (s hold|reps) × \d+ sets?( each side)?", item["dose"])


def test_the_player_says_the_welcome_once_then_only_each_exercises_own_words(client):
    from programs.services.sessions import session_log_item

    member = MemberFactory()
    enrol(member)
    client.force_login(member)
    client.get("/today/")
    session = PlannedSession.objects.get(member=member, date=timezone.localdate())
    items = list(session.items.order_by("order"))
    assert len(items) > 1
    welcome = items[0].reason.split(". ")[0] + "."
    assert welcome.startswith("Welcome to")

    def player() -> str:
        return client.get("/today/session/").content.decode().replace("&#x27;", "'")

    first = player()
    assert first.count(welcome) == 1  # said once, before the first exercise
    assert items[0].reason.split(". ", 1)[1] in first
    done = items[0]
    session_log_item(
        member=member,
        item=done,
        actual_seconds=done.hold_seconds,
        actual_reps=done.reps,
        actual_sets=done.sets,
        sides_done=2 if done.per_side else None,
    )
    second = player()
    assert welcome not in second  # not repeated as the member moves on
    assert items[1].reason.split(". ", 1)[1] in second
