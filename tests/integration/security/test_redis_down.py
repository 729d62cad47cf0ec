"""With Redis unreachable, signing in, signing up and password reset still work.

The cache is pointed at a closed port. The plain Django Redis cache raises there (the control:
this is what gave 500s); BackCore's cache answers from process memory, logs one warning, and
allauth's rate limits keep counting per process.
"""

import logging
import socket

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from tests.factories import MemberFactory
from tests.factories.accounts import PASSWORD


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket closes


@pytest.fixture
def redis_down(settings):
    location = f"redis://127.0.0.1:{_closed_port()}/0"
    settings.CACHES = {
        "default": {"BACKEND": "backcore.cache.FallbackRedisCache", "LOCATION": location}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield location
    caches["default"].clear()


def test_the_plain_redis_cache_fails_on_that_port(redis_down):
    import redis

    plain = RedisCache(redis_down, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    with pytest.raises(redis.exceptions.ConnectionError):
        plain.get("anything")


def test_login_with_the_right_password_works_and_a_warning_is_logged(
    client, db, redis_down, caplog
):
    member = MemberFactory()
    with caplog.at_level(logging.WARNING, logger="backcore.cache"):
        response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account/profile/").status_code == 200
    warnings = [r for r in caplog.records if r.name == "backcore.cache"]
    assert len(warnings) == 1, "one warning per outage, not one per cache call"
    assert "unreachable" in warnings[0].getMessage()


def test_wrong_password_is_refused_and_still_rate_limited(client, db, redis_down):
    member = MemberFactory()
    responses = [
        client.post("/accounts/login/", {"login": member.email, "password": "wrong-one"})
        for _ in range(8)
    ]
    assert {r.status_code for r in responses} == {200}  # the form again, with an error
    assert b"Too many failed login attempts" not in responses[0].content
    assert b"Too many failed login attempts" in responses[-1].content, (
        "the per-process fallback still limits guessing"
    )


def test_sign_up_works(client, db, redis_down, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.org",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_password_reset_works(client, db, redis_down, mailoutbox):
    member = MemberFactory()
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_public_and_member_pages_answer(client, db, redis_down):
    member = MemberFactory()
    client.force_login(member)
    for url in ("/", "/exercises/", "/exercises/bird-dog/", "/community/", "/healthz"):
        assert client.get(url).status_code < 500, url


def test_redis_is_left_alone_during_the_outage_then_tried_again(redis_down, monkeypatch):
    backend = caches["default"]
    backend.set("k", 1)
    assert backend.get("k") == 1  # answered from memory
    assert backend.is_degraded
    tried = []
    monkeypatch.setattr(RedisCache, "get", lambda *a, **k: tried.append(1) or "from redis")
    assert backend.get("k") == 1 and not tried, "no connect attempt while marked down"
    backend._down_until = 0.0  # the retry window has passed
    assert backend.get("k") == "from redis" and tried
    assert not backend.is_degraded
