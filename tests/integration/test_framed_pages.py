"""Kept member pages (Today, Programme, Progress, the player) draw the site around their body
once per shape and fill in each request's header, CSRF token and body (backcore.layout.
framed_page): exactly what rendering the page's template gives, only the requester's own
name, unread count and token, and messages as ever."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _unmask_cipher_token
from django.shortcuts import render
from django.template.loader import get_template
from django.test import Client, override_settings
from django.urls import set_script_prefix
from django.utils import timezone
from django.utils.safestring import mark_safe

from backcore import layout
from backcore.accounts.services import profile_name_set
from backcore.notifications.services import notify
from programs.services import plan_day
from tests.factories.accounts import CoachFactory, MemberFactory
from tests.factories.programs import enrol
from tests.support.layout import layout_request

pytestmark = pytest.mark.django_db

# A body that holds the frame's own slot marks and markup: joined in as it is, never refilled.
BODY = "<p>Body &amp; <b>bold</b> \ue000csrf\ue001 \ue000header\ue001 {{ body }}</p>"


@pytest.fixture(autouse=True)
def _prefix_back():
    yield
    set_script_prefix("/")


PAGES = [
    ("/today/", "programs/today.html", None),
    ("/programme/", "programs/programme.html", None),
    ("/progress/", "programs/progress.html", None),
    ("/today/session/", "programs/player.html", {"day": date(2026, 3, 18), "is_late": False}),
    ("/today/session/", "programs/player.html", {"day": date(2026, 3, 17), "is_late": True}),
]


@pytest.mark.parametrize(("path", "template", "context"), PAGES)
@pytest.mark.parametrize("who", ["member", "named <b>&\"member'", "coach"])
@pytest.mark.parametrize("unread", [0, 12])
@pytest.mark.parametrize("prefix", ["/", "/backcore/"])
def test_a_framed_page_is_what_its_template_draws(path, template, context, who, unread, prefix):
    set_script_prefix(prefix)
    user = CoachFactory(is_staff=True) if who == "coach" else MemberFactory()
    if who.startswith("named"):
        profile_name_set(user=user, display_name=who)
    for n in range(unread):
        notify(
            recipient_ids=[user.pk],
            topic="community",
            kind="reply",
            event_key=f"framed-{n}",
            verb="replied",
            url="/community/",
        )
    request = layout_request(path, user)
    drawn = render(
        request,
        template,
        {**(context or {}), "body": mark_safe(BODY), "csrf_token": "token-of-this"},
    ).content.decode()
    first = layout.framed_page(
        request, template, body=BODY, csrf_token="token-of-this", context=context
    )
    again = layout.framed_page(  # from the kept frame
        request, template, body=BODY, csrf_token="token-of-this", context=context
    )
    assert first.status_code == again.status_code == 200
    assert first.content.decode() == again.content.decode() == drawn
    assert BODY in drawn and '"X-CSRFToken": "token-of-this"' in drawn
    if prefix != "/":
        assert 'href="/backcore/learn/"' in drawn


def test_the_frame_keeps_the_late_sessions_title_apart():
    member = MemberFactory()
    request = layout_request("/today/session/", member)
    late = {"day": date(2026, 3, 17), "is_late": True}
    html = layout.framed_page(
        request, "programs/player.html", body="", csrf_token="t", context=late
    ).content.decode()
    assert "<title>Session for Tuesday 17 March · BackCore</title>" in html
    html = layout.framed_page(
        request,
        "programs/player.html",
        body="",
        csrf_token="t",
        context={**late, "day": date(2026, 3, 16)},
    ).content.decode()
    assert "<title>Session for Monday 16 March · BackCore</title>" in html


def test_a_frame_template_reading_the_user_request_or_unslotted_values_fails_loudly(settings):
    engine = {
        **settings.TEMPLATES[0],
        "APP_DIRS": False,
        "OPTIONS": {
            **settings.TEMPLATES[0]["OPTIONS"],
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {
                        "reads_user.html": "{% extends 'base.html' %}{% block content %}"
                        "{{ user.email }}{{ body }}{% endblock content %}",
                        "reads_request.html": "{% extends 'base.html' %}{% block content %}"
                        "{{ request.path }}{{ body }}{% endblock content %}",
                        "reads_unread.html": "{% extends 'base.html' %}{% block content %}"
                        "{{ notifications_unread }}{{ body }}{% endblock content %}",
                        "tests_levels.html": "{% extends 'base.html' %}{% block content %}"
                        "{% if DEFAULT_MESSAGE_LEVELS %}x{% endif %}{{ body }}{% endblock content %}",
                        "reads_site.html": "{% extends 'base.html' %}{% block content %}"
                        "<i>{{ site_name }} {{ site_url }}</i>{{ body }}{% endblock content %}",
                    },
                ),
                "django.template.loaders.filesystem.Loader",
            ],
        },
    }
    with override_settings(TEMPLATES=[engine]):
        request = layout_request("/today/", MemberFactory())
        for name in (
            "reads_user.html",
            "reads_request.html",
            "reads_unread.html",  # the header's slot has it; drawn elsewhere it would be stale
            "tests_levels.html",  # a context processor's value that is not a plain value
        ):
            with pytest.raises(layout.FrameReadUnslotted):
                layout.framed_page(request, name, body="", csrf_token="t")
        # context processors' plain values are drawn into the frame as render() draws them
        html = layout.framed_page(request, "reads_site.html", body="", csrf_token="t")
        assert f"<i>BackCore {settings.SITE_URL}</i>" in html.content.decode()


def test_a_context_that_is_not_plain_values_is_drawn_every_time():
    member = MemberFactory()
    request = layout_request("/today/session/", member)
    html = layout.framed_page(
        request,
        "programs/player.html",
        body="<p>B</p>",
        csrf_token="t",
        context={"day": date(2026, 3, 17), "is_late": True, "extra": ["not", "plain"]},
    ).content.decode()
    assert "Session for Tuesday 17 March" in html and "<p>B</p>" in html
    kept = get_template("programs/player.html").template.__dict__.get("_backcore_frames", {})
    assert not any("extra" in dict(shape[0]) for shape in kept)


def test_a_visitors_framed_page_is_what_the_template_draws():
    """Kept pages are for members, but a visitor's header (no name, no count) draws right too."""
    request = layout_request("/today/", AnonymousUser())
    drawn = render(request, "programs/today.html", {"body": "x", "csrf_token": "t"})
    framed = layout.framed_page(request, "programs/today.html", body="x", csrf_token="t")
    assert framed.content == drawn.content


# --- Through the views: each member's own values, at once.


def _member(name: str):
    member = MemberFactory()
    profile_name_set(user=member, display_name=name)
    enrol(member)
    plan_day(member=member, day=timezone.localdate())
    return member


def _token_of(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


@pytest.mark.parametrize("url", ["/today/", "/programme/", "/progress/", "/today/session/"])
def test_each_member_sees_only_their_own_name_count_and_token(url):
    ada, grace = _member("Ada <first>"), _member("Grace")
    notify(
        recipient_ids=[ada.pk],
        topic="community",
        kind="reply",
        event_key="framed-views",
        verb="replied",
        url="/community/",
    )
    browsers = {}
    pages = {ada.pk: [], grace.pk: []}
    for member in (ada, grace, ada, grace):
        browser = browsers.get(member.pk)
        if browser is None:
            browser = browsers[member.pk] = Client()
            browser.force_login(member)
        response = browser.get(url)
        assert response.status_code == 200, url
        pages[member.pk].append(response.content.decode())
    for html in pages[ada.pk]:
        assert "Ada &lt;first&gt;" in html and "Grace" not in html
        assert re.search(r'class="badge badge-red">1<', html)
    for html in pages[grace.pk]:
        assert "Grace" in html and "Ada" not in html and "badge-red" not in html
    # Each response carries its requester's own token, in the page's forms and around them.
    ada_cookie = browsers[ada.pk].cookies["csrftoken"].value
    grace_cookie = browsers[grace.pk].cookies["csrftoken"].value
    assert ada_cookie != grace_cookie
    for member_pk, cookie in ((ada.pk, ada_cookie), (grace.pk, grace_cookie)):
        for html in pages[member_pk]:
            assert _unmask_cipher_token(_token_of(html)) == cookie
            for token in re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html):
                assert token == _token_of(html)


def test_a_new_notification_and_a_new_name_show_on_the_next_visit(client):
    member = _member("Before")
    client.force_login(member)
    html = client.get("/today/").content.decode()
    assert "Before" in html and "badge-red" not in html
    notify(
        recipient_ids=[member.pk],
        topic="community",
        kind="reply",
        event_key="framed-next",
        verb="replied",
        url="/community/",
    )
    profile_name_set(user=member, display_name="After")
    html = client.get("/today/").content.decode()
    assert "After" in html and "Before" not in html
    assert re.search(r'class="badge badge-red">1<', html)


def test_a_message_shows_on_the_kept_page_once(client):
    member = _member("Ada")
    client.force_login(member)
    client.get("/today/")  # the frame is kept
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.get(f"/today/session/?day={yesterday.isoformat()}", follow=True)
    html = response.content.decode()
    assert "There is no session planned for that day yet." in html
    assert "<h1>Today</h1>" in html
    assert "There is no session planned for that day yet." not in (
        client.get("/today/").content.decode()
    )
