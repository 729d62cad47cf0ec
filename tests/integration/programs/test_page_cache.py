"""Kept member pages never show an older state than the database holds: every write, by any
path (a service, a bulk UPDATE, raw SQL), changes the member's fingerprint and the page is
built again. The safety gate is never kept."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.choices import EnrolmentStatus
from programs.models import (
    Enrolment,
    PainEscalation,
    Phase,
    PlannedItem,
    PlannedSession,
    ProgressionDecision,
    ProgressTotals,
)
from programs.selectors.page_cache import (
    NOT_SHOWN_ON_MEMBER_PAGES,
    fingerprint_models,
    member_fingerprint,
)
from programs.services import plan_day
from programs.services.safety_gate import safety_verdict
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.page_pins import without_tokens

pytestmark = pytest.mark.django_db


def test_every_member_table_is_in_the_fingerprint_or_declared_not_shown():
    covered = {m._meta.label_lower for m in fingerprint_models()}
    for model in apps.get_app_config("programs").get_models():
        member_fields = [
            f
            for f in model._meta.fields
            if f.is_relation
            and f.name == "member"
            and f.related_model._meta.label == settings.AUTH_USER_MODEL
        ]
        if member_fields:
            label = model._meta.label_lower
            assert label in covered or label in NOT_SHOWN_ON_MEMBER_PAGES, (
                f"{label} points at a member: add it to page_cache's fingerprint, or declare "
                "it not shown on member pages"
            )


def _planned_member():
    member = MemberFactory()
    enrol(member)
    session = plan_day(member=member, day=timezone.localdate())
    return member, session


@pytest.mark.postgres
def test_any_write_changes_the_fingerprint_even_inside_one_transaction():
    member, session = _planned_member()
    day = timezone.localdate()
    window = {"member_id": member.pk, "since": day - timedelta(days=28), "until": day}
    first = member_fingerprint(**window)
    assert member_fingerprint(**window) == first
    item = session.items.first()
    # A bulk UPDATE that sets the same value still writes a new row version.
    PlannedItem.objects.filter(pk=item.pk).update(sets=item.sets)
    second = member_fingerprint(**window)
    assert second != first
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_memberdose SET reason = reason WHERE member_id = %s", [member.pk]
        )
    assert member_fingerprint(**window) != second
    other = MemberFactory()
    enrol(other)
    plan_day(member=other, day=day)
    third = member_fingerprint(**window)
    PlannedItem.objects.filter(session__member=other).update(sets=1)
    assert member_fingerprint(**window) == third  # someone else's rows are not this member's


@pytest.mark.postgres
def test_the_fingerprint_read_with_the_gate_is_the_members_own(django_assert_num_queries):
    """Today and the programme page read the fingerprint in the safety gate's query: the same
    value the fingerprint's own query gives, for the window asked, and it moves with a write."""
    member, session = _planned_member()
    day = timezone.localdate()
    since = day - timedelta(days=28)
    with django_assert_num_queries(1):
        verdict = safety_verdict(member=member, day=day, fingerprint_window=(since, day))
    assert verdict.is_open
    assert verdict.fingerprint == member_fingerprint(member_id=member.pk, since=since, until=day)
    wider = safety_verdict(member=member, day=day, fingerprint_window=(since, day + timedelta(7)))
    assert wider.fingerprint == member_fingerprint(
        member_id=member.pk, since=since, until=day + timedelta(7)
    )
    PlannedItem.objects.filter(session=session).update(sets=1)
    again = safety_verdict(member=member, day=day, fingerprint_window=(since, day))
    assert again.fingerprint != verdict.fingerprint
    assert again == verdict  # the verdict itself is unchanged: the fingerprint is beside it
    assert safety_verdict(member=member, day=day).fingerprint is None  # not asked for


def test_without_postgresql_the_gate_reads_no_fingerprint():
    member, _session = _planned_member()
    day = timezone.localdate()
    verdict = safety_verdict(member=member, day=day, fingerprint_window=(day, day))
    assert verdict.is_open
    assert (verdict.fingerprint is None) == (connection.vendor != "postgresql")


@pytest.mark.postgres
def test_a_dose_changed_by_a_bulk_update_shows_on_the_next_visit(client):
    member, session = _planned_member()
    client.force_login(member)
    item = session.items.filter(hold_seconds__isnull=False).first() or session.items.first()
    assert client.get("/today/").status_code == 200
    if item.hold_seconds:
        PlannedItem.objects.filter(pk=item.pk).update(hold_seconds=37)
        expected = "37 s hold"
    else:
        PlannedItem.objects.filter(pk=item.pk).update(reps=37)
        expected = "37 reps"
    assert expected in client.get("/today/").content.decode()


@pytest.mark.postgres
def test_pain_advice_and_a_pause_show_at_once(client):
    member, _session = _planned_member()
    client.force_login(member)
    day = timezone.localdate()
    assert "Please check in with a clinician" not in client.get("/today/").content.decode()
    PainEscalation.objects.create(
        member=member, kind="two_reds", day=day, advice="See a physiotherapist this week."
    )
    assert "See a physiotherapist this week." in client.get("/today/").content.decode()
    Enrolment.objects.filter(member=member).update(status=EnrolmentStatus.PAUSED_FOR_PAIN)
    for url in ("/today/", "/programme/"):
        html = client.get(url).content.decode()
        assert "Your sessions start" not in html
        assert "paused" in html.lower()
        assert "Start session" not in html


@pytest.mark.postgres
def test_a_phase_change_shows_on_programme_and_progress(client):
    member, _session = _planned_member()
    client.force_login(member)
    first = Enrolment.objects.get(member=member).phase
    later = Phase.objects.exclude(pk=first.pk).order_by("order").last()
    assert f"Phase {first.order}: {first.name}" in client.get("/programme/").content.decode()
    assert f"Phase {first.order}: {first.name}" in client.get("/progress/").content.decode()
    Enrolment.objects.filter(member=member).update(phase=later)
    for url in ("/programme/", "/progress/", "/today/"):
        html = client.get(url).content.decode()
        assert f"Phase {later.order}: {later.name}" in html, url


@pytest.mark.postgres
def test_kept_forms_carry_the_requesters_own_csrf_token(client):
    from programs.selectors.page_cache import CSRF_PLACEHOLDER

    member, _session = _planned_member()
    yesterday = PlannedSession.objects.create(
        member=member,
        date=timezone.localdate() - timedelta(days=1),
        phase=Enrolment.objects.get(member=member).phase,
        status="completed",
        pain_during=2,
    )
    assert yesterday.morning_pain is None
    client.force_login(member)
    first = client.get("/today/").content.decode()
    second = client.get("/today/").content.decode()
    for html in (first, second):
        assert 'name="csrfmiddlewaretoken"' in html  # the morning question's form
        assert CSRF_PLACEHOLDER not in html


def test_old_history_edits_drop_the_stored_totals():
    from programs.selectors.progress import CHART_WEEKS, totals_before, week_start
    from programs.services.progress_totals import progress_totals_roll

    member = MemberFactory()
    enrol(member)
    day = timezone.localdate()
    old = PlannedSession.objects.create(
        member=member,
        date=day - timedelta(weeks=CHART_WEEKS + 3),
        phase=Enrolment.objects.get(member=member).phase,
        status="completed",
        pain_during=3,
    )
    through = week_start(day) - timedelta(weeks=CHART_WEEKS - 1)
    totals = progress_totals_roll(member_id=member.pk, through_week=through)
    assert totals.sessions_completed == 1
    assert totals_before(member=member, through_week=through)["sessions_completed"] == 1
    # A recent session never touches the totals.
    PlannedSession.objects.create(
        member=member,
        date=day - timedelta(days=3),
        phase=old.phase,
        status="completed",
        pain_during=1,
    )
    assert ProgressTotals.objects.filter(member=member).exists()
    old.status = "skipped"
    old.save(update_fields=["status"])  # an admin correction of old history
    assert not ProgressTotals.objects.filter(member=member).exists()


@pytest.mark.postgres
def test_the_player_shows_a_saved_item_and_a_changed_step_at_once(client):
    from exercises.models import ExerciseStep

    member, session = _planned_member()
    client.force_login(member)
    first = client.get("/today/session/").content.decode()
    assert f"Exercise 1 of {session.items.count()}" in first
    item = session.items.order_by("order").first()
    PlannedItem.objects.filter(pk=item.pk).update(
        completed_at=timezone.now(), actual_seconds=5, actual_reps=5, actual_sets=1
    )
    assert (
        f"Exercise 2 of {session.items.count()}" in client.get("/today/session/").content.decode()
    )
    step = ExerciseStep.objects.filter(exercise_id=item.exercise_id).first()
    if step is None:
        step = ExerciseStep.objects.create(exercise_id=item.exercise_id, order=1, text="Begin.")
    # The first item is done: its change link shows it again, kept like any other view.
    url = f"/today/session/?item={item.pk}"
    assert "Breathe out slowly, then rest." not in client.get(url).content.decode()
    ExerciseStep.objects.filter(pk=step.pk).update(text="Breathe out slowly, then rest.")
    assert "Breathe out slowly, then rest." in client.get(url).content.decode()


@pytest.mark.postgres
@pytest.mark.parametrize("scope", ["member", "player"])
def test_the_database_function_computes_the_fingerprint_the_code_describes(scope):
    from programs.selectors.page_cache import fingerprint_function_body, fingerprint_function_name

    name = fingerprint_function_name(scope)
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [name])
        (source,) = cursor.fetchone()
    assert " ".join(fingerprint_function_body(scope).split()) in " ".join(source.split()), (
        f"the fingerprinted tables changed: add a migration that replaces {name} with "
        f"page_cache.fingerprint_function_body({scope!r})"
    )


# --- The session player: kept under a fingerprint of only the rows it draws.

PLAYER = "/today/session/"
_TABLE = re.compile(r'(?:FROM|JOIN)\s+"?([a-z][a-z0-9_]*)"?')


def _tables_read(client, url: str) -> Counter:
    """The tables each query of a request read (a query's values, e.g. the time a login
    session is checked against, differ between requests; its tables do not)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return Counter(tuple(sorted(set(_TABLE.findall(q["sql"])))) for q in queries.captured_queries)


@pytest.mark.postgres
@pytest.mark.parametrize("redo", [False, True])
def test_the_player_body_reads_only_rows_in_the_players_fingerprint(client, redo):
    """What building the body reads (the queries a request makes beyond those of a request
    served from the cache) all come from tables in the player's fingerprint: a body that drew
    another row could be kept past a change to it."""
    member, session = _planned_member()
    client.force_login(member)
    first = session.items.order_by("order").first()
    PlannedItem.objects.filter(pk=first.pk).update(
        completed_at=timezone.now(), actual_reps=5, actual_seconds=5, actual_sets=1
    )
    url = f"{PLAYER}?item={first.pk}" if redo else PLAYER
    assert client.get(url).status_code == 200
    PlannedItem.objects.filter(pk=first.pk).update(sets=first.sets)  # a new row version
    built = _tables_read(client, url)
    served = _tables_read(client, url)
    read = {table for tables in (built - served) for table in tables}
    assert {"programs_planneditem", "exercises_exercisestep", "exercises_exerciseimage"} <= read
    covered = {model._meta.db_table for model in fingerprint_models("player")}
    assert read <= covered, f"the player's body reads {read - covered}: fingerprint them"


@pytest.mark.postgres
def test_the_player_shows_an_exercise_changed_in_bulk_at_once(client):
    """A bulk UPDATE sends no signal, so the programme bundle's version does not move: the
    player still shows the change, because the exercises' rows are in its fingerprint."""
    from exercises.models import Exercise
    from programs.selectors.programme import programme_cache_version

    member, session = _planned_member()
    client.force_login(member)
    item = session.items.order_by("order").first()
    assert "Sudden numbness in the saddle area." not in client.get(PLAYER).content.decode()
    version = programme_cache_version()
    Exercise.objects.filter(pk=item.exercise_id).update(
        cautions="Sudden numbness in the saddle area.", name="Renamed in bulk"
    )
    assert programme_cache_version() == version
    html = client.get(PLAYER).content.decode()
    assert "<strong>Stop if:</strong> Sudden numbness in the saddle area." in html
    assert "Renamed in bulk" in html


@pytest.mark.postgres
def test_the_player_shows_a_dose_and_pain_answer_changed_in_bulk_at_once(client):
    member, session = _planned_member()
    client.force_login(member)
    item = session.items.order_by("order").first()
    html = client.get(PLAYER).content.decode()
    assert "Before you start: how much does your back hurt" in html
    PlannedItem.objects.filter(pk=item.pk).update(
        hold_seconds=37, reps=None, sets=3, per_side=False
    )
    PlannedSession.objects.filter(pk=session.pk).update(pain_before=4)
    html = client.get(PLAYER).content.decode()
    assert "37 s hold × 3 sets" in html
    assert "Before you start" not in html
    PlannedSession.objects.filter(pk=session.pk).update(pain_before=None)
    assert "Before you start" in client.get(PLAYER).content.decode()


@pytest.mark.postgres
def test_the_player_shows_an_admin_correction_of_a_dose_at_once(client, admin_client):
    from tests.integration.exercises.test_admin import admin_form_data

    member, session = _planned_member()
    client.force_login(member)
    item = session.items.order_by("order").first()
    assert client.get(PLAYER).status_code == 200
    url = reverse("admin:programs_plannedsession_change", args=[session.pk])
    data = admin_form_data(admin_client.get(url))
    prefix = next(
        key for key, value in data.items() if key.endswith("-id") and value == str(item.pk)
    )
    data[prefix.removesuffix("id") + "sets"] = "4"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    item.refresh_from_db()
    assert item.sets == 4
    assert item.dose_label in client.get(PLAYER).content.decode()
    assert " × 4 sets" in item.dose_label


def test_a_release_that_changes_an_asset_keeps_no_page_of_the_old_one(settings, tmp_path):
    """Kept bodies hold hashed static addresses: a new asset is a new code version."""
    from programs.selectors.page_cache import code_version

    (tmp_path / "static").mkdir()
    asset = tmp_path / "static" / "player.css"
    asset.write_text(".player { color: black; }")
    settings.BASE_DIR = tmp_path
    try:
        code_version.cache_clear()
        before = code_version()
        code_version.cache_clear()
        assert code_version() == before
        asset.write_text(".player { color: navy; }")
        code_version.cache_clear()
        assert code_version() != before
    finally:
        code_version.cache_clear()


# --- Decisions: the member pages' fingerprint hashes exactly the ones Progress lists.


def _decisions_listed(html: str) -> list[str]:
    """The reasons of the decisions Progress shows, in its order."""
    section = html.split('id="decisions-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<br>(.*?)</li>", section)


def _member_with_decisions(weeks: int = 4, per_week: int = 3):
    """A planned member with `per_week` decisions (one per exercise) in each of the last
    `weeks` weeks, created oldest week first, so ids rise as weeks get newer and, within a
    week, from exercise to exercise (Progress lists newest week first, then lowest id)."""
    from programs.selectors.member import week_start_of
    from tests.factories import ExerciseFactory

    member, _session = _planned_member()
    # Enrolment writes this week's "start" decisions (one per exercise, the welcome): they
    # would be listed first and push these down; this history replaces them.
    ProgressionDecision.objects.filter(member=member).delete()
    exercises = [ExerciseFactory(name=f"Decided exercise {n}") for n in range(per_week)]
    monday = week_start_of(timezone.localdate())
    for ago in range(weeks - 1, -1, -1):
        for n, exercise in enumerate(exercises):
            ProgressionDecision.objects.create(
                member=member,
                week_start=monday - timedelta(weeks=ago),
                exercise=exercise,
                kind="hold",
                reason=f"Held: {ago} weeks ago, exercise {n}.",
            )
    return member, exercises, monday


def _newest_decisions(member) -> list[str]:
    return list(
        ProgressionDecision.objects.filter(member=member)
        .order_by("-week_start", "id")
        .values_list("reason", flat=True)[:8]
    )


@pytest.mark.postgres
def test_progress_shows_any_change_to_the_decisions_it_lists_at_once(client):
    member, exercises, monday = _member_with_decisions()
    client.force_login(member)
    listed = _decisions_listed(client.get("/progress/").content.decode())
    # Newest week first; in a week, the lower id first. The eighth and ninth share a week.
    assert (
        listed
        == [f"Held: {ago} weeks ago, exercise {n}." for ago in range(3) for n in range(3)][:8]
    )
    assert listed == _newest_decisions(member)
    eighth = ProgressionDecision.objects.get(member=member, reason="Held: 2 weeks ago, exercise 1.")

    # The last one listed, its week shared with one that is not: a bulk UPDATE.
    ProgressionDecision.objects.filter(pk=eighth.pk).update(reason="Backed off: pain after.")
    listed = _decisions_listed(client.get("/progress/").content.decode())
    assert listed[7] == "Backed off: pain after."
    assert listed == _newest_decisions(member)

    # One listed goes: the first unlisted of the same week takes its place.
    ProgressionDecision.objects.filter(
        member=member, reason="Held: 0 weeks ago, exercise 0."
    ).delete()
    listed = _decisions_listed(client.get("/progress/").content.decode())
    assert listed[-1] == "Held: 2 weeks ago, exercise 2."
    assert listed == _newest_decisions(member)

    # An old one, by raw SQL, moved to a newer week than any: listed first.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE programs_progressiondecision SET week_start = %s WHERE member_id = %s"
            " AND reason = %s",
            [monday + timedelta(weeks=1), member.pk, "Held: 3 weeks ago, exercise 0."],
        )
    listed = _decisions_listed(client.get("/progress/").content.decode())
    assert listed[0] == "Held: 3 weeks ago, exercise 0."
    assert listed == _newest_decisions(member)

    # A new decision of this week, by the ORM.
    ProgressionDecision.objects.create(
        member=member,
        week_start=monday,
        exercise=None,
        kind="step_back",
        reason="Stepped back a phase: two red weeks.",
    )
    listed = _decisions_listed(client.get("/progress/").content.decode())
    assert "Stepped back a phase: two red weeks." in listed
    assert listed == _newest_decisions(member)


@pytest.mark.postgres
def test_a_decision_progress_does_not_list_leaves_the_fingerprint_alone(
    client, django_assert_num_queries
):
    from tests.integration.programs.test_progress import PROGRESS_QUERIES_KEPT

    member, exercises, monday = _member_with_decisions()
    client.force_login(member)
    day = timezone.localdate()
    window = {"member_id": member.pk, "since": day - timedelta(days=28), "until": day}
    first = client.get("/progress/").content
    fingerprint = member_fingerprint(**window)
    # The ninth shares the eighth's week but has the higher id; the oldest week is not listed.
    ninth = ProgressionDecision.objects.get(member=member, reason="Held: 2 weeks ago, exercise 2.")
    ProgressionDecision.objects.filter(pk=ninth.pk).update(reason="Changed, never listed.")
    ProgressionDecision.objects.filter(
        member=member, week_start__lt=monday - timedelta(weeks=2)
    ).delete()
    ProgressionDecision.objects.create(
        member=member,
        week_start=monday - timedelta(weeks=10),
        exercise=exercises[0],
        kind="progress",
        reason="Long ago.",
    )
    assert member_fingerprint(**window) == fingerprint
    with django_assert_num_queries(PROGRESS_QUERIES_KEPT):  # served as kept
        again = client.get("/progress/").content
    assert without_tokens(again) == without_tokens(first)
    # A listed one changes it.
    ProgressionDecision.objects.filter(
        member=member, reason="Held: 2 weeks ago, exercise 1."
    ).update(kind="progress")
    assert member_fingerprint(**window) != fingerprint


@pytest.mark.postgres
def test_member_pages_read_no_decision_but_those_the_fingerprint_holds(client):
    """Building Today's, Programme's or Progress's body reads decisions only as Progress
    lists them (newest 8, in its order): a page that drew on any other decision could be kept
    past a change to it."""
    member, _exercises, _monday = _member_with_decisions()
    client.force_login(member)
    for url in ("/today/", "/programme/", "/progress/"):
        assert client.get(url).status_code == 200
        # A new version of a row every page fingerprints: the next request builds its body.
        PlannedItem.objects.filter(session__member=member).update(sets=2)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        decisions = [
            q["sql"] for q in queries.captured_queries if "programs_progressiondecision" in q["sql"]
        ]
        if url == "/progress/":
            assert len(decisions) == 1, decisions
            assert decisions[0].endswith(
                'ORDER BY "programs_progressiondecision"."week_start" DESC,'
                ' "programs_progressiondecision"."id" ASC LIMIT 8'
            ), decisions[0]
        else:
            assert decisions == [], (url, decisions)


@pytest.mark.postgres
@pytest.mark.parametrize("url", ["/today/", "/programme/", "/progress/"])
def test_member_page_bodies_read_only_rows_in_the_member_fingerprint(client, url):
    """What building Today's, Programme's or Progress's body reads (the queries a request makes
    beyond those of a request served from the cache) comes from tables in the member
    fingerprint. Besides: the programme's content (phase and exercise names, joined in; a coach's
    edit moves the programme bundle's version, also in the key) and the member's own user row
    as the anchor of subqueries over their rows. No exercise steps or images: only the player
    shows them, under its own fingerprint."""
    from programs.selectors.programme import programme_build

    member, session = _planned_member()
    PlannedItem.objects.filter(pk=session.items.first().pk).update(
        completed_at=timezone.now(), actual_reps=5, actual_seconds=5, actual_sets=1
    )
    client.force_login(member)
    programme_build()
    assert client.get(url).status_code == 200
    PlannedItem.objects.filter(session__member=member).update(sets=2)  # new row versions
    built = _tables_read(client, url)
    served = _tables_read(client, url)
    read = {table for tables in (built - served) for table in tables}
    assert {"programs_planneditem", "programs_plannedsession"} <= read
    assert not read & {"exercises_exercisestep", "exercises_exerciseimage"}
    covered = {model._meta.db_table for model in fingerprint_models()}
    covered |= {"programs_phase", "exercises_exercise", "accounts_user"}
    assert read <= covered, f"{url}'s body reads {read - covered}: fingerprint them"
