"""Sending Celery tasks after a commit without ever failing the request that committed.

Every app's services queue background work with `send_on_commit(task, *ids)` instead of a bare
`transaction.on_commit(lambda: task.delay(...))`. When the broker is down (Redis restarting, a
network blip), the committed row still says the work is pending; the send is logged as a warning
and the app's periodic sweeper (see CELERY_BEAT_SCHEDULE) queues it again a few minutes later.

Only failures to reach the broker are caught. In eager mode (development without Redis, tests) the
task runs in-process and its own errors propagate as before.

Services name their tasks by the registered name (`send_on_commit("community.tasks.notify_post",
post.pk)`) and never import a tasks module: tasks import services, never the other way round, so
there is no import loop to break with a function-level import.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from kombu.exceptions import OperationalError as KombuOperationalError

logger = logging.getLogger(__name__)

try:  # redis-py is a dependency, but the helper does not need it to work
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover
    RedisConnectionError = RedisTimeoutError = ConnectionError  # type: ignore[misc,assignment]

# What a publish raises when the broker cannot be reached (kombu wraps most of them).
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    KombuOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def task_named(name: str) -> Any:
    """The registered task called `name`. Celery's autodiscovery loads every app's tasks module
    the first time one is asked for; an unknown name raises celery's NotRegistered at once."""
    from backcore.celery import app

    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def send_now(task: Any, *args: Any) -> bool:
    """Queue `task(*args)` now. Returns False (and logs a warning) if the broker is unreachable.

    `task` is a task object or its registered name."""
    if isinstance(task, str):
        task = task_named(task)
    if task.app.conf.task_always_eager:
        task.delay(*args)  # runs here: no broker to fail, and the task's own errors show
        return True
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.warning(
            "Could not queue %s%r (%s: %s); its sweeper will queue it again",
            getattr(task, "name", task),
            args,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def send_on_commit(task: Any, *args: Any) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one).

    `task` is a task object or its registered name; a name is looked up now, so a wrong one fails
    the transaction instead of vanishing after the commit. A broker failure is logged, never
    raised: the request that committed still succeeds.
    """
    if isinstance(task, str):
        task = task_named(task)
    transaction.on_commit(lambda: send_now(task, *args))


def sends_overdue(now: datetime, *, wait: timedelta, max_sends: int) -> Q:
    """Rows with `sent_at` and `sends` whose last send has had its time: never sent, or sent
    `wait` ago, doubled for each send before it, so work still waiting in a long queue is not
    sent again and again (and marked failed) before a worker reaches it."""
    due = Q(sent_at__isnull=True)
    for sends in range(1, max_sends + 1):
        due |= Q(sends=sends, sent_at__lt=now - wait * 2 ** (sends - 1))
    return due | Q(sends__gt=max_sends, sent_at__lt=now - wait * 2 ** (max_sends - 1))
