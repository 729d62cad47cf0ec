"""Account export and deletion reach every app through backcore.accounts.lifecycle."""

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from backcore.accounts.export import account_export
from backcore.accounts.lifecycle import OnDelete, personal_data
from backcore.accounts.services import user_delete
from community import services as community_services
from community.models import FORMER_MEMBER, Post, Reaction
from payments.models import Contribution, Subscription
from programs.models import PlannedSession
from tests.factories import ContributionFactory, MemberFactory, PostFactory
from tests.factories.sessions import session_with_items
from tests.support.fake_stripe import fake_stripe  # noqa: F401

User = get_user_model()


def person_links() -> dict[type[models.Model], list[models.Field]]:
    """Every model with a foreign key, one-to-one or many-to-many to the user."""
    found: dict = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if f.concrete and f.is_relation and f.related_model is User:
                found.setdefault(model, []).append(f)
    return found


def test_every_model_linked_to_a_person_declares_its_export_and_deletion():
    covered = personal_data.covered()
    links = person_links()
    links.pop(User, None)
    missing = sorted(m._meta.label for m in links if m not in covered)
    assert missing == [], (
        "These models point at the user but no app declares how the account export and deletion "
        "handle them: add them to that app's PersonalData (see backcore/accounts/lifecycle.py)."
    )
    assert len(links) >= 20  # guard: the walk found the apps' models


@pytest.mark.parametrize("model", sorted(person_links(), key=str), ids=lambda m: m._meta.label)
def test_declared_handling_matches_the_foreign_keys(model):
    if model is User:
        pytest.skip("the user itself")
    app, handling = personal_data.covered()[model]
    for f in person_links()[model]:
        if f.many_to_many:
            continue
        if handling.on_delete is OnDelete.DELETE:
            # rows go: cascade, or the app's forget removes them (checked behaviourally below)
            provider = next(p for p in personal_data if p.app == app)
            assert f.remote_field.on_delete is models.CASCADE or provider.forget, f
        else:
            # rows stay without the person: a cascade would silently delete them
            assert f.remote_field.on_delete is models.SET_NULL, f"{model._meta.label}.{f.name}"


def test_every_declared_section_is_in_the_export(member):
    data = account_export(user=member)
    for provider in personal_data:
        for section in provider.sections:
            assert section in data, f"{provider.app} declares {section} but does not export it"


@pytest.fixture
def busy_member(db):
    """A member with something in every app."""
    member = MemberFactory()
    session_with_items(member=member, day=date(2026, 3, 2))
    post = PostFactory(author=member, body="my own words")
    other = PostFactory(thread=post.thread)
    community_services.reaction_toggle(member=member, post=other, kind=Reaction.Kind.values[0])
    ContributionFactory(member=member, amount_minor=700)
    return member


def test_export_holds_every_apps_records(client, busy_member):
    client.force_login(busy_member)
    response = client.get("/account/data/data.json")
    assert response.streaming
    data = json.loads(b"".join(response.streaming_content))
    assert data["format"] == "backcore-export-2"
    assert len(data["sessions"]) == 1
    assert [p["body"] for p in data["forum_posts"]] == ["my own words"]
    assert len(data["forum_reactions"]) == 1
    assert [c["amount_minor"] for c in data["contributions"]] == [700]
    assert "notification_settings" in data and data["email_addresses"]


def test_zip_bundle_has_the_json_and_one_csv_per_table(client, busy_member):
    client.force_login(busy_member)
    response = client.get("/account/data/data.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert response.streaming  # built in a spooled file and sent in pieces
    bundle = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(bundle.namelist())
    assert {"data.json", "sessions.csv", "sessions-items.csv", "forum_posts.csv"} <= names
    assert {"contributions.csv", "forum_reactions.csv", "profile.csv"} <= names
    posts = list(csv.DictReader(io.StringIO(bundle.read("forum_posts.csv").decode())))
    assert [p["body"] for p in posts] == ["my own words"]
    items = list(csv.DictReader(io.StringIO(bundle.read("sessions-items.csv").decode())))
    session_id = str(PlannedSession.objects.get(member=busy_member).pk)
    assert items and {i["sessions_id"] for i in items} == {session_id}


def test_deletion_asks_every_app(busy_member):
    post = Post.objects.get(author=busy_member)
    user_delete(user=busy_member)
    post.refresh_from_db()
    assert (post.author_id, post.author_name) == (None, FORMER_MEMBER)  # community anonymised
    assert not Reaction.objects.filter(member_id=busy_member.pk).exists()
    assert not PlannedSession.objects.filter(member_id=busy_member.pk).exists()  # programs
    contribution = Contribution.objects.get(amount_minor=700)  # payments keeps bookkeeping
    assert contribution.member_id is None
    assert not User.objects.filter(pk=busy_member.pk).exists()


def test_deletion_leaves_no_row_pointing_at_the_person(busy_member):
    pk = busy_member.pk
    user_delete(user=busy_member)
    for model, fields in person_links().items():
        for f in fields:
            if not f.many_to_many:
                assert not model.objects.filter(**{f.attname: pk}).exists(), model


# ------------------------------------------------------------------ payments: Stripe first


def _live_subscription(fake, member) -> Subscription:
    remote = fake.add_subscription(
        amount_minor=1500, currency="usd", customer="cus_test", metadata={}
    )
    return Subscription.objects.create(
        stripe_subscription_id=remote["id"],
        member=member,
        amount_minor=1500,
        currency="usd",
        status="active",
    )


@pytest.mark.django_db
def test_deletion_cancels_live_subscriptions_at_stripe_first(client, fake_stripe):  # noqa: F811
    member = MemberFactory()
    local = _live_subscription(fake_stripe, member)
    client.force_login(member)
    response = client.post("/account/delete/", {"confirm_email": member.email})
    assert response.status_code == 302
    assert fake_stripe.subscriptions[local.stripe_subscription_id]["status"] == "canceled"
    assert fake_stripe.requests_to("DELETE", f"/v1/subscriptions/{local.stripe_subscription_id}")
    local.refresh_from_db()
    assert (local.status, local.member_id) == ("canceled", None)
    assert not User.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_a_stripe_error_stops_the_deletion_and_says_so(client, fake_stripe, monkeypatch):  # noqa: F811
    member = MemberFactory()
    local = _live_subscription(fake_stripe, member)
    real_route = fake_stripe._route

    def failing(method, path, params):
        if method == "DELETE":
            return 500, {"error": {"type": "api_error", "message": "Stripe is having a bad day"}}
        return real_route(method, path, params)

    monkeypatch.setattr(fake_stripe, "_route", failing)
    client.force_login(member)
    response = client.post("/account/delete/", {"confirm_email": member.email})
    assert response.status_code == 503
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    assert fake_stripe.subscriptions[local.stripe_subscription_id]["status"] == "active"
    local.refresh_from_db()
    assert local.member_id == member.pk
    assert client.get("/account/data/").status_code == 200  # still logged in, can try again

    monkeypatch.setattr(fake_stripe, "_route", real_route)  # Stripe is back: the retry works
    response = client.post("/account/delete/", {"confirm_email": member.email})
    assert response.status_code == 302
    assert fake_stripe.subscriptions[local.stripe_subscription_id]["status"] == "canceled"
    assert not User.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_a_subscription_that_goes_live_during_deletion_stops_it(fake_stripe, monkeypatch):  # noqa: F811
    from payments import lifecycle

    member = MemberFactory()
    monkeypatch.setattr(
        lifecycle, "member_subscriptions_cancel_all", lambda *, member: 0
    )  # as if the checkout completed right after the cancellation step
    _live_subscription(fake_stripe, member)
    with pytest.raises(lifecycle.AccountDeletionBlocked):
        user_delete(user=member)
    assert User.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_wrong_email_deletes_nothing(client):
    member = MemberFactory()
    client.force_login(member)
    response = client.post("/account/delete/", {"confirm_email": "someone@else.org"})
    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_an_open_checkout_is_closed_before_the_account_goes(fake_stripe):  # noqa: F811
    from payments import services

    member = MemberFactory()
    contribution = services.contribution_checkout_start(
        member=member, amount_minor=1500, kind="monthly", nonce="open"
    )
    user_delete(user=member)
    assert fake_stripe.sessions[contribution.checkout_session_id]["status"] == "expired"
    assert not User.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_a_monthly_checkout_paid_but_not_yet_recorded_is_cancelled_too(fake_stripe):  # noqa: F811
    from payments import services

    member = MemberFactory()
    contribution = services.contribution_checkout_start(
        member=member, amount_minor=1500, kind="monthly", nonce="paid"
    )
    session = fake_stripe.pay(contribution.checkout_session_id)  # webhook not processed yet
    user_delete(user=member)
    assert fake_stripe.subscriptions[session["subscription"]]["status"] == "canceled"
    local = Subscription.objects.get(stripe_subscription_id=session["subscription"])
    assert (local.status, local.member_id) == ("canceled", None)


@pytest.mark.django_db
def test_zip_export_query_count_does_not_grow_with_history(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for sessions in (1, 6):
        member = MemberFactory()
        for n in range(sessions):
            session_with_items(member=member, day=date(2026, 3, 1 + n))
            PostFactory(author=member)
        client.force_login(member)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/account/data/data.zip").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_deleting_from_admin_goes_through_the_same_lifecycle(client, fake_stripe):  # noqa: F811
    admin = User.objects.create_superuser(email="root@example.org", password="x")
    member = MemberFactory()
    local = _live_subscription(fake_stripe, member)
    post = PostFactory(author=member)
    client.force_login(admin)
    response = client.post(f"/admin/accounts/user/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert fake_stripe.subscriptions[local.stripe_subscription_id]["status"] == "canceled"
    post.refresh_from_db()
    assert post.author_name == FORMER_MEMBER


@pytest.mark.django_db
def test_admin_deletion_blocked_by_stripe_says_so(client, fake_stripe, monkeypatch):  # noqa: F811
    from payments import lifecycle

    def unreachable(*, member):
        raise lifecycle.PaymentsUnavailable("down")

    monkeypatch.setattr(lifecycle, "member_subscriptions_cancel_all", unreachable)
    admin = User.objects.create_superuser(email="root@example.org", password="x")
    member = MemberFactory()
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{member.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert "nothing was deleted" in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_a_subscription_stripe_no_longer_knows_does_not_block_deletion(fake_stripe):  # noqa: F811
    """Stripe answers 404 for a subscription it has not got: nothing there can charge the
    member, so the deletion goes ahead and the bookkeeping row says it is stopped."""
    member = MemberFactory()
    Subscription.objects.create(
        stripe_subscription_id="sub_gone_at_stripe",
        member=member,
        amount_minor=900,
        currency="usd",
        status="active",
    )
    user_delete(user=member)
    assert not User.objects.filter(pk=member.pk).exists()
    local = Subscription.objects.get(stripe_subscription_id="sub_gone_at_stripe")
    assert (local.status, local.member_id) == ("canceled", None)


def _long_history(*, member, sessions: int) -> None:
    """`sessions` days of logged work, copied in bulk from one real session (fast to build)."""
    from copy import copy

    from programs.models import PlannedItem

    first = session_with_items(member=member, day=date(2020, 1, 1), holds=(20, 30), reps=(10, 12))
    items = list(first.items.all())
    copies = []
    for n in range(1, sessions):
        session = copy(first)
        session.pk, session.date = None, first.date + timedelta(days=n)
        copies.append(session)
    PlannedSession.objects.bulk_create(copies)
    clones = []
    for session in copies:
        for item in items:
            clone = copy(item)
            clone.pk, clone.session_id = None, session.pk
            clones.append(clone)
    PlannedItem.objects.bulk_create(clones)


@pytest.mark.django_db
def test_the_export_streams_a_long_history_in_flat_memory(client, monkeypatch):
    """The JSON and the zip are written while the rows are read: eight times the sessions do
    not take eight times the memory. Memory follows the chunk (here 20 sessions), the piece
    size and the spool size (4 KB each), never the length of the history."""
    import tracemalloc

    from backcore.accounts import export
    from programs.services import data

    monkeypatch.setattr(data, "SESSION_CHUNK", 20)
    monkeypatch.setattr(export, "SPOOL_BYTES", 4096)
    monkeypatch.setattr(export, "CHUNK_CHARS", 4096)
    peaks = {}
    for sessions in (40, 320):
        member = MemberFactory()
        _long_history(member=member, sessions=sessions)
        client.force_login(member)
        for url in ("/account/data/data.json", "/account/data/data.zip"):
            b"".join(client.get(url).streaming_content)  # warm: imports, caches, templates
            tracemalloc.start()
            size = sum(len(piece) for piece in client.get(url).streaming_content)
            peaks[url, sessions] = (size, tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
    for url in ("/account/data/data.json", "/account/data/data.zip"):
        (small_size, small_peak), (big_size, big_peak) = peaks[url, 40], peaks[url, 320]
        assert big_size > 3 * small_size, peaks  # the long history really is in the export (zipped)
        assert big_peak < 2 * small_peak, peaks
