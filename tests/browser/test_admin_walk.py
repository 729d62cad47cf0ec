"""A coach's whole admin: the list and a change page of every model a coach may see, at a phone's
and a laptop's width, with axe at 0 serious/critical violations and nothing scrolling sideways.

Models are read from the admin site itself, so a model registered later joins the walk."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from programs.models import PlannedItem, PlannedSession
from programs.services import plan_day
from tests.factories import CoachFactory, MemberFactory
from tests.factories.community import PostFactory
from tests.factories.payments import ContributionFactory, WebhookEventFactory
from tests.factories.programs import enrol

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
BLOCKING = {"serious", "critical"}


def _some_of_everything():
    """Enough rows that every list has one to open: a member with a week of plans, a post, a
    contribution and a webhook event."""
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


def _admin_urls(coach) -> list[str]:
    """Each registered model the coach may view: its list and the change page of its first row
    (or the add page when the list is empty and the coach may add)."""

    class _Request:
        user = coach

    urls = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(_Request()):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model_admin.get_queryset(_Request()).order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
        elif model_admin.has_add_permission(_Request()):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return sorted(urls)


def _blocking(axe, page) -> list[str]:
    violations = axe.run(page).response["violations"]
    return [
        f"{v['impact']} {v['id']}: "
        + ", ".join(" ".join(map(str, n.get("target", []))) for n in v["nodes"][:4])
        for v in violations
        if v.get("impact") in BLOCKING
    ]


def _walk(new_page, login_as, axe, user, urls) -> list[str]:
    """Each page is loaded once, at a laptop's width (axe, overflow), then narrowed to a phone's
    (overflow again): the stylesheets' media queries apply on a resize as on a load, so the
    phone check costs no second load of every admin page."""
    problems = []
    page = new_page(viewport=LAPTOP)
    login_as(page, user)
    for url in urls:
        page.set_viewport_size(LAPTOP)
        response = page.goto(url)
        if response is None or response.status >= 400:
            problems.append(f"{url}: status {response and response.status}")
            continue
        problems += [f"{url} at 1280 px: {p}" for p in _blocking(axe, page)]
        for viewport in (LAPTOP, PHONE):
            page.set_viewport_size(viewport)
            extra = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if extra > 0:
                problems.append(f"{url} at {viewport['width']} px: {extra} px too wide")
    return problems


def test_every_admin_page_is_accessible_and_fits(new_page, login_as, _axe):
    _some_of_everything()
    coach = CoachFactory()
    coach_urls = ["/admin/", *_admin_urls(coach)]
    assert len(coach_urls) > 20, coach_urls
    problems = _walk(new_page, login_as, _axe, coach, coach_urls)
    # The models only an administrator opens (planned sessions, users, webhook events…).
    superuser = CoachFactory(is_superuser=True)
    extra_urls = sorted(set(_admin_urls(superuser)) - set(coach_urls))
    problems += _walk(new_page, login_as, _axe, superuser, extra_urls)
    assert problems == [], "\n".join(problems)
