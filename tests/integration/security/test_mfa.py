"""Two-factor sign-in (allauth.mfa): offered to everyone, required of coaches and staff.

With MFA_REQUIRED_FOR_STAFF on (production's default) a coach or staff member without an
authenticator app or passkey is sent to set one up before admin or any view guarded by
`staff_mfa_required` (the coach inbox); with one, sign-in asks for the code.
"""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from backcore.accounts.mfa import staff_mfa_required
from tests.factories import CoachFactory, MemberFactory, UserFactory
from tests.factories.accounts import PASSWORD


def _code(secret: str) -> str:
    counter = list(yield_hotp_counters_from_time())[len(list(yield_hotp_counters_from_time())) // 2]
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def required(db, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_two_factor_is_offered_to_every_member(client, db):
    client.force_login(MemberFactory())
    response = client.get("/accounts/2fa/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/accounts/2fa/totp/activate/" in page  # authenticator app
    assert "/accounts/2fa/webauthn/" in page  # passkeys and security keys


def test_the_login_page_offers_a_passkey(client, db):
    assert b"passkey" in client.get("/accounts/login/").content.lower()


@pytest.mark.parametrize("who", ["coach", "staff"])
def test_admin_waits_for_two_factor_when_required(client, required, who, staff):
    person = CoachFactory() if who == "coach" else staff
    client.force_login(person)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/?next=%2Fadmin%2F")
    assert client.get("/admin/exercises/exercise/").status_code == 302
    assert client.get("/accounts/2fa/").status_code == 200, "the setup page itself is open"


def test_admin_opens_once_an_authenticator_is_on(client, required):
    coach = CoachFactory()
    TOTP.activate(coach, generate_totp_secret())
    client.force_login(coach)
    assert client.get("/admin/").status_code == 200


def test_recovery_codes_alone_do_not_count(client, required):
    coach = CoachFactory()
    Authenticator.objects.create(user=coach, type="recovery_codes", data={"seed": "x"})
    client.force_login(coach)
    assert client.get("/admin/").status_code == 302


def test_not_required_by_default_outside_production(client, db, settings):
    assert settings.MFA_REQUIRED_FOR_STAFF is False  # the `make run` demo logins just work
    client.force_login(CoachFactory())
    assert client.get("/admin/").status_code == 200


def test_members_are_never_sent_to_set_it_up(client, required):
    client.force_login(MemberFactory())
    assert client.get("/today/").get("Location", "").startswith("/accounts/2fa/") is False


def test_the_decorator_guards_other_staff_views(required, staff):
    @staff_mfa_required
    def inbox(request):
        return HttpResponse("inbox")

    request = RequestFactory().get("/coach/inbox/")
    request.user = staff
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    response = inbox(request)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/?next=%2Fcoach%2Finbox%2F"
    TOTP.activate(staff, generate_totp_secret())
    assert inbox(request).content == b"inbox"


def test_django_admin_login_form_is_not_a_way_around_it(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_sign_in_asks_a_coach_for_the_code_then_admin_opens(client, required):
    coach = CoachFactory()
    secret = generate_totp_secret()
    TOTP.activate(coach, secret)
    response = client.post("/accounts/login/", {"login": coach.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302, "password alone is not signed in"
    response = client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_turning_on_an_authenticator_app_gives_recovery_codes(client, db):
    member = MemberFactory()
    login = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert login.status_code == 302, login.content
    # Adding a second factor asks for the password again (allauth's recent-authentication rule).
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert response.status_code == 302
    types = set(Authenticator.objects.filter(user=member).values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}


def test_the_coach_inbox_waits_for_two_factor_too(client, required):
    client.force_login(CoachFactory())
    response = client.get("/coach/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
