"""For admin walks: every model a user may view, and a member with a bit of everything so
every admin list has a row."""

from datetime import timedelta

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from programs.models import (
    PlannedItem,
    PlannedSession,
    ProgrammeEdit,
    ProgrammeEditChunk,
    ProgressionRun,
    ProgressionRunChunk,
)
from programs.services import plan_day
from tests.factories import MemberFactory
from tests.factories.community import PostFactory
from tests.factories.payments import ContributionFactory, WebhookEventFactory
from tests.factories.programs import enrol


def member_with_a_bit_of_everything():
    """A member with a week of plans (three sessions done), a post, a contribution, a webhook
    event, and the records of a programme edit's replanning and of a weekly run."""
    member = MemberFactory()
    today = timezone.localdate()
    enrol(member, today=today - timedelta(days=7))
    for back in range(3, 0, -1):
        session = plan_day(member=member, day=today - timedelta(days=back))
        PlannedItem.objects.filter(session=session).update(completed_at=timezone.now())
        PlannedSession.objects.filter(pk=session.pk).update(
            status="completed", pain_during=2, effort=5
        )
    PostFactory(author=member)
    ContributionFactory(member=member)
    WebhookEventFactory()
    run_records(member_ids=[member.pk])
    return member


def run_records(*, member_ids: list[int]) -> tuple[ProgrammeEdit, ProgressionRun]:
    """A finished programme edit's replanning (one chunk), and a weekly run with one chunk done and one
    failed (what coaches and operators look at in admin)."""
    now = timezone.now()
    edit = ProgrammeEdit.objects.create(
        summary="Phase Reconnect saved",
        phase_ids=[1],
        members=len(member_ids),
        members_replanned=len(member_ids),
        fanned_out_at=now,
        sent_at=now,
        sends=1,
        finished_at=now,
    )
    ProgrammeEditChunk.objects.create(
        edit=edit,
        number=0,
        member_ids=member_ids,
        sent_at=now,
        sends=1,
        done_at=now,
        members_replanned=len(member_ids),
    )
    week = timezone.localdate() - timedelta(days=7 + timezone.localdate().weekday())
    run = ProgressionRun.objects.create(week_start=week, members=len(member_ids) + 1)
    ProgressionRunChunk.objects.bulk_create(
        [
            ProgressionRunChunk(
                run=run,
                number=0,
                week_start=week,
                enrolment_ids=member_ids,
                sent_at=now,
                sends=1,
                done_at=now,
                members_reviewed=len(member_ids),
            ),
            ProgressionRunChunk(
                run=run,
                number=1,
                week_start=week,
                enrolment_ids=[],
                sent_at=now,
                sends=5,
                failed_at=now,
            ),
        ]
    )
    return edit, run


def viewable_admins(user) -> list[tuple]:
    """(model, its model admin, a request as `user`) for each registered model `user` may view,
    read from the admin site itself so a model registered later is walked too."""
    request = RequestFactory().get("/admin/")
    request.user = user
    return [
        (model, model_admin, request)
        for model, model_admin in admin.site._registry.items()
        if model_admin.has_view_permission(request)
    ]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
