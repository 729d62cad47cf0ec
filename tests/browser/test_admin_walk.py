"""A coach's whole admin: the list and a change page of every model a coach may see, at a phone's
and a laptop's width, with axe at 0 serious/critical violations and nothing scrolling sideways.

Models are read from the admin site itself, so a model registered later joins the walk."""

import pytest

from tests.factories import CoachFactory
from tests.support.admin_rows import (
    admin_url,
    member_with_a_bit_of_everything,
    viewable_admins,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
BLOCKING = {"serious", "critical"}


def _admin_urls(coach) -> list[str]:
    """Each registered model the coach may view: its list and the change page of its first row
    (or the add page when the list is empty and the coach may add)."""
    urls = []
    for model, model_admin, request in viewable_admins(coach):
        urls.append(admin_url(model, "changelist"))
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            urls.append(admin_url(model, "change", first.pk))
        elif model_admin.has_add_permission(request):
            urls.append(admin_url(model, "add"))
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


@pytest.mark.parametrize("who", ["coach", "superuser"])
def test_every_admin_page_is_accessible_and_fits(new_page, login_as, _axe, who):
    """Two halves, so parallel workers share the walk: a coach's pages, then the pages only an
    administrator opens (planned sessions, users, webhook events…)."""
    member_with_a_bit_of_everything()
    coach = CoachFactory()
    coach_urls = ["/admin/", *_admin_urls(coach)]
    assert len(coach_urls) > 20, coach_urls
    # Coaches see that their edit reached plans and whether a weekly run finished (read-only).
    for name in ("programmeedit", "progressionrun"):
        assert any(f"/admin/programs/{name}/" in url and "/change/" in url for url in coach_urls)
    if who == "coach":
        problems = _walk(new_page, login_as, _axe, coach, coach_urls)
    else:
        superuser = CoachFactory(is_superuser=True)
        extra_urls = sorted(set(_admin_urls(superuser)) - set(coach_urls))
        assert extra_urls, "the superuser sees nothing more than a coach"
        problems = _walk(new_page, login_as, _axe, superuser, extra_urls)
    assert problems == [], "\n".join(problems)
