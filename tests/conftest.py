import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from backcore.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def worker_redis_url(url: str, worker: int) -> str:
    """`make test` runs the suite in parallel (pytest-xdist): worker N gets its own Redis
    database, N below the one in REDIS_URL (wrapping at 0 to 15), since tests flush the cache.
    PostgreSQL needs nothing: pytest-django gives each worker its own test database."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(base - worker) % 16}"))


def pytest_configure(config):
    # Every test (factories, demo seeding, browser logins) hashes with MD5: PBKDF2 costs about
    # half a second per user on this machine. Set before the first hash, so no cache to clear.
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS

    # Celery's first task lookup imports the task modules, and its Django fixup then runs
    # django.setup() again, which reconfigures logging and drops caplog's handlers from the
    # test that happened to come first. Done here, before any test, so no test depends on
    # which ran before it (each parallel worker runs a different share).
    celery_app.loader.import_default_modules()

    # Transactional tests (browser journeys) restore the seeded rows more cheaply.
    from tests.support import fast_rollback

    fast_rollback.install()

    worker = getattr(config, "workerinput", {}).get("workerid", "gw0")
    if settings.REDIS_URL and worker != "gw0":
        from django.test.utils import override_settings

        url = worker_redis_url(settings.REDIS_URL, int(worker.removeprefix("gw")))
        os.environ["REDIS_URL"] = url  # subprocesses and tests that read it
        cache = {**settings.CACHES["default"], "LOCATION": url}
        # For the whole session; its setting_changed signal drops any cache already opened.
        override_settings(REDIS_URL=url, CELERY_BROKER_URL=url, CACHES={"default": cache}).enable()
        celery_app.conf.broker_url = url


def service_missing(reason: str) -> None:
    """Under CI a test that needs a missing service fails; locally it skips."""
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}")
    pytest.skip(reason)


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(items):
    # Data migrations seed the library, phases, forum categories and suggested amounts. A
    # transactional test flushes them; with serialized rollback each one puts them back as it
    # ends (tests/support/fast_rollback.py), so whatever test comes next on this worker (an
    # ordinary one too: xdist's worksteal runs them after) never finds an empty programme.
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        transactional = (
            kwargs.get("transaction")
            or kwargs.get("reset_sequences")
            or TRANSACTIONAL_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        )
        if transactional and not kwargs.get("serialized_rollback"):
            restored = pytest.mark.django_db(
                **{**kwargs, "transaction": True, "serialized_rollback": True}
            )
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
