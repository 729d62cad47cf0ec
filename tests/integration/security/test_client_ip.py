"""Behind a proxy, one person's failed logins must not lock out everyone.

allauth's per-address login limit keys on the client's address. Without configuration that is
REMOTE_ADDR, which behind a proxy is the proxy; ALLAUTH_TRUSTED_PROXY_COUNT (or
ALLAUTH_TRUSTED_CLIENT_IP_HEADER) makes it the visitor's own address.
"""

import pytest
from django.core.cache import cache

from tests.factories import MemberFactory
from tests.factories.accounts import PASSWORD

PROXY = "10.0.0.2"


def _login(client, email, password, visitor):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        # The visitor may send any X-Forwarded-For; our one proxy appends the real address.
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {visitor}",
        HTTP_CF_CONNECTING_IP=visitor,
    )


def _attack_then_try_someone_else(client, django_user_model):
    for n in range(12):  # past allauth's 10 failures a minute per address
        _login(client, f"nobody{n}@example.org", "wrong-password", visitor="203.0.113.66")
    member = MemberFactory()
    client.cookies.clear()
    return _login(client, member.email, PASSWORD, visitor="198.51.100.7")


def test_without_configuration_the_proxy_address_is_shared_by_everyone(
    client, db, settings, django_user_model
):
    """The control: this is the lockout the setting exists for."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    cache.clear()
    response = _attack_then_try_someone_else(client, django_user_model)
    assert response.status_code != 302


@pytest.mark.parametrize(
    "setting",
    [
        {"ALLAUTH_TRUSTED_PROXY_COUNT": 1},
        {"ALLAUTH_TRUSTED_CLIENT_IP_HEADER": "CF-Connecting-IP"},
    ],
)
def test_with_a_trusted_proxy_each_visitor_has_their_own_limit(
    client, db, settings, django_user_model, setting
):
    for name, value in setting.items():
        setattr(settings, name, value)
    cache.clear()
    response = _attack_then_try_someone_else(client, django_user_model)
    assert response.status_code == 302, "a different visitor signs in normally"


def test_a_forged_left_hand_address_does_not_escape_the_limit(client, db, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    member = MemberFactory()
    for n in range(12):
        client.post(
            "/accounts/login/",
            {"login": f"nobody{n}@example.org", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66",  # new forged value each time
        )
    response = client.post(
        "/accounts/login/",
        {"login": member.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.66",
    )
    assert response.status_code != 302, "the limit follows the address our proxy saw"
