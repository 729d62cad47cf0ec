"""Hostile values in any form field or query parameter never give a 5xx.

For every route the resolver knows (admin aside), the parameters it reads are discovered, not
listed by hand: the names its view's source reads from `request.GET` / `request.POST`, and the
fields of every HTML form that posts to it (found by loading each page as a member and a
coach). Each parameter then gets non-ASCII digits, a NUL byte, a 1 MB string, out-of-range and
non-numeric numbers, several values at once and an uploaded file, by GET and by POST.
The answer may be anything but a server error.

The routes are dealt into SHARDS tests (every SHARDS-th route from the n-th), so parallel
workers share the ~2,300 requests; together the shards cover every route, as one test did.
"""

import inspect
import logging
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from community.models import Category
from exercises.models import Exercise
from programs.models import CoachAlert
from tests.factories import CoachFactory, MemberFactory, PostFactory, ThreadFactory, enrol
from tests.factories.sessions import PlannedItemFactory, PlannedSessionFactory
from tests.support.urls import fill, routes

MEGABYTE = "x" * 1_000_000
HOSTILE = {
    "superscript two": "²",
    "arabic-indic digits": "١٢٣",
    "NUL byte": "a\x00b",
    "negative": "-1",
    "huge number": "9" * 40,
    "float": "1e309",
    "markup": '"><script>alert(1)</script>',
    "1 MB string": MEGABYTE,
}
EXCLUDED_PREFIXES = ("admin/", "media/", "^media/")
# Routes that end the test client's session or are only ever called by Stripe with a signature.
SKIP = {"account_logout"}
SHARDS = 8
# route name -> parameter names, discovered once per process (the first shard a worker runs):
# the pages and forms are the same in every shard, since `setup` builds the same objects.
_DISCOVERED: dict[str, set[str]] = {}

_READS = re.compile(r"""request\.(?:GET|POST)(?:\.get|\.getlist)?[\[(]\s*["'](\w+)["']""")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("action") or "", attrs.get("method") or "get", set()))
        elif (
            tag in ("input", "select", "textarea", "button")
            and self.forms
            and attrs.get("name") not in (None, "csrfmiddlewaretoken")
        ):
            self.forms[-1][2].add(attrs["name"])


def _source_params(callback) -> set[str]:
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return set()
    return set(_READS.findall(source))


@pytest.fixture
def setup(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    member, coach = MemberFactory(), CoachFactory()
    enrol(member)
    thread = ThreadFactory(author=member)
    post = PostFactory(thread=thread, author=member, is_opening=True)
    today = timezone.localdate()
    session = PlannedSessionFactory(member=member, date=today - timedelta(days=30))
    item = PlannedItemFactory(session=session)
    from backcore.notifications.models import Notification
    from community.models import Report

    note = Notification.objects.create(
        recipient=member,
        topic="community",
        kind="reply",
        event_key="k",
        actor_name="a",
        verb="replied in",
        url=f"/community/p/{post.pk}/",
    )
    report = Report.objects.create(post=post, reporter=coach, reason="test")
    from programs.services.conversations import message_send_member
    from programs.services.intake import intake_screen_submit

    other = MemberFactory()
    intake_screen_submit(member=other, answers={"flag_saddle_numbness": True})  # lift form shows
    alert = CoachAlert.objects.get(member=other)
    message = message_send_member(member=member, body="hello coaches")
    from programs.models import Goal, Milestone

    goal = Goal.objects.create(member=member, activity="Tying my shoes")
    milestone = Milestone.objects.create(
        member=member, kind="goal", goal=goal, goal_from=2, goal_to=5, reached_on=today
    )
    values = {
        "post_id": post.pk,
        "thread_id": thread.pk,
        "item_id": item.pk,
        "notification_id": note.pk,
        "report_id": report.pk,
        "user_id": member.pk,
        "alert_id": alert.pk,
        "message_id": message.pk,
        "member_id": other.pk,
        "goal_id": goal.pk,
        "milestone_id": milestone.pk,
        "pk": 1,
        "token": "not-a-token",
        "key": "not-a-key",
        "uidb36": "1",
    }
    slugs = {
        "community:": Category.objects.first().slug,
        "exercises:": Exercise.objects.first().slug,
        "programs:": "the-360-core",
    }
    return member, coach, values, slugs


def _url(route, values, slugs) -> str:
    if "(?P<" in route.route:  # allauth's two regex routes
        return {
            "account_confirm_email": "/accounts/confirm-email/not-a-key/",
            "account_reset_password_from_key": "/accounts/password/reset/key/1-not-a-key/",
        }[route.name]
    slug = next((s for prefix, s in slugs.items() if route.name.startswith(prefix)), "x")
    return fill(route, {**values, "slug": slug})


def _discover(clients, targets) -> dict[str, set[str]]:
    """route name -> parameter names, from view source and from every form on every page."""
    params = {route.name: _source_params(route.callback) for route, _ in targets}
    for _route, url in targets:
        for client in clients:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(response.content.decode())
            for action, _method, names in parser.forms:
                path = urlsplit(action).path or url
                try:
                    name = resolve(path).view_name
                except Resolver404:
                    continue
                params.setdefault(name, set()).update(names)
    return params


def _chunks(names: list[str], size: int):
    for start in range(0, len(names), size):
        yield names[start : start + size]


@pytest.mark.parametrize("shard", range(SHARDS))
def test_hostile_values_never_give_a_server_error(setup, caplog, shard):
    member, coach, values, slugs = setup
    as_member = Client(raise_request_exception=False)
    as_member.force_login(member)
    as_coach = Client(raise_request_exception=False)
    as_coach.force_login(coach)
    targets = [
        (route, _url(route, values, slugs))
        for route in routes(exclude_prefixes=EXCLUDED_PREFIXES)
        if route.name not in SKIP
    ]
    if not _DISCOVERED:
        _DISCOVERED.update(_discover([as_member, as_coach], targets))
    params = _DISCOVERED
    assert len(targets) > 50 and sum(map(len, params.values())) > 40, "discovery found too little"

    failures = []
    caplog.set_level(logging.CRITICAL, logger="django.request")
    for route, url in targets[shard::SHARDS]:
        names = sorted(params.get(route.name, set()) | {"page"})
        coach_route = route.name.startswith("coach:")
        client = (
            as_coach
            if coach_route or "moderat" in route.name or "report_close" in route.name
            else as_member
        )
        for label, value in HOSTILE.items():
            # 1 MB values go a few at a time so the body stays under the upload limit.
            size = 8 if value is MEGABYTE else len(names)
            for group in _chunks(names, size):
                data = dict.fromkeys(group, value)
                # A URL that long never gets past a real server (gunicorn stops at 4 KB), so the
                # megabyte goes in the body only.
                for method in ("post",) if value is MEGABYTE else ("get", "post"):
                    response = getattr(client, method)(url, data)
                    if response.status_code >= 500:
                        failures.append(f"{method.upper()} {url} {label} in {group}")
        several = {name: ["1", "²", ""] for name in names}
        upload = {name: SimpleUploadedFile(f"{name}.txt", b"\x00\xff") for name in names}
        for label, data in (("several values", several), ("a file", upload)):
            response = client.post(url, data)
            if response.status_code >= 500:
                failures.append(f"POST {url} {label}")
        client.force_login(coach if client is as_coach else member)  # some routes sign out
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(failures[:60])


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/today/session/?item=²", None),
        ("/notifications/read/", {"notification": "²"}),
        ("/today/morning/", {"session": "abc", "morning_pain": "2"}),
        ("/today/session/finish/", {"notes": "a\x00b", "pain_during": "2", "effort": "3"}),
    ],
)
def test_the_reported_inputs_answer_4xx_or_render(client, setup, url, data):
    member, *_ = setup
    client.force_login(member)
    response = client.post(url, data) if data else client.get(url)
    assert response.status_code < 500


def test_quote_with_a_non_ascii_digit_renders_the_reply_form(client, setup):
    member, _coach, values, _slugs = setup
    client.force_login(member)
    response = client.get(f"/community/t/{values['thread_id']}/reply/?quote=²")
    assert response.status_code == 200


def test_nul_bytes_are_refused_at_the_door(client, setup):
    member, *_ = setup
    client.force_login(member)
    assert client.get("/community/search/?q=a%00b").status_code == 400
    assert client.post("/today/session/finish/", {"notes": "a\x00b"}).status_code == 400
    assert client.get("/calendar/a%00b.ics").status_code == 400
