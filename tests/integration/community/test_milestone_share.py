"""Sharing a milestone with the forum: only when the member asks, once, as a check-in."""

from datetime import date

import pytest

from community.models import MilestoneShare, Post, Thread
from community.services.sharing import milestone_share
from programs.models import Milestone
from tests.factories import MemberFactory, enrol

pytestmark = pytest.mark.django_db
DAY = date(2026, 9, 7)


@pytest.fixture
def sharer():
    member = MemberFactory()
    enrol(member)
    milestone = Milestone.objects.create(
        member=member, kind="sessions", sessions=10, reached_on=DAY
    )
    return member, milestone


def url(milestone) -> str:
    return f"/community/share/milestone/{milestone.pk}/"


def test_the_share_page_posts_nothing_until_the_member_presses(client, sharer):
    member, milestone = sharer
    client.force_login(member)
    response = client.get(url(milestone))
    assert response.status_code == 200
    assert "10 sessions done" in response.content.decode()
    assert not Thread.objects.exists() and not MilestoneShare.objects.exists()


def test_pressing_posts_one_check_in_and_pressing_again_finds_it(client, sharer):
    member, milestone = sharer
    client.force_login(member)
    response = client.post(url(milestone), {"note": "Slow and steady."})
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert thread.category.slug == "progress-and-wins" and thread.title == "10 sessions done"
    post = Post.objects.get(thread=thread)
    assert post.author == member and post.is_opening
    assert post.has_badge  # the existing check-in badge: streak and phase
    assert post.badge_phase_name
    assert "10 finished sessions" in post.body and post.body.endswith("Slow and steady.")
    again = client.post(url(milestone), {"note": "twice"})
    assert again.status_code == 302 and again["Location"] == thread.get_absolute_url()
    assert Thread.objects.count() == 1 and MilestoneShare.objects.count() == 1
    page = client.get(url(milestone)).content.decode()
    assert "You shared this on" in page and thread.get_absolute_url() in page


def test_the_service_is_idempotent_too(sharer):
    member, milestone = sharer
    first = milestone_share(author=member, milestone_id=milestone.pk)
    assert milestone_share(author=member, milestone_id=milestone.pk) == first
    assert Thread.objects.count() == 1


def test_someone_elses_milestone_is_not_found(client, sharer):
    _member, milestone = sharer
    other = MemberFactory()
    enrol(other)
    client.force_login(other)
    assert client.get(url(milestone)).status_code == 404
    assert client.post(url(milestone)).status_code == 404
    assert not Thread.objects.exists()


def test_a_too_long_note_is_refused_with_a_message(client, sharer):
    member, milestone = sharer
    client.force_login(member)
    response = client.post(url(milestone), {"note": "x" * 1001})
    assert response.status_code == 422
    assert not Thread.objects.exists()


def test_progress_links_each_milestone_to_its_share_page(client, sharer):
    member, milestone = sharer
    client.force_login(member)
    assert url(milestone) in client.get("/progress/").content.decode()
