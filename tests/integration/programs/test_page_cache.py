"""Kept member pages never show an older state than the database holds: every write, by any
path (a service, a bulk UPDATE, raw SQL), changes the member's fingerprint and the page is
built again. The safety gate is never kept."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from programs.choices import EnrolmentStatus
from programs.models import (
    Enrolment,
    PainEscalation,
    Phase,
    PlannedItem,
    PlannedSession,
    ProgressTotals,
)
from programs.selectors.page_cache import (
    NOT_SHOWN_ON_MEMBER_PAGES,
    fingerprint_models,
    member_fingerprint,
)
from programs.services import plan_day
from tests.factories import MemberFactory
from tests.factories.programs import enrol

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
def test_the_database_function_computes_the_fingerprint_the_code_describes():
    from programs.selectors.page_cache import fingerprint_function_body

    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'programs_member_fingerprint'")
        (source,) = cursor.fetchone()
    assert " ".join(fingerprint_function_body().split()) in " ".join(source.split()), (
        "the fingerprinted tables changed: add a migration that replaces "
        "programs_member_fingerprint with page_cache.fingerprint_function_body()"
    )
