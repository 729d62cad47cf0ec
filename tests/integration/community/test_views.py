import pytest
from django.urls import reverse

from community import services
from community.models import Category, Post, Thread
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def assert_noindex(response):
    assert response["X-Robots-Tag"].startswith("noindex")
    assert b'<meta name="robots" content="noindex' in response.content


def test_community_is_members_only(client):
    response = client.get("/community/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())  # signed in, not a member
    response = client.get("/community/")
    assert response.status_code == 302 and response["Location"].startswith("/join/")


def test_pages_render_for_members_and_are_noindex(client, member, category, thread_with):
    thread = thread_with(3)
    client.force_login(member)
    for url in [
        "/community/",
        category.get_absolute_url(),
        thread.get_absolute_url(),
        reverse("community:thread_new", args=[category.slug]),
        reverse("community:reply", args=[thread.pk]),
        "/notifications/",
        "/notifications/settings/",
        "/community/search/?q=body",
        reverse("community:member", args=[member.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_noindex(response)


def test_start_thread_through_the_form(client, seasoned, category):
    client.force_login(seasoned)
    response = client.post(
        reverse("community:thread_new", args=[category.slug]),
        {"title": "My first week", "body": "Went *well*"},
    )
    thread = Thread.objects.get(title="My first week")
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    page = client.get(thread.get_absolute_url())
    assert b"Went <em>well</em>" in page.content


def test_preview_without_js_keeps_text_and_does_not_post(client, member, thread_with):
    thread = thread_with(1)
    client.force_login(member)
    response = client.post(
        reverse("community:reply", args=[thread.pk]),
        {"body": "**draft** <script>x</script>", "preview": "1"},
    )
    assert response.status_code == 200
    assert b"<strong>draft</strong>" in response.content
    assert b"<script>x</script>" not in response.content
    assert b"**draft**" in response.content  # the typed text is back in the textarea
    assert thread.posts.count() == 1


def test_htmx_preview_returns_cleaned_html(client, member):
    client.force_login(member)
    response = client.post(
        reverse("community:preview"),
        {"body": "[x](javascript:alert(1)) _hi_"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"<em>hi</em>" in response.content
    assert b'href="javascript' not in response.content


def test_flood_control_answers_429_and_returns_the_text(client, seasoned, thread_with):
    thread = thread_with(1)
    client.force_login(seasoned)
    url = reverse("community:reply", args=[thread.pk])
    assert client.post(url, {"body": "first"}).status_code == 302
    response = client.post(url, {"body": "my carefully typed second reply"})
    assert response.status_code == 429
    assert "Retry-After" in response
    assert b"my carefully typed second reply" in response.content
    assert b"please wait" in response.content


def test_locked_thread_reply_is_refused_with_422(client, member, coach, thread_with):
    thread = thread_with(1)
    services.thread_set_flags(coach=coach, thread=thread, locked=True)
    client.force_login(member)
    response = client.post(reverse("community:reply", args=[thread.pk]), {"body": "hello?"})
    assert response.status_code == 422
    assert b"locked" in response.content
    assert b"hello?" in response.content
    assert thread.posts.count() == 1


def test_member_cannot_use_moderation_views(client, member, thread_with):
    thread = thread_with(1)
    post = thread.posts.get()
    client.force_login(member)
    moderate = reverse("community:thread_moderate", args=[thread.pk])
    for action in ("pin", "lock"):
        assert client.post(moderate, {"action": action}).status_code == 403
    assert (
        client.post(reverse("community:post_hide", args=[post.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert (
        client.post(reverse("community:post_edit", args=[post.pk]), {"body": "x"}).status_code
        == 403
    )
    assert client.get("/community/moderation/").status_code == 403
    thread.refresh_from_db()
    assert not thread.is_pinned and not thread.is_locked


def test_coach_uses_moderation_views(client, coach, thread_with):
    thread = thread_with(2)
    post = thread.posts.order_by("created_at").last()
    client.force_login(coach)
    moderate = reverse("community:thread_moderate", args=[thread.pk])
    assert client.post(moderate, {"action": "pin"}).status_code == 302
    assert client.post(moderate, {"action": "lock"}).status_code == 302
    assert client.post(moderate, {"action": "move", "category": "sciatica"}).status_code == 302
    assert (
        client.post(reverse("community:post_hide", args=[post.pk]), {"reason": "Spam"}).status_code
        == 302
    )
    assert (
        client.post(reverse("community:post_edit", args=[post.pk]), {"body": "fixed"}).status_code
        == 302
    )
    thread.refresh_from_db()
    post.refresh_from_db()
    assert thread.is_pinned and thread.is_locked and thread.category.slug == "sciatica"
    assert post.is_hidden and post.body == "fixed"
    assert client.get(reverse("community:post_revisions", args=[post.pk])).status_code == 200
    assert client.get("/community/moderation/").status_code == 200


def test_hidden_post_shows_placeholder_to_members(client, member, coach, thread_with):
    thread = thread_with(2)
    post = thread.posts.order_by("created_at").last()
    Post.objects.filter(pk=post.pk).update(body_html="<p>secret words</p>")
    services.post_hide(coach=coach, post=post, reason="Rude")
    client.force_login(member)
    page = client.get(thread.get_absolute_url())
    assert b"secret words" not in page.content
    assert b"hidden by a coach" in page.content


def test_report_flow_to_coach_queue(client, member, coach, thread_with):
    thread = thread_with(1)
    post = thread.posts.get()
    client.force_login(member)
    response = client.post(
        reverse("community:post_report", args=[post.pk]), {"reason": "Selling pills"}
    )
    assert response.status_code == 302
    client.force_login(coach)
    queue = client.get("/community/moderation/")
    assert b"Selling pills" in queue.content
    report = post.reports.get()
    response = client.post(
        reverse("community:report_close", args=[report.pk]), {"status": "dismissed"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "dismissed" and report.handled_by == coach


def test_reaction_view_toggles(client, member, thread_with):
    post = thread_with(1).posts.get()
    client.force_login(member)
    url = reverse("community:post_react", args=[post.pk])
    assert client.post(url, {"kind": "cheer"}, HTTP_HX_REQUEST="true").status_code == 200
    assert post.reactions.count() == 1
    assert client.post(url, {"kind": "cheer"}).status_code == 302
    assert post.reactions.count() == 0
    assert client.post(url, {"kind": "nope"}).status_code == 400


def test_announcements_new_thread_redirects_members(client, member):
    client.force_login(member)
    response = client.get(reverse("community:thread_new", args=["announcements"]))
    assert response.status_code == 302
    assert Category.objects.get(slug="announcements").threads.count() == 0


def test_bell_shows_unread_count(client, member, thread_with):
    from backcore.notifications.models import Notification

    thread = thread_with(1)
    Notification.objects.create(
        recipient=member,
        kind="reply",
        event_key="x",
        topic="community",
        verb="replied in",
        url=f"/community/p/{thread.posts.get().pk}/",
        actor_name="A",
        title="T",
    )
    client.force_login(member)
    response = client.get("/community/")
    assert b'class="notifications-bell"' in response.content
    assert b'1<span class="visually-hidden"> unread' in response.content


def test_anonymous_pages_do_not_query_for_the_bell(client, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from backcore.notifications.context_processors import notifications

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {"notifications_unread": 0}


def test_approval_queue_view(client, approval_category, coach, later):
    from tests.factories import MemberFactory

    newbie = MemberFactory()
    thread = services.thread_create(
        author=coach, category=approval_category, title="Hello", body="x"
    )
    later()
    post = services.post_create(author=newbie, thread=thread, body="my very first words")
    other = MemberFactory()
    client.force_login(other)
    assert b"my very first words" not in client.get(thread.get_absolute_url()).content
    client.force_login(newbie)
    own = client.get(thread.get_absolute_url())
    assert b"my very first words" in own.content and b"Awaiting approval" in own.content
    client.force_login(coach)
    queue = client.get("/community/moderation/")
    assert b"my very first words" in queue.content
    assert client.post(reverse("community:post_approve", args=[post.pk])).status_code == 302
    client.force_login(other)
    assert b"my very first words" in client.get(thread.get_absolute_url()).content


def test_mark_all_read_clears_the_bell(client, member, thread_with):
    from backcore.notifications.models import Notification

    thread = thread_with(1)
    for key in ("a", "b"):
        Notification.objects.create(
            recipient=member,
            kind="reply",
            event_key=key,
            topic="community",
            verb="replied in",
            url=f"/community/p/{thread.posts.get().pk}/",
            actor_name="A",
            title="T",
        )
    client.force_login(member)
    assert client.post(reverse("notifications:read")).status_code == 302
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert b"unread</span>" not in client.get("/community/").content


def test_one_notification_per_event_is_a_database_rule(member, thread_with):
    from django.db import IntegrityError, transaction

    from backcore.notifications.models import Notification

    post = thread_with(1).posts.get()
    fields = {
        "recipient": member,
        "kind": "reply",
        "event_key": f"post:{post.pk}",
        "topic": "community",
        "verb": "replied in",
        "url": f"/community/p/{post.pk}/",
        "actor_name": "A",
        "title": "T",
    }
    Notification.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**fields)


def test_the_index_shows_each_new_post_at_once(client, member, seasoned, category, later):
    """The index's categories are kept fragments (community_posts.category_card): a new thread
    changes the counts and the latest post the next request shows."""
    client.force_login(member)
    for _ in range(2):  # the second draws from what the first kept
        page = client.get(reverse("community:index")).content.decode()
        assert category.name in page and "Knee tips" not in page
    later()
    thread = services.thread_create(
        author=seasoned, category=category, title="Knee tips", body="Go slowly."
    )
    category.refresh_from_db()
    page = client.get(reverse("community:index")).content.decode()
    assert "Knee tips" in page
    assert f"{category.post_count} post" in page
    assert reverse("community:post", args=[thread.posts.get().pk]) in page
