"""Who may open what: every URL, requested (GET) by six people, against an explicit table.

The people: anonymous, a signed-in non-member, the member who owns every object in the URLs,
another member, a coach and a staff superuser. EXPECTED holds, per route name, the answer each
of them must get: a status code, or "→x" for a redirect whose target starts with x. A route the
resolver knows but the table does not fails `test_every_route_is_in_the_table`, so a new page
cannot ship without someone deciding who may see it. Admin pages follow one rule instead
(ADMIN): only coaches and staff get in; everyone else is sent to sign in.
"""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from tests.support.urls import fill, routes

ROLES = ("anonymous", "nonmember", "member", "other", "coach", "staff")
LOGIN = "→/accounts/login/"
JOIN = "→/join/"
ADMIN_LOGIN = "→/admin/login/"
EXCLUDED_PREFIXES = ("^media/",)  # development-only file serving

# Routes that only take POST are asked by POST (empty form: nothing valid to act on), so the
# table shows who gets past the door rather than a 405. Deleting a post and signing out stay GET.
POSTED = {
    "coach:alert_reply",
    "coach:alert_acknowledge",
    "coach:alert_assign",
    "coach:alert_note",
    "coach:alert_resolve",
    "coach:alert_lift",
    "coach:alert_clearance",
    "community:category_watch",
    "community:post_approve",
    "community:post_react",
    "community:post_unhide",
    "community:preview",
    "community:report_close",
    "community:thread_moderate",
    "community:thread_watch",
    "notifications:read",
    "payments:stripe_webhook",
    "exercises:figure_preview",
    "programs:session_item_done",
    "programs:session_pain_before",
    "programs:morning_checkin",
    "programs:calendar_manage",
    "programs:goal_rate",
    "programs:goal_end",
    "programs:recheck_skip",
    "programs:milestones_seen",
    "payments:subscription_amount",
    "payments:subscription_cancel",
    "payments:billing_portal",
}

# fmt: off
EXPECTED: dict[str, tuple[str, ...]] = {
    #                                  anonymous, non-member, member, other member, coach, staff
    "landing": ("200", "200", "200", "200", "200", "200"),
    "healthz": ("200", "200", "200", "200", "200", "200"),
    "favicon": ("→/static/img/favicon.svg", "→/static/img/favicon.svg", "→/static/img/favicon.svg", "→/static/img/favicon.svg", "→/static/img/favicon.svg", "→/static/img/favicon.svg"),
    "bench_bare": ("404", "404", "404", "404", "404", "404"),
    "coach:inbox": (LOGIN, "404", "404", "404", "200", "200"),
    "coach:alert": (LOGIN, "404", "404", "404", "200", "200"),
    "coach:alert_reply": (LOGIN, "404", "404", "404", "422", "422"),
    "coach:alert_acknowledge": (LOGIN, "404", "404", "404", "→/coach/alerts/<id>/", "→/coach/alerts/<id>/"),
    "coach:alert_assign": (LOGIN, "404", "404", "404", "→/coach/alerts/<id>/", "→/coach/alerts/<id>/"),
    "coach:alert_note": (LOGIN, "404", "404", "404", "422", "422"),
    "coach:alert_resolve": (LOGIN, "404", "404", "404", "→/coach/alerts/<id>/", "→/coach/alerts/<id>/"),
    "coach:alert_lift": (LOGIN, "404", "404", "404", "422", "422"),
    "coach:alert_clearance": (LOGIN, "404", "404", "404", "422", "422"),
    "coach:member": (LOGIN, "404", "404", "404", "→/coach/alerts/<id>/", "→/coach/alerts/<id>/"),
    "coach:member_report": (LOGIN, "404", "404", "404", "200", "200"),
    "coach:member_report_pdf": (LOGIN, "404", "404", "404", "200", "200"),
    "account_login": ("200", "→/today/", "→/today/", "→/today/", "→/coach/", "→/coach/"),
    "account_logout": ("→/", "200", "200", "200", "200", "200"),
    "account_inactive": ("200", "200", "200", "200", "200", "200"),
    "account_signup": ("200", "→/today/", "→/today/", "→/today/", "→/coach/", "→/coach/"),
    "account_reauthenticate": (LOGIN, "200", "200", "200", "200", "200"),
    "account_request_reauthentication_code": (LOGIN, "200", "200", "200", "200", "200"),
    "account_confirm_reauthentication_code": (LOGIN, "→/accounts/reauthenticate/code/", "→/accounts/reauthenticate/code/", "→/accounts/reauthenticate/code/", "→/accounts/reauthenticate/code/", "→/accounts/reauthenticate/code/"),
    "account_email": (LOGIN, "200", "200", "200", "200", "200"),
    "account_email_verification_sent": ("200", "200", "200", "200", "200", "200"),
    "account_change_password": (LOGIN, "200", "200", "200", "200", "200"),
    "account_set_password": (LOGIN, "→/accounts/password/change/", "→/accounts/password/change/", "→/accounts/password/change/", "→/accounts/password/change/", "→/accounts/password/change/"),
    "account_reset_password": ("200", "200", "200", "200", "200", "200"),
    "account_confirm_login_code": (LOGIN, "→/today/", "→/today/", "→/today/", "→/coach/", "→/coach/"),
    "account_confirm_email": ("200", "200", "200", "200", "200", "200"),
    "account_reset_password_from_key_done": ("200", "200", "200", "200", "200", "200"),
    "account_reset_password_from_key": ("200", "200", "200", "200", "200", "200"),
    "account_reset_password_done": ("200", "200", "200", "200", "200", "200"),
    "mfa_index": (LOGIN, "200", "200", "200", "200", "200"),
    "mfa_authenticate": (LOGIN, "→/today/", "→/today/", "→/today/", "→/coach/", "→/coach/"),
    "mfa_reauthenticate": (LOGIN, "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/"),
    "mfa_activate_totp": (LOGIN, "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/"),
    "mfa_deactivate_totp": (LOGIN, "404", "404", "404", "404", "404"),
    "mfa_view_recovery_codes": (LOGIN, "404", "404", "404", "404", "404"),
    "mfa_generate_recovery_codes": (LOGIN, "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/"),
    "mfa_download_recovery_codes": (LOGIN, "404", "404", "404", "404", "404"),
    "mfa_list_webauthn": (LOGIN, "200", "200", "200", "200", "200"),
    "mfa_add_webauthn": (LOGIN, "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/"),
    "mfa_reauthenticate_webauthn": (LOGIN, "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/"),
    "mfa_remove_webauthn": (LOGIN, "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/"),
    "mfa_edit_webauthn": (LOGIN, "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/", "→/accounts/reauthenticate/"),
    "mfa_login_webauthn": (LOGIN, "→/today/", "→/today/", "→/today/", "→/coach/", "→/coach/"),
    "accounts:profile": (LOGIN, "200", "200", "200", "200", "200"),
    "accounts:data": (LOGIN, "200", "200", "200", "200", "200"),
    "accounts:data_json": (LOGIN, "200", "200", "200", "200", "200"),
    "accounts:data_zip": (LOGIN, "200", "200", "200", "200", "200"),
    "accounts:delete": (LOGIN, "→/account/data/", "→/account/data/", "→/account/data/", "→/account/data/", "→/account/data/"),
    "notifications:list": (LOGIN, "200", "200", "200", "200", "200"),
    "notifications:read": (LOGIN, "→/notifications/", "→/notifications/", "→/notifications/", "→/notifications/", "→/notifications/"),
    "notifications:settings": (LOGIN, "200", "200", "200", "200", "200"),
    "notifications:unsubscribe": ("200", "200", "200", "200", "200", "200"),
    "notifications:open": (LOGIN, "404", "→/community/p/<id>/", "404", "404", "404"),
    "exercises:list": ("200", "200", "200", "200", "200", "200"),
    "exercises:detail": ("200", "200", "200", "200", "200", "200"),
    "exercises:figure_png": ("200", "200", "200", "200", "200", "200"),
    "exercises:figure_preview": (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, "400", "400"),
    "exercises:figure_css": ("200", "200", "200", "200", "200", "200"),
    "programs:today": (LOGIN, "200", "200", "200", "→/programme/intake/", "→/programme/intake/"),
    # Which milestones is the question: an empty form is refused for everyone signed in.
    "programs:milestones_seen": (LOGIN, "400", "400", "400", "400", "400"),
    "programs:programme": (LOGIN, "→/programme/intake/", "200", "200", "→/programme/intake/", "→/programme/intake/"),
    "programs:intake": (LOGIN, "200", "200", "200", "200", "200"),
    "programs:urgent_care": (LOGIN, "200", "200", "200", "200", "200"),
    "programs:messages": (LOGIN, JOIN, "200", "200", "200", "200"),
    "programs:message_photo": (LOGIN, "404", "404", "404", "404", "404"),
    "programs:learn": ("200", "200", "200", "200", "200", "200"),
    "programs:learn_lesson": ("200", "200", "200", "200", "200", "200"),
    "programs:session_player": (LOGIN, JOIN, "200", "200", "→/programme/intake/", "→/programme/intake/"),
    "programs:session_item_done": (LOGIN, JOIN, "422", "404", "→/programme/intake/", "→/programme/intake/"),
    "programs:session_pain_before": (LOGIN, JOIN, "422", "422", "→/programme/intake/", "→/programme/intake/"),
    "programs:session_finish": (LOGIN, JOIN, "200", "200", "→/programme/intake/", "→/programme/intake/"),
    "programs:morning_checkin": (LOGIN, JOIN, "400", "400", "→/programme/intake/", "→/programme/intake/"),
    "programs:log_late": (LOGIN, JOIN, "200", "200", "→/programme/intake/", "→/programme/intake/"),
    "programs:progress": (LOGIN, JOIN, "200", "200", "200", "200"),
    "programs:report": (LOGIN, JOIN, "200", "200", "200", "200"),
    "programs:report_pdf": (LOGIN, JOIN, "200", "200", "200", "200"),
    "programs:goals": (LOGIN, JOIN, "200", "200", "200", "200"),
    "programs:goal_rate": (LOGIN, JOIN, "→/progress/goals/", "404", "404", "404"),
    "programs:goal_end": (LOGIN, JOIN, "→/progress/goals/", "404", "404", "404"),
    "programs:recheck": (LOGIN, JOIN, "200", "200", "→/programme/intake/", "→/programme/intake/"),
    "programs:recheck_skip": (LOGIN, JOIN, "→/today/", "→/today/", "→/today/", "→/today/"),
    "programs:data_csv": (LOGIN, "200", "200", "200", "200", "200"),
    "programs:reminders": (LOGIN, JOIN, "200", "200", "200", "200"),
    "programs:reminder_unsubscribe": ("200", "200", "200", "200", "200", "200"),
    "programs:calendar_manage": (LOGIN, JOIN, "→/account/reminders/", "→/account/reminders/", "→/account/reminders/", "→/account/reminders/"),
    "programs:calendar_feed": ("404", "404", "404", "404", "404", "404"),
    "community:index": (LOGIN, JOIN, "200", "200", "200", "200"),
    "community:search": (LOGIN, JOIN, "200", "200", "200", "200"),
    "community:preview": (LOGIN, JOIN, "200", "200", "200", "200"),
    "community:moderation": (LOGIN, JOIN, "403", "403", "200", "200"),
    "community:report_close": (LOGIN, JOIN, "403", "403", "→/community/moderation/", "→/community/moderation/"),
    "community:notifications": ("→/notifications/", "→/notifications/", "→/notifications/", "→/notifications/", "→/notifications/", "→/notifications/"),
    "community:notification_settings": ("→/notifications/settings/", "→/notifications/settings/", "→/notifications/settings/", "→/notifications/settings/", "→/notifications/settings/", "→/notifications/settings/"),
    "community:notification_open": ("→/notifications/<id>/", "→/notifications/<id>/", "→/notifications/<id>/", "→/notifications/<id>/", "→/notifications/<id>/", "→/notifications/<id>/"),
    "community:unsubscribe": ("200", "200", "200", "200", "200", "200"),
    "community:member": (LOGIN, JOIN, "200", "200", "200", "200"),
    "community:category": (LOGIN, JOIN, "200", "200", "200", "200"),
    "community:thread_new": (LOGIN, JOIN, "→/community/c/announcements/", "→/community/c/announcements/", "200", "200"),
    "community:category_watch": (LOGIN, JOIN, "→/community/c/announcements/", "→/community/c/announcements/", "→/community/c/announcements/", "→/community/c/announcements/"),
    "community:thread": (LOGIN, JOIN, "200", "200", "200", "200"),
    "community:reply": (LOGIN, JOIN, "200", "200", "200", "200"),
    # A member's own milestone only (the world's ids are the member's): others find nothing.
    "community:milestone_share": (LOGIN, JOIN, "200", "404", "404", "404"),
    "community:thread_watch": (LOGIN, JOIN, "→/community/t/<id>/", "→/community/t/<id>/", "→/community/t/<id>/", "→/community/t/<id>/"),
    "community:thread_moderate": (LOGIN, JOIN, "403", "403", "400", "400"),
    "community:post": (LOGIN, JOIN, "→/community/t/<id>/", "→/community/t/<id>/", "→/community/t/<id>/", "→/community/t/<id>/"),
    "community:post_edit": (LOGIN, JOIN, "200", "403", "200", "200"),
    "community:post_delete": ("405", "405", "405", "405", "405", "405"),
    "community:post_react": (LOGIN, JOIN, "400", "400", "400", "400"),
    "community:post_report": (LOGIN, JOIN, "200", "200", "200", "200"),
    "community:post_hide": (LOGIN, JOIN, "403", "403", "200", "200"),
    "community:post_unhide": (LOGIN, JOIN, "403", "403", "→/community/t/<id>/", "→/community/t/<id>/"),
    "community:post_approve": (LOGIN, JOIN, "403", "403", "→/community/moderation/", "→/community/moderation/"),
    "community:post_revisions": (LOGIN, JOIN, "403", "403", "200", "200"),
    "payments:join": (LOGIN, "200", "200", "200", "200", "200"),
    "payments:join_success": (LOGIN, "400", "400", "400", "400", "400"),
    "payments:stripe_webhook": ("400", "400", "400", "400", "400", "400"),
    "payments:contributions": (LOGIN, "200", "200", "200", "200", "200"),
    "payments:subscription_amount": (LOGIN, "403", "→/account/contributions/", "403", "403", "403"),
    "payments:subscription_cancel": (LOGIN, "403", "→/account/contributions/", "403", "403", "403"),
    "payments:billing_portal": (LOGIN, "→/account/contributions/", "→/account/contributions/", "→/account/contributions/", "→/account/contributions/", "→/account/contributions/"),
}
# fmt: on


@dataclass
class World:
    people: dict
    values: dict  # URL kwarg values (objects owned by "member")
    tokens: dict  # route name -> token for routes whose token is the credential


@pytest.fixture
def world(db, settings):
    from backcore.accounts.services import membership_grant  # noqa: F401  (members via factory)
    from backcore.notifications.models import Notification
    from backcore.notifications.services import unsubscribe_token as notify_token
    from community.models import Category, Report
    from exercises.models import Exercise
    from payments.models import Subscription
    from programs.coach_models import CoachAlert, Conversation, Message
    from programs.services.calendar import calendar_feed_create
    from programs.services.reminders import unsubscribe_token as reminder_token
    from tests.factories import (
        CoachFactory,
        MemberFactory,
        PostFactory,
        ThreadFactory,
        UserFactory,
        enrol,
    )
    from tests.factories.sessions import PlannedItemFactory, PlannedSessionFactory

    settings.STRIPE_SECRET_KEY = "sk_test_matrix"
    member, other = MemberFactory(), MemberFactory()
    enrol(member)
    enrol(other)
    people = {
        "anonymous": None,
        "nonmember": UserFactory(),
        "member": member,
        "other": other,
        "coach": CoachFactory(),
        "staff": UserFactory(is_staff=True, is_superuser=True),
    }
    thread = ThreadFactory(author=member)
    post = PostFactory(thread=thread, author=member, is_opening=True)
    from datetime import timedelta

    from django.utils import timezone

    session = PlannedSessionFactory(member=member, date=timezone.localdate() - timedelta(days=40))
    note = Notification.objects.create(
        recipient=member,
        topic="community",
        kind="reply",
        event_key="matrix",
        actor_name="someone",
        verb="replied in",
        title=thread.title,
        url=f"/community/p/{post.pk}/",
    )
    from programs.models import Goal, Milestone

    values = {
        "goal_id": Goal.objects.create(member=member, activity="Tying my shoes").pk,
        "milestone_id": Milestone.objects.create(
            member=member, kind="sessions", sessions=10, reached_on=timezone.localdate()
        ).pk,
        "post_id": post.pk,
        "thread_id": thread.pk,
        "item_id": PlannedItemFactory(session=session).pk,
        "notification_id": note.pk,
        "report_id": Report.objects.create(post=post, reporter=other, reason="matrix").pk,
        "user_id": member.pk,
        "pk": Subscription.objects.create(
            stripe_subscription_id="sub_matrix",
            member=member,
            amount_minor=500,
            currency="usd",
            status="canceled",
        ).pk,
        "key": "not-a-key",
        "uidb36": "1",
        "alert_id": CoachAlert.objects.create(member=member, cause="session_pain", severity=2).pk,
        "member_id": member.pk,
        "message_id": Message.objects.create(
            conversation=Conversation.objects.create(member=member),
            author=member,
            author_name="m",
            body="hello",
        ).pk,
    }
    tokens = {
        "programs:reminder_unsubscribe": reminder_token(member_id=member.pk),
        "programs:calendar_feed": calendar_feed_create(member=member).token,
        "notifications:unsubscribe": notify_token(user_id=member.pk),
        "community:unsubscribe": notify_token(user_id=member.pk),
    }
    values["slugs"] = {
        "community:": Category.objects.first().slug,
        "exercises:": Exercise.objects.first().slug,
        "programs:": "the-360-core",
    }
    return World(people=people, values=values, tokens=tokens)


def _url(route, world: World) -> str:
    if "(?P<" in route.route:  # allauth's regex routes
        return {
            "account_confirm_email": "/accounts/confirm-email/not-a-key/",
            "account_reset_password_from_key": "/accounts/password/reset/key/1-not-a-key/",
        }[route.name]
    slug = next((s for p, s in world.values["slugs"].items() if route.name.startswith(p)), "x")
    token = world.tokens.get(route.name, "not-a-token")
    return fill(route, {**world.values, "slug": slug, "token": token})


def _answer(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        target = response["Location"].split("?")[0]
        return "→" + re.sub(r"/\d+/", "/<id>/", target)  # ids differ between databases
    return str(response.status_code)


def _matches(expected: str, actual: str) -> bool:
    if expected.startswith("→"):
        return actual.startswith(expected)
    return expected == actual


def _clients(world: World) -> dict[str, Client]:
    clients = {}
    for role, person in world.people.items():
        client = Client()
        if person is not None:
            client.force_login(person)
        clients[role] = client
    return clients


def _log_in_again_if_signed_out(client: Client, person, response) -> None:
    """A page that signs out (or cycles the session) sends a new session cookie; only then is
    the person logged in again, instead of after every request."""
    if person is not None and settings.SESSION_COOKIE_NAME in response.cookies:
        client.force_login(person)


def _app_routes():
    return [
        r for r in routes(exclude_prefixes=EXCLUDED_PREFIXES) if not r.route.startswith("admin/")
    ]


def _admin_routes_without_ids():
    return [
        r
        for r in routes()
        if r.route.startswith("admin/") and not r.converters and "(?P<" not in r.route
    ]


def test_every_route_is_in_the_table():
    names = {r.name for r in _app_routes()}
    missing = sorted(names - set(EXPECTED))
    assert not missing, f"routes with no row in EXPECTED (decide who may open them): {missing}"
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"EXPECTED rows for routes that no longer exist: {stale}"


def test_each_person_gets_the_expected_answer_on_every_page(world):
    clients = _clients(world)
    wrong = []
    for route in _app_routes():
        expected = EXPECTED.get(route.name)
        if expected is None:
            continue
        url = _url(route, world)
        method = "post" if route.name in POSTED else "get"
        for role, want in zip(ROLES, expected, strict=True):
            response = getattr(clients[role], method)(url)
            got = _answer(response)
            if not _matches(want, got):
                wrong.append(f"{route.name} {url} as {role}: expected {want}, got {got}")
            _log_in_again_if_signed_out(clients[role], world.people[role], response)
    assert not wrong, f"{len(wrong)} answers differ from the table:\n" + "\n".join(wrong)


def test_admin_is_for_coaches_and_staff_only(world):
    clients = _clients(world)
    wrong = []
    admin_routes = _admin_routes_without_ids()
    assert len(admin_routes) > 10
    for route in admin_routes:
        url = "/" + route.route
        if route.name in ("admin:logout",):
            continue
        for role in ("anonymous", "nonmember", "member", "other"):
            got = _answer(clients[role].get(url))
            if not (got.startswith((ADMIN_LOGIN, LOGIN)) or got == "403"):
                wrong.append(f"{url} as {role}: {got}")
        # Inside, staff and coaches see pages, or 403 where a model is read-only (no "add").
        for role in ("staff", "coach"):
            got = _answer(clients[role].get(url))
            if not (got in ("200", "403") or got.startswith("→/admin/")):
                wrong.append(f"{url} as {role}: {got}")
    assert not wrong, "\n".join(wrong)
