"""For admin walks: every model a user may view, and a member with a bit of everything so
every admin list has a row."""

from datetime import timedelta

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from programs.models import PlannedItem, PlannedSession
from programs.services import plan_day
from tests.factories import MemberFactory
from tests.factories.community import PostFactory
from tests.factories.payments import ContributionFactory, WebhookEventFactory
from tests.factories.programs import enrol


def member_with_a_bit_of_everything():
    """A member with a week of plans (three sessions done), a post, a contribution, and a
    webhook event."""
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
    return member


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
