import os

import pytest

from backcore.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    # Every test (factories, demo seeding, browser logins) hashes with MD5: PBKDF2 costs about
    # half a second per user on this machine. Set before the first hash, so no cache to clear.
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


def service_missing(reason: str) -> None:
    """Under CI a test that needs a missing service fails; locally it skips."""
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    # Data migrations seed the library, phases, forum categories and suggested amounts. A
    # transactional test flushes them; with serialized rollback each one restores them, so a
    # later test (e.g. a browser journey on live_server) never finds an empty programme.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            restored = pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True})
            item.add_marker(restored, append=False)  # prepend: the closest marker wins


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        from django.db import connection

        if connection.vendor != "postgresql":
            service_missing("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        service_missing("needs Redis: set REDIS_URL=redis://…")


@pytest.fixture(autouse=True)
def _eager_celery():
    # Tests run tasks in-process; tasks are still sent through transaction.on_commit.
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    if "django_db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        from django.core.cache import cache

        cache.clear()  # allauth's rate limits live in the cache


@pytest.fixture
def user(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def member(db):
    from tests.factories import MemberFactory

    return MemberFactory()


@pytest.fixture
def coach(db):
    from tests.factories import CoachFactory

    return CoachFactory()
