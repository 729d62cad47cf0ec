"""What a coach may do with the records the app writes about its own work: the replanning after a
programme edit and the weekly runs with their chunks. Coaches see them (that their edit reached
plans, whether a run finished), never add, change, delete or resend them; operators
(superusers) do."""

import pytest
from django.utils import timezone

from programs.models import ProgrammeEdit, ProgressionRunChunk
from tests.factories import CoachFactory, MemberFactory
from tests.support.admin_rows import run_records

pytestmark = pytest.mark.django_db

# (permission, coach, superuser, member)
MATRIX = [
    ("programs.view_programmeedit", True, True, False),
    ("programs.add_programmeedit", False, True, False),
    ("programs.change_programmeedit", False, True, False),
    ("programs.delete_programmeedit", False, True, False),
    ("programs.view_programmeeditchunk", True, True, False),
    ("programs.add_programmeeditchunk", False, True, False),
    ("programs.change_programmeeditchunk", False, True, False),
    ("programs.delete_programmeeditchunk", False, True, False),
    ("programs.view_progressionrun", True, True, False),
    ("programs.add_progressionrun", False, True, False),
    ("programs.change_progressionrun", False, True, False),
    ("programs.delete_progressionrun", False, True, False),
    ("programs.view_progressionrunchunk", True, True, False),
    ("programs.add_progressionrunchunk", False, True, False),
    ("programs.change_progressionrunchunk", False, True, False),
    ("programs.delete_progressionrunchunk", False, True, False),
]


@pytest.mark.parametrize(("perm", "coach", "superuser", "member"), MATRIX)
def test_permission_matrix_for_run_records(perm, coach, superuser, member):
    assert CoachFactory().has_perm(perm) is coach
    assert CoachFactory(is_superuser=True).has_perm(perm) is superuser
    assert MemberFactory().has_perm(perm) is member


@pytest.fixture
def records():
    edit, run = run_records(member_ids=[1])
    ProgrammeEdit.objects.filter(pk=edit.pk).update(members_replanned=42)
    ProgressionRunChunk.objects.filter(run=run, number=0).update(members_reviewed=500)
    return edit, run


def test_coach_sees_an_edit_and_its_replanning_but_cannot_change_it(client, records):
    edit, _run = records
    client.force_login(CoachFactory())
    listing = client.get("/admin/programs/programmeedit/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "Phase Reconnect saved" in page
    assert "Replan again" not in page  # the resend action is an operator's
    change = client.get(f"/admin/programs/programmeedit/{edit.pk}/change/")
    assert change.status_code == 200
    page = change.content.decode()
    assert "42" in page
    assert 'name="summary"' not in page  # read-only
    # Its chunks, read-only: which one is done.
    assert f"Edit {edit.pk} chunk 0" in page and 'name="chunks-0-sends"' not in page
    assert client.get("/admin/programs/programmeedit/add/").status_code == 403
    assert client.get(f"/admin/programs/programmeedit/{edit.pk}/delete/").status_code == 403
    refused = client.post(f"/admin/programs/programmeedit/{edit.pk}/change/", {"summary": "x"})
    assert refused.status_code == 403
    edit.refresh_from_db()
    assert edit.summary == "Phase Reconnect saved"
    resend = client.post(
        "/admin/programs/programmeedit/",
        {"action": "replan_again", "_selected_action": [edit.pk]},
    )
    assert resend.status_code in (200, 302)
    edit.refresh_from_db()
    assert edit.sends == 1  # not sent again


def test_coach_sees_a_weekly_run_and_its_chunks_but_cannot_retry_them(client, records):
    _edit, run = records
    client.force_login(CoachFactory())
    listing = client.get("/admin/programs/progressionrun/")
    assert listing.status_code == 200
    assert f"Weekly run {run.pk}" in listing.content.decode()
    assert "Retry the failed chunks" not in listing.content.decode()
    change = client.get(f"/admin/programs/progressionrun/{run.pk}/change/")
    assert change.status_code == 200
    page = change.content.decode()
    # The chunks inline is there, read-only: which chunk is done and which one failed.
    assert f"Run {run.pk} chunk 0" in page and f"Run {run.pk} chunk 1" in page
    assert 'name="chunks-0-sends"' not in page and 'name="chunks-1-failed_at"' not in page
    assert '<td class="field-members_reviewed">' in page and "<p>500</p>" in page
    assert client.get("/admin/programs/progressionrun/add/").status_code == 403
    assert client.get(f"/admin/programs/progressionrun/{run.pk}/delete/").status_code == 403
    client.post(
        "/admin/programs/progressionrun/",
        {"action": "retry_failed_chunks", "_selected_action": [run.pk]},
    )
    failed = ProgressionRunChunk.objects.get(run=run, number=1)
    assert failed.failed_at is not None and failed.sends == 5  # not retried by a coach


def test_superuser_still_resends_and_retries(client, records):
    edit, run = records
    ProgrammeEdit.objects.filter(pk=edit.pk).update(finished_at=None, failed_at=timezone.now())
    client.force_login(CoachFactory(is_superuser=True))
    client.post(
        "/admin/programs/programmeedit/",
        {"action": "replan_again", "_selected_action": [edit.pk]},
    )
    edit.refresh_from_db()
    assert edit.failed_at is None
    client.post(
        "/admin/programs/progressionrun/",
        {"action": "retry_failed_chunks", "_selected_action": [run.pk]},
    )
    assert ProgressionRunChunk.objects.get(run=run, number=1).failed_at is None
