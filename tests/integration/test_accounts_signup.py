import re

import pytest
from django.db import IntegrityError

from backcore.accounts.models import User

pytestmark = pytest.mark.django_db

STRONG = "slow-steady-spine-42"


def _signup(client, email):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": STRONG, "password2": STRONG}
    )


def test_signup_verify_then_login(client, mailoutbox):
    response = _signup(client, "New.Person@Example.org")
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.person@example.org"
    assert hasattr(user, "profile"), "a profile is created at signup"

    # Mandatory verification: no login before the link is followed.
    client.logout()
    refused = client.post(
        "/accounts/login/", {"login": "new.person@example.org", "password": STRONG}
    )
    assert refused.status_code == 302 and "confirm-email" in refused["Location"]

    assert len(mailoutbox) >= 1
    link = re.search(r"(/accounts/confirm-email/[^\s/]+/)", mailoutbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert user.emailaddress_set.get().verified

    client.logout()
    ok = client.post("/accounts/login/", {"login": "NEW.person@example.org", "password": STRONG})
    assert ok.status_code == 302
    assert client.get("/account/profile/").status_code == 200


def test_duplicate_email_in_another_case_is_refused(client, mailoutbox):
    User.objects.create_user("ann@example.org", STRONG)
    _signup(client, "ANN@Example.org")
    # allauth prevents enumeration: the form looks accepted, no second account exists,
    # and the owner of the address is told someone tried.
    assert User.objects.filter(email__iexact="ann@example.org").count() == 1


def test_database_refuses_case_variant_duplicates():
    User.objects.create(email="bo@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create(email="BO@example.org")


def test_password_reset_sends_a_link(client, user, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert "/accounts/password/reset/key/" in mailoutbox[-1].body


def test_signup_asks_for_the_community_name_and_keeps_it(client, mailoutbox):
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="display_name"' in page
    assert page.index('name="display_name"') < page.index('name="email"')
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "  Sam ",
            "email": "sam@example.org",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="sam@example.org").profile.display_name == "Sam"
    # Allauth's emails greet from BackCore, not from the request's host.
    assert "Hello from BackCore" in mailoutbox[-1].body
    assert "127.0.0.1:8000!" not in mailoutbox[-1].body


def test_signup_name_is_optional(client):
    assert _signup(client, "quiet@example.org").status_code == 302
    assert User.objects.get(email="quiet@example.org").profile.display_name == ""


def test_coaches_land_on_their_inbox_and_members_on_today(client, coach, member):
    from tests.factories.accounts import PASSWORD

    response = client.post("/accounts/login/", {"login": coach.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/coach/"
    client.logout()
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": coach.email, "password": PASSWORD}
    )
    assert response["Location"] == "/admin/"
    client.logout()
    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response["Location"] == "/today/"
