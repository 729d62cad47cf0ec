"""Replanning after a coach's programme-wide edit is fanned out like the weekly run: the members
it reaches are split into chunks once, each chunk is its own task sent after commit, chunks run
in any order on any worker, a chunk runs once, and a chunk whose worker died is sent again and
finishes the edit. What each member is shown is checked where it changes: their stored plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.models import PlannedSession, PoolEntry, ProgrammeEdit, ProgrammeEditChunk
from programs.selectors.programme import programme_build
from programs.services import plan_day
from programs.services import programme_edits as edits
from tests.factories import MemberFactory
from tests.factories.programs import enrol
from tests.integration.programs.test_programme_edits import BRACE, LOWERED_BRACE, item_for

pytestmark = pytest.mark.django_db


def _planned_members(count: int) -> list:
    members = []
    for _ in range(count):
        member = MemberFactory()
        enrol(member)
        plan_day(member=member)
        members.append(member)
    return members


def _lowered_brace_edit(members) -> ProgrammeEdit:
    """The brace's range lowered by a bulk statement (no signal) and the edit recorded, its
    fan-out task not run yet."""
    entry = PoolEntry.objects.get(
        phase=PlannedSession.objects.filter(member=members[0]).first().phase,
        track="general",
        exercise__slug=BRACE,
    )
    with TestCase.captureOnCommitCallbacks(execute=False) as sent:
        edit = edits.programme_edit_record(summary="Brace lowered", phase_ids=[entry.phase_id])
    assert len(sent) == 2  # the bundle's version bumped, and the fan-out task
    PoolEntry.objects.filter(pk=entry.pk).update(**LOWERED_BRACE)
    return edit


def _fan_out(edit, chunk_size: int) -> list[ProgrammeEditChunk]:
    with TestCase.captureOnCommitCallbacks(execute=False) as sent:
        count = edits.programme_edit_fan_out(edit_id=edit.pk, chunk_size=chunk_size)
    chunks = list(edit.chunks.order_by("number"))
    assert count == len(chunks) == len(sent)  # one task per chunk, sent after commit
    return chunks


def _lowered(member) -> bool:
    return item_for(member, BRACE).hold_seconds == 6


def test_each_chunk_replans_its_own_members_in_any_order():
    members = _planned_members(5)
    edit = _lowered_brace_edit(members)
    chunks = _fan_out(edit, chunk_size=2)
    assert [c.member_ids for c in chunks] == [
        [m.pk for m in members[0:2]],
        [m.pk for m in members[2:4]],
        [members[4].pk],
    ]
    assert all(c.sends == 1 and c.sent_at is not None for c in chunks)

    last = edits.programme_edit_replan_chunk(chunk_id=chunks[2].pk)
    assert (last.members, last.edit_finished) == (1, False)
    assert [_lowered(m) for m in members] == [False, False, False, False, True]
    edit.refresh_from_db()
    assert (edit.members, edit.members_replanned, edit.finished_at) == (5, 1, None)

    first = edits.programme_edit_replan_chunk(chunk_id=chunks[0].pk)
    assert (first.members, first.edit_finished) == (2, False)
    assert [_lowered(m) for m in members] == [True, True, False, False, True]

    middle = edits.programme_edit_replan_chunk(chunk_id=chunks[1].pk)
    assert (middle.members, middle.edit_finished) == (2, True)
    assert all(_lowered(m) for m in members)
    edit.refresh_from_db()
    assert edit.members_replanned == 5 and edit.finished_at is not None


def test_a_chunk_or_a_fan_out_sent_twice_changes_nothing():
    members = _planned_members(3)
    edit = _lowered_brace_edit(members)
    (chunk,) = _fan_out(edit, chunk_size=10)
    edits.programme_edit_replan_chunk(chunk_id=chunk.pk)
    plans = set(PlannedSession.objects.values_list("pk", flat=True))
    again = edits.programme_edit_replan_chunk(chunk_id=chunk.pk)
    assert (again.members, again.edit_finished) == (0, True)
    assert set(PlannedSession.objects.values_list("pk", flat=True)) == plans  # not made again
    with TestCase.captureOnCommitCallbacks(execute=False) as sent:
        assert edits.programme_edit_fan_out(edit_id=edit.pk) == 0
    assert sent == [] and edit.chunks.count() == 1
    edit.refresh_from_db()
    assert edit.members_replanned == 3


def test_a_chunk_whose_worker_died_is_sent_again_and_finishes_the_edit(monkeypatch):
    members = _planned_members(3)
    edit = _lowered_brace_edit(members)
    first, second = _fan_out(edit, chunk_size=2)
    edits.programme_edit_replan_chunk(chunk_id=second.pk)

    # The worker dies after replanning the first member of the chunk: nothing of it stays.
    replan = edits.member_replan_after_edit
    calls = []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs["member"].pk)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        replan(**kwargs)

    monkeypatch.setattr(edits, "member_replan_after_edit", dies_on_the_second)
    with pytest.raises(SystemExit):
        edits.programme_edit_replan_chunk(chunk_id=first.pk)
    monkeypatch.undo()
    first.refresh_from_db()
    assert first.done_at is None
    assert not _lowered(members[0])  # rolled back with the chunk
    assert edits.programme_edits_resume(now=timezone.now()) == 0  # not lost yet: waits

    later = timezone.now() + edits.RESEND_AFTER + timedelta(seconds=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert edits.programme_edits_resume(now=later) == 1  # this chunk only
    first.refresh_from_db()
    assert first.done_at is not None and first.sends == 2
    assert all(_lowered(m) for m in members)
    edit.refresh_from_db()
    assert edit.finished_at is not None and edit.members_replanned == 3


def test_an_edit_whose_fan_out_was_lost_is_split_when_swept():
    members = _planned_members(2)
    edit = _lowered_brace_edit(members)  # its fan-out task never ran (the broker was down)
    later = timezone.now() + edits.RESEND_AFTER + timedelta(seconds=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert edits.programme_edits_resume(now=later) == 1
    edit.refresh_from_db()
    assert edit.fanned_out_at is not None and edit.finished_at is not None
    assert all(_lowered(m) for m in members)


def test_a_chunk_that_keeps_failing_marks_its_edit_failed_and_an_operator_resends_it():
    members = _planned_members(2)
    edit = _lowered_brace_edit(members)
    (chunk,) = _fan_out(edit, chunk_size=10)
    now = timezone.now()
    for _ in range(edits.MAX_SENDS - 1):
        now += timedelta(days=1)
        with TestCase.captureOnCommitCallbacks(execute=False):
            assert edits.programme_edits_resume(now=now) == 1
    now += timedelta(days=1)
    assert edits.programme_edits_resume(now=now) == 0
    chunk.refresh_from_db()
    edit.refresh_from_db()
    assert chunk.failed_at is not None and edit.failed_at is not None and edit.finished_at is None
    assert edits.programme_edits_resume(now=now + timedelta(days=30)) == 0  # left for a person

    with TestCase.captureOnCommitCallbacks(execute=True):
        edits.programme_edit_again(edit=edit)
    edit.refresh_from_db()
    assert edit.finished_at is not None and edit.failed_at is None
    assert all(_lowered(m) for m in members)


def _chunk_queries(edit, chunk) -> int:
    with CaptureQueriesContext(connection) as captured:
        edits.programme_edit_replan_chunk(chunk_id=chunk.pk)
    return len(captured)


def test_a_chunks_queries_grow_by_the_same_count_per_member_whatever_the_edits_size():
    """A chunk costs a fixed number of queries plus the same number per member: the same for
    the first chunk of a small edit as for a middle chunk of a bigger one."""
    members = _planned_members(9)
    edit = _lowered_brace_edit(members)
    programme_build()  # the bundle built once, as a warm worker holds it
    chunks = [
        ProgrammeEditChunk.objects.create(edit=edit, number=n, member_ids=ids)
        for n, ids in enumerate(
            [[members[0].pk], [m.pk for m in members[1:3]], [m.pk for m in members[3:6]]]
        )
    ]
    ProgrammeEdit.objects.filter(pk=edit.pk).update(fanned_out_at=timezone.now())
    costs = [_chunk_queries(edit, chunk) for chunk in chunks]
    per_member = costs[1] - costs[0]
    assert per_member > 0 and costs[2] - costs[1] == per_member, costs
    # The same three members in the middle of a bigger edit cost the same.
    bigger = _lowered_brace_edit(members)
    ProgrammeEdit.objects.filter(pk=bigger.pk).update(fanned_out_at=timezone.now())
    ProgrammeEditChunk.objects.create(edit=bigger, number=0, member_ids=[m.pk for m in members[:3]])
    middle = ProgrammeEditChunk.objects.create(
        edit=bigger, number=1, member_ids=[m.pk for m in members[3:6]]
    )
    ProgrammeEditChunk.objects.create(edit=bigger, number=2, member_ids=[m.pk for m in members[6:]])
    assert _chunk_queries(bigger, middle) == costs[2]
