"""backcore.dispatch: a task sent after commit never fails the request; every task is safe to
redeliver (acks_late) and every beat entry names a real task."""

import logging

import pytest
from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from backcore import dispatch
from backcore.celery import app as celery_app

CALLS: list[int] = []


@shared_task
def _record(value: int) -> None:
    CALLS.append(value)


@shared_task
def _explode(value: int) -> None:
    raise RuntimeError(f"task error {value}")


@pytest.mark.django_db(transaction=True)
def test_send_on_commit_waits_for_the_commit_and_skips_a_rollback():
    CALLS.clear()
    with transaction.atomic():
        dispatch.send_on_commit(_record, 1)
        assert CALLS == []
    assert CALLS == [1]
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        dispatch.send_on_commit(_record, 2)
        1 / 0  # noqa: B018
    assert CALLS == [1]


def test_a_broker_failure_is_logged_not_raised(monkeypatch, caplog):
    celery_app.conf.task_always_eager = False  # restored by the autouse fixture

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(_record, "delay", refuse)
    with caplog.at_level(logging.WARNING, logger="backcore.dispatch"):
        assert dispatch.send_now(_record, 5) is False
    assert "Could not queue" in caplog.text and "Connection refused" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_task_sent_by_its_registered_name_runs_after_the_commit():
    CALLS.clear()
    with transaction.atomic():
        dispatch.send_on_commit(_record.name, 7)
        assert CALLS == []
    assert CALLS == [7]
    assert dispatch.send_now(_record.name, 8) is True and CALLS == [7, 8]


def test_a_name_no_task_answers_to_fails_at_once_not_after_the_commit():
    from celery.exceptions import NotRegistered

    with pytest.raises(NotRegistered):
        dispatch.send_on_commit("community.tasks.no_such_task", 1)


def test_a_service_names_a_task_whose_module_was_never_imported():
    """A web process need not have loaded a tasks module: the name is found through Celery's
    autodiscovery the first time it is sent (a fresh interpreter, so nothing is imported yet)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys, django; django.setup()\n"
        "from backcore import dispatch\n"
        "assert 'community.tasks' not in sys.modules\n"
        "print(dispatch.task_named('community.tasks.notify_post').name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "backcore.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "community.tasks.notify_post"


def test_a_task_error_in_eager_mode_is_not_swallowed():
    with pytest.raises(RuntimeError, match="task error 3"):
        dispatch.send_now(_explode, 3)


def test_every_project_task_is_acks_late_and_every_beat_entry_exists(settings):
    celery_app.loader.import_default_modules()
    ours = {
        name: task
        for name, task in celery_app.tasks.items()
        if name.split(".")[0] in {"backcore", "exercises", "programs", "community", "payments"}
    }
    assert len(ours) >= 10
    assert [name for name, task in ours.items() if not task.acks_late] == []
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in ours


def test_database_connections_are_health_checked(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_apps_send_tasks_only_through_the_dispatch_helper():
    """No bare `.delay(` inside `on_commit` in any app: a broker failure would be a 500."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("backcore", "exercises", "programs", "community", "payments"):
        for path in (root / app).rglob("*.py"):
            text = path.read_text()
            if path.name != "dispatch.py" and "on_commit(" in text and ".delay(" in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
