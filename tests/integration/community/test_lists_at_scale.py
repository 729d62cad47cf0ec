"""Coach lists that grow with the membership read one page, by an index on their order."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from community import selectors as forum
from community import services
from programs.models import ProgressionDecision
from tests.factories import CoachFactory, MemberFactory, PostFactory

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
        reports = forum.open_reports()[:25].explain()
        pending = forum.pending_posts()[:25].explain()
    assert "decision_newest_first" in decisions
    assert "community_report_open" in reports
    assert "community_post_pending" in pending


def test_the_queue_shows_each_waiting_post_and_report_with_its_actions(client, coach, thread_with):
    thread = thread_with(1, title="Morning stiffness")
    reported = thread.posts.get()
    services.report_create(reporter=MemberFactory(), post=reported, reason="Selling pills")
    waiting = PostFactory(thread=thread, is_approved=False, body_html="<p>first words</p>")
    client.force_login(coach)
    html = client.get(reverse("community:moderation")).content.decode()
    assert f"{waiting.author_name} in" in html and "Morning stiffness" in html
    assert f"({thread.category.name})" in html and "<p>first words</p>" in html
    for name, pk in (("post_approve", waiting.pk), ("post_hide", waiting.pk)):
        assert reverse(f"community:{name}", args=[pk]) in html
    report = reported.reports.get()
    assert "Selling pills" in html and reverse("community:post", args=[reported.pk]) in html
    assert reverse("community:report_close", args=[report.pk]) in html
    assert reverse("community:post_hide", args=[reported.pk]) in html


def test_a_report_is_drawn_again_once_its_post_is_hidden(client, coach, thread_with):
    post = thread_with(1).posts.get()
    services.report_create(reporter=MemberFactory(), post=post, reason="please look")
    client.force_login(coach)
    hide = reverse("community:post_hide", args=[post.pk])
    assert hide in client.get(reverse("community:moderation")).content.decode()
    services.post_hide(coach=coach, post=post, reason="Spam")
    html = client.get(reverse("community:moderation")).content.decode()
    assert "post already hidden" in html and hide not in html


def test_each_coach_closes_a_report_with_their_own_token(coach, thread_with):
    from django.test import Client

    post = thread_with(1).posts.get()
    report = services.report_create(reporter=MemberFactory(), post=post, reason="please look")
    first = Client(enforce_csrf_checks=True)
    first.force_login(coach)
    first.get(reverse("community:moderation"))  # the report's card is kept from here
    second = Client(enforce_csrf_checks=True)
    second.force_login(CoachFactory())
    html = second.get(reverse("community:moderation")).content.decode()
    close = reverse("community:report_close", args=[report.pk])
    form = html[html.index(f'action="{close}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = second.post(close, {"status": "resolved", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "resolved"


def test_the_queue_names_each_reporter_as_members_see_them_never_by_email(
    client, coach, thread_with
):
    """The queue reads reports as plain rows; the reporter's name follows the one public-name
    rule: their display name, else "Member <id>", and "a former member" once they are gone."""
    named, unnamed, leaving = MemberFactory(), MemberFactory(), MemberFactory()
    named.profile.display_name = "Sunny"
    named.profile.save(update_fields=["display_name"])
    unnamed.profile.display_name = ""
    unnamed.profile.save(update_fields=["display_name"])
    for reporter, post in zip((named, unnamed, leaving), thread_with(3).posts.all(), strict=True):
        services.report_create(reporter=reporter, post=post, reason="please look")
    leaving.delete()
    client.force_login(coach)
    html = client.get(reverse("community:moderation")).content.decode()
    assert "Reported by Sunny," in html
    assert f"Reported by Member {unnamed.pk}," in html
    assert "Reported by a former member," in html
    assert unnamed.email not in html and named.email not in html
