"""Coach lists that grow with the membership read one page, by an index on their order."""

import pytest
from django.db import connection
from django.urls import reverse

from community import selectors as forum
from community import services
from programs.models import ProgressionDecision
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_moderation_queue_is_paginated(client, coach, thread_with, monkeypatch):
    monkeypatch.setattr(forum, "MODERATION_PER_PAGE", 2)
    thread = thread_with(5)
    for post in thread.posts.all():
        services.report_create(reporter=MemberFactory(), post=post, reason="please look")
    client.force_login(coach)
    first = client.get(reverse("community:moderation"))
    assert len(first.context["reports"].object_list) == 2
    assert b"reports_page=2" in first.content
    last = client.get(reverse("community:moderation") + "?reports_page=3")
    assert len(last.context["reports"].object_list) == 1
    assert client.get(reverse("community:moderation") + "?reports_page=x").status_code == 200


def test_the_decisions_list_opens_for_an_admin(admin_client):
    response = admin_client.get(reverse("admin:programs_progressiondecision_changelist"))
    assert response.status_code == 200


def test_each_decision_in_the_list_links_to_its_own_page(admin_client, member):
    from datetime import date, timedelta

    from tests.factories.sessions import HoldExerciseFactory

    plank = HoldExerciseFactory(name="Side plank")
    decisions = [
        ProgressionDecision.objects.create(
            member=member,
            week_start=date(2026, 1, 5) + timedelta(weeks=n),
            exercise=plank,
            kind="hold",
            reason=f"Week {n}",
        )
        for n in range(3)
    ]
    response = admin_client.get(reverse("admin:programs_progressiondecision_changelist"))
    html = response.content.decode()
    for decision in decisions:  # one URL reversed per page, each row's own id put in it
        url = reverse("admin:programs_progressiondecision_change", args=[decision.pk])
        assert f'href="{url}' in html


@pytest.mark.postgres
def test_postgres_coach_lists_walk_an_index():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        decisions = ProgressionDecision.objects.order_by("-week_start", "id")[:50].explain()
        reports = forum.moderation_queue()["reports"].paginator.object_list[:25].explain()
        pending = forum.moderation_queue()["pending"].paginator.object_list[:25].explain()
    assert "decision_newest_first" in decisions
    assert "community_report_open" in reports
    assert "community_post_pending" in pending
