"""A hidden, deleted or someone else's object is invisible through EVERY view.

The test walks the URL resolver. Every route that takes an object id (a URL kwarg, or one of
the id parameters listed in ID_PARAMETERS) must appear in KIND_OF; a route added later without
an entry fails `test_every_id_route_is_covered`. For each route, a member asks for objects they
must not reach (a post a coach hid, a post its author deleted, a thread a coach hid, another
member's session, contribution or notification, ...): every method answers 404 (or 403 where
only coaches may act, or 405 for a method the route does not take), and no answer carries the
object's text. The same routes with the member's own, visible object answer something other
than 404, which shows the URL really reaches the view.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from backcore.notifications.models import Notification
from community.models import Report, Thread
from payments.models import Subscription
from tests.factories import CoachFactory, MemberFactory, PostFactory, ThreadFactory, enrol
from tests.factories.sessions import PlannedItemFactory, PlannedSessionFactory
from tests.support.urls import fill, routes

SECRET = "SECRET-TEXT-7f3a"

# route name -> the kind of object its id names. Every route with an int URL kwarg is listed.
KIND_OF = {
    "community:post": "post",
    "community:post_edit": "post",
    "community:post_delete": "post",
    "community:post_react": "post",
    "community:post_report": "post",
    "community:post_hide": "post",
    "community:post_unhide": "post",
    "community:post_approve": "post",
    "community:post_revisions": "post",
    "community:thread": "thread",
    "community:reply": "thread",
    "community:thread_watch": "thread",
    "community:thread_moderate": "thread",
    "notifications:open": "notification",
    "community:report_close": "report",
    "community:member": "person",
    "programs:session_item_done": "planned_item",
    "payments:subscription_amount": "subscription",
    "payments:subscription_cancel": "subscription",
    "coach:alert": "coach_alert",
    "coach:alert_reply": "coach_alert",
    "coach:alert_acknowledge": "coach_alert",
    "coach:alert_assign": "coach_alert",
    "coach:alert_note": "coach_alert",
    "coach:alert_resolve": "coach_alert",
    "coach:alert_lift": "coach_alert",
    "coach:alert_clearance": "coach_alert",
    "coach:member": "person",
    "coach:member_report": "person",
    "coach:member_report_pdf": "person",
    "programs:message_photo": "coach_message",
    "mfa_remove_webauthn": "authenticator",
    "mfa_edit_webauthn": "authenticator",
    "programs:goal_rate": "goal",
    "programs:goal_end": "goal",
    "community:milestone_share": "milestone",
}

# Old addresses that only redirect to a route listed above (which does the checking).
ALIASES = {"community:notification_open"}

# Routes only a coach may use: a member gets 403 whatever the object.
COACH_ONLY = {
    "community:post_hide",
    "community:post_unhide",
    "community:post_approve",
    "community:post_revisions",
    "community:thread_moderate",
    "community:report_close",
    # The coach inbox: a member gets 404 for every alert (the inbox does not exist for them).
    "coach:alert",
    "coach:alert_reply",
    "coach:alert_acknowledge",
    "coach:alert_assign",
    "coach:alert_note",
    "coach:alert_resolve",
    "coach:alert_lift",
    "coach:alert_clearance",
    "coach:member",
    "coach:member_report",
    "coach:member_report_pdf",
}

# Ids that arrive as query or form parameters rather than in the path.
ID_PARAMETERS = [
    # (route name, method, parameter, kind)
    ("community:reply", "get", "quote", "post"),
    ("programs:session_player", "get", "item", "planned_item"),
    ("programs:morning_checkin", "post", "session", "planned_session"),
    ("notifications:read", "post", "notification", "notification"),
]

EXCLUDED_PREFIXES = ("admin/",)  # staff only, covered by the permission matrix


@dataclass
class World:
    viewer: object
    other: object
    coach: object
    forbidden: dict = field(default_factory=dict)  # kind -> [(label, id)]
    own: dict = field(default_factory=dict)  # kind -> id the viewer may reach


@pytest.fixture
def world(db, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_visibility"  # the subscription routes need it on
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    viewer, other, coach = MemberFactory(), MemberFactory(), CoachFactory()
    enrol(viewer)  # so the programme gate lets the member through to the object lookup
    w = World(viewer=viewer, other=other, coach=coach)
    earlier = timezone.now() - timedelta(days=2)

    thread = ThreadFactory(author=other, created_at=earlier)
    PostFactory(thread=thread, author=other, is_opening=True, created_at=earlier)
    hidden = PostFactory(
        thread=thread,
        author=other,
        body=f"{SECRET} hidden",
        is_hidden=True,
        hidden_reason="Off topic",
        created_at=earlier,
    )
    deleted = PostFactory(
        thread=thread, author=other, body=f"{SECRET} deleted", is_deleted=True, created_at=earlier
    )
    own_deleted = PostFactory(
        thread=thread, author=viewer, body=f"{SECRET} mine", is_deleted=True, created_at=earlier
    )
    pending = PostFactory(thread=thread, author=other, body=f"{SECRET} pending", is_approved=False)
    hidden_thread = ThreadFactory(
        author=other, title=f"{SECRET} thread", is_hidden=True, hidden_reason="Off topic"
    )
    in_hidden_thread = PostFactory(
        thread=hidden_thread, author=other, body=f"{SECRET} in hidden thread"
    )
    pending_thread = ThreadFactory(author=other, title=f"{SECRET} pending", is_approved=False)
    visible = PostFactory(thread=thread, author=viewer, body="A visible post of my own.")
    others_visible = PostFactory(thread=thread, author=other, body="Someone else's post.")

    w.forbidden["post"] = [
        ("hidden by a coach", hidden.pk),
        ("deleted by its author", deleted.pk),
        ("my own, deleted", own_deleted.pk),
        ("awaiting approval, someone else's", pending.pk),
        ("in a hidden thread", in_hidden_thread.pk),
        ("does not exist", 987_654_321),
    ]
    w.own["post"] = visible.pk
    w.forbidden["thread"] = [
        ("hidden by a coach", hidden_thread.pk),
        ("awaiting approval, someone else's", pending_thread.pk),
    ]
    w.own["thread"] = thread.pk

    def note(recipient, post, key):
        return Notification.objects.create(
            recipient=recipient,
            topic="community",
            kind="reply",
            event_key=key,
            actor_name="x",
            verb="replied in",
            title=f"{SECRET} title" if recipient != viewer else thread.title,
            url=f"/community/p/{post.pk}/",
        )

    w.forbidden["notification"] = [("someone else's", note(other, others_visible, "a").pk)]
    w.own["notification"] = note(viewer, others_visible, "c").pk
    report = Report.objects.create(post=others_visible, reporter=viewer, reason="test")
    w.forbidden["report"] = [("a report (coaches only)", report.pk)]
    w.own["report"] = None  # members never reach reports

    w.forbidden["person"] = [("deactivated", MemberFactory(is_active=False).pk)]
    w.own["person"] = other.pk

    others_session = PlannedSessionFactory(member=other, date=timezone.localdate())
    w.forbidden["planned_item"] = [
        ("someone else's", PlannedItemFactory(session=others_session).pk)
    ]
    own_session = PlannedSessionFactory(
        member=viewer, date=timezone.localdate() - timedelta(days=40)
    )
    w.own["planned_item"] = PlannedItemFactory(session=own_session).pk
    w.forbidden["planned_session"] = [("someone else's", others_session.pk)]
    w.own["planned_session"] = own_session.pk

    def sub(member, n, status):
        return Subscription.objects.create(
            stripe_subscription_id=f"sub_visibility_{n}",
            member=member,
            amount_minor=500,
            currency="usd",
            status=status,
        )

    w.forbidden["subscription"] = [("someone else's", sub(other, 1, "active").pk)]
    w.own["subscription"] = sub(viewer, 2, "canceled").pk  # cancelling it needs no Stripe call

    from programs.services.coach_alerts import coach_alert_raise
    from programs.services.conversations import message_send_member

    w.forbidden["coach_alert"] = [
        ("about someone else", coach_alert_raise(member=other, cause="stalled", detail=SECRET).pk),
        ("about me", coach_alert_raise(member=viewer, cause="stalled", detail=SECRET).pk),
    ]
    w.own["coach_alert"] = None  # members never reach the inbox
    w.forbidden["coach_message"] = [
        ("someone else's photo", message_send_member(member=other, body=SECRET, photo=_photo()).pk)
    ]
    w.own["coach_message"] = message_send_member(member=viewer, body="mine", photo=_photo()).pk
    from allauth.mfa.models import Authenticator

    others_key = Authenticator.objects.create(
        user=other, type="webauthn", data={"name": "key", "credential": {}}
    )
    w.forbidden["authenticator"] = [("someone else's passkey", others_key.pk)]
    w.own["authenticator"] = None  # its pages want a fresh password first: no control here

    from programs.models import Goal

    others_goal = Goal.objects.create(member=other, activity=f"{SECRET} goal")
    removed = Goal.objects.create(member=viewer, activity=f"{SECRET} old", ended_at=timezone.now())
    w.forbidden["goal"] = [("someone else's", others_goal.pk), ("removed", removed.pk)]
    w.own["goal"] = Goal.objects.create(member=viewer, activity="mine").pk

    from programs.models import Milestone

    day = timezone.localdate()
    others_goal_up = Milestone.objects.create(
        member=other, kind="goal", goal=others_goal, goal_from=1, goal_to=5, reached_on=day
    )
    w.forbidden["milestone"] = [
        ("someone else's", others_goal_up.pk),
        ("does not exist", 987_654_321),
    ]
    w.own["milestone"] = Milestone.objects.create(
        member=viewer, kind="sessions", sessions=10, reached_on=day
    ).pk
    return w


def _photo():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(out, format="PNG")
    return SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")


def _id_routes():
    return [
        r
        for r in routes(exclude_prefixes=EXCLUDED_PREFIXES)
        if r.int_kwargs and r.name not in ALIASES
    ]


def test_every_id_route_is_covered():
    missing = [r.name for r in _id_routes() if r.name not in KIND_OF]
    assert not missing, f"routes taking an id with no visibility rule in KIND_OF: {missing}"
    stale = set(KIND_OF) - {r.name for r in _id_routes()}
    assert not stale, f"KIND_OF names routes that no longer exist: {stale}"


def _ask(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data or {})


def test_forbidden_objects_are_404_through_every_route(client, world):
    client.force_login(world.viewer)
    failures = []
    for route in _id_routes():
        kind = KIND_OF[route.name]
        (kwarg,) = route.int_kwargs
        for label, object_id in world.forbidden[kind]:
            url = fill(route, {kwarg: object_id})
            answered = []
            for method in ("get", "post"):
                response = _ask(client, method, url)
                answered.append(response.status_code)
                allowed = {404, 405} | ({403} if route.name in COACH_ONLY else set())
                if kind == "subscription":
                    allowed.add(403)  # payments refuses another member's subscription outright
                if kind == "authenticator" and response.get("Location", "").startswith(
                    "/accounts/reauthenticate/"
                ):
                    allowed.add(302)  # allauth asks for the password again before any key page
                if response.status_code not in allowed:
                    failures.append(
                        f"{method.upper()} {url} ({kind} {label}): {response.status_code}"
                    )
                if SECRET.encode() in response.content:
                    failures.append(f"{method.upper()} {url} ({kind} {label}) shows its text")
            if set(answered) == {405}:
                failures.append(f"{url}: no method reached the view")
    assert not failures, "\n".join(failures)


def test_own_objects_reach_the_views(client, world):
    """The control: with an object the member may see, the same routes are not 404."""
    client.force_login(world.viewer)
    failures = []
    destructive_last = sorted(_id_routes(), key=lambda r: r.name.endswith(("delete", "cancel")))
    for route in destructive_last:
        kind = KIND_OF[route.name]
        if route.name in COACH_ONLY or world.own[kind] is None:
            continue
        (kwarg,) = route.int_kwargs
        url = fill(route, {kwarg: world.own[kind]})
        statuses = [_ask(client, m, url).status_code for m in ("get", "post")]
        if all(s in (404, 405) for s in statuses):
            failures.append(f"{url}: {statuses}")
    assert not failures, "\n".join(failures)


def test_coaches_still_reach_hidden_posts_to_moderate(client, world):
    client.force_login(world.coach)
    hidden_id = world.forbidden["post"][0][1]
    for name in ("community:post", "community:post_hide", "community:post_revisions"):
        (route,) = [r for r in _id_routes() if r.name == name]
        assert client.get(fill(route, {"post_id": hidden_id})).status_code in (200, 302), name
    assert client.get(f"/community/t/{world.forbidden['thread'][0][1]}/").status_code == 200, (
        "coaches open hidden threads"
    )


def test_id_parameters_never_reach_forbidden_objects(client, world):
    client.force_login(world.viewer)
    thread = world.own["thread"]
    urls = {
        "community:reply": f"/community/t/{thread}/reply/",
        "programs:session_player": "/today/session/",
        "programs:morning_checkin": "/today/morning/",
        "notifications:read": "/notifications/read/",
    }
    failures = []
    for name, method, parameter, kind in ID_PARAMETERS:
        for label, object_id in world.forbidden[kind]:
            response = _ask(client, method, urls[name], {parameter: object_id})
            if response.status_code >= 500 or SECRET.encode() in response.content:
                failures.append(f"{name} {parameter}={object_id} ({label}): leaked or 5xx")
    assert not failures, "\n".join(failures)


def test_notification_mark_read_with_someone_elses_id_marks_nothing(client, world):
    client.force_login(world.viewer)
    others = world.forbidden["notification"][0][1]
    client.post("/notifications/read/", {"notification": others})
    assert Notification.objects.get(pk=others).read_at is None
    mine = Notification.objects.get(pk=world.own["notification"])
    assert mine.read_at is None, "a named notification must not mark all of them read"


def test_quote_of_a_hidden_post_is_not_prefilled(client, world):
    client.force_login(world.viewer)
    hidden_id = world.forbidden["post"][0][1]
    response = client.get(f"/community/t/{world.own['thread']}/reply/?quote={hidden_id}")
    assert response.status_code == 200
    assert SECRET.encode() not in response.content
    assert Thread.objects.filter(pk=world.own["thread"]).exists()
