"""A weekly-run chunk that fails every time is sent again with a growing wait, a bounded number
of times, then shows as failed for an operator, who can retry it from admin."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from django.urls import reverse

from programs.models import Enrolment, ProgressionRunChunk
from programs.services.progression import (
    MAX_SENDS,
    RESEND_AFTER,
    progression_run_start,
    progression_runs_resume,
)
from tests.integration.programs.test_weekly_run import WEEK, members_with_mixed_weeks

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 23, 3, tzinfo=ZoneInfo("UTC"))


def resume(at: datetime) -> int:
    with TestCase.captureOnCommitCallbacks(execute=False):  # the sent task dies every time
        return progression_runs_resume(now=at)


def test_a_chunk_that_keeps_failing_backs_off_then_is_marked_failed(admin_client):
    members_with_mixed_weeks(2)
    with TestCase.captureOnCommitCallbacks(execute=False):
        run = progression_run_start(now=START, week_start=WEEK)
    [chunk] = run.chunks.all()
    at, resent = START, []
    for sends in range(1, MAX_SENDS):
        wait = RESEND_AFTER * 2 ** (sends - 1)
        assert resume(at + wait - timedelta(minutes=1)) == 0  # not yet: the wait doubles
        at += wait + timedelta(minutes=1)
        resent.append(resume(at))
    assert resent == [1] * (MAX_SENDS - 1)
    chunk.refresh_from_db()
    assert chunk.sends == MAX_SENDS and chunk.failed_at is None
    assert resume(at + RESEND_AFTER * 2**MAX_SENDS) == 0  # no sixth send
    chunk.refresh_from_db()
    assert chunk.failed_at is not None and chunk.done_at is None
    assert resume(at + timedelta(days=30)) == 0  # never again by itself
    # Its members are not put in a new run meanwhile (they would only fail the same way).
    with TestCase.captureOnCommitCallbacks(execute=False):
        assert progression_run_start(now=at + timedelta(hours=1)) is None

    page = admin_client.get(reverse("admin:programs_progressionrun_changelist"), {"failed": "yes"})
    assert page.status_code == 200 and str(run) in page.content.decode()
    # The operator fixed the cause and retries: the chunk runs and the run finishes.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = admin_client.post(
            reverse("admin:programs_progressionrun_changelist"),
            {"action": "retry_failed_chunks", "_selected_action": [run.pk]},
        )
    assert response.status_code == 302
    chunk.refresh_from_db()
    assert chunk.done_at is not None and chunk.failed_at is None and chunk.sends == 1
    run.refresh_from_db()
    assert run.finished_at is not None
    assert Enrolment.objects.filter(last_reviewed_week=WEEK).count() == 2
    assert ProgressionRunChunk.objects.filter(failed_at__isnull=False).count() == 0
