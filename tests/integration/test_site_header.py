"""The site header is drawn once per shape and filled per request (backcore/layout.py): it
must give exactly what drawing `_site_header.html` gives, and each person only their own
name, unread count and CSRF token."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext
from django.template.loader import get_template
from django.test import Client, override_settings
from django.urls import reverse, set_script_prefix

from backcore import layout
from backcore.accounts.services import profile_name_set
from backcore.notifications.services import notify
from tests.factories.accounts import CoachFactory, MemberFactory
from tests.support.layout import layout_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _prefix_back():
    yield
    set_script_prefix("/")


def _kept(request, **values) -> str:
    template = get_template(layout.HEADER_TEMPLATE)
    context = RequestContext(request)
    with context.bind_template(template.template), context.push(values):
        return layout.site_header(context)


def _drawn(request, **values) -> str:
    """The header drawn by the template engine alone, as base.html did before it was kept."""
    return get_template(layout.HEADER_TEMPLATE).render(
        {**values, "nav_links": layout.nav_links(request)}, request
    )


@pytest.mark.parametrize("path", ["/today/", "/exercises/some-slug/", "/community/t/5/", "/"])
@pytest.mark.parametrize("unread", [0, 3, 1234])
@pytest.mark.parametrize("who", ["member", "named <b>&\"member'", "unnamed", "coach", "visitor"])
def test_the_kept_header_is_what_the_template_draws(who, unread, path):
    if who == "visitor":
        user = AnonymousUser()
    elif who == "coach":
        user = CoachFactory(is_staff=True)
    else:
        user = MemberFactory()
        if who == "unnamed":
            profile_name_set(user=user, display_name="")
        elif who != "member":
            profile_name_set(user=user, display_name=who)
    request = layout_request(path, user)
    values = {"csrf_token": "token-of-this-request", "notifications_unread": unread}
    first = _kept(request, **values)
    again = _kept(request, **values)  # from the kept shape this time
    assert first == again == _drawn(request, **values)
    if who == "visitor":
        assert "Log in" in first and "csrfmiddlewaretoken" not in first
    else:
        assert 'value="token-of-this-request"' in first


def test_each_section_is_marked_on_its_own_pages_in_turn():
    """Sections sharing a URL namespace (Today, Progress, Learn) take turns on one process."""
    member = MemberFactory()
    for path in ("/today/", "/progress/", "/learn/", "/today/session/", "/exercises/", "/"):
        request = layout_request(path, member)
        header = _kept(request, csrf_token="t")
        assert header == _drawn(request, csrf_token="t"), path


def test_under_a_script_prefix_the_links_carry_it():
    user = MemberFactory()
    set_script_prefix("/backcore/")
    request = layout_request("/today/", user)
    header = _kept(request, csrf_token="t")
    assert header == _drawn(request, csrf_token="t")
    assert 'href="/backcore/today/"' in header
    assert 'action="/backcore/accounts/logout/"' in header


def test_one_persons_values_never_reach_another(client):
    first, second = MemberFactory(), MemberFactory()
    profile_name_set(user=first, display_name="Ada <first>")
    profile_name_set(user=second, display_name="Grace")
    notify(
        recipient_ids=[first.pk],
        topic="community",
        kind="reply",
        event_key="header-test",
        verb="replied",
        url="/community/",
    )
    pages = {}
    for member in (first, second, first):
        browser = Client()
        browser.force_login(member)
        pages.setdefault(member.pk, []).append(
            browser.get(reverse("exercises:list")).content.decode()
        )
    for html in pages[first.pk]:
        assert "Ada &lt;first&gt;" in html and "Grace" not in html
        assert re.search(r'class="badge badge-red">1<', html)
    (grace,) = pages[second.pk]
    assert "Grace" in grace and "Ada" not in grace and "badge-red" not in grace


def test_a_name_change_shows_on_the_next_page(client):
    member = MemberFactory()
    client.force_login(member)
    client.get(reverse("exercises:list"))
    profile_name_set(user=member, display_name="New name")
    assert "New name" in client.get(reverse("exercises:list")).content.decode()


def test_the_header_logout_form_carries_a_working_token():
    member = MemberFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    html = browser.get(reverse("exercises:list")).content.decode()
    form = html[html.index('action="/accounts/logout/"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session


def test_the_stand_in_user_refuses_what_has_no_slot():
    with pytest.raises(layout.HeaderReadUnslotted):
        _ = layout._StandInUser(is_staff=False).email


def test_a_header_template_reading_an_unslotted_field_fails_loudly():
    engine = {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {layout.HEADER_TEMPLATE: "<header>{{ user.email }}</header>"},
                )
            ],
            "builtins": ["backcore.templatetags.constant_urls"],
        },
    }
    with override_settings(TEMPLATES=[engine]):
        request = layout_request("/today/", MemberFactory())
        with pytest.raises(layout.HeaderReadUnslotted):
            _kept(request, csrf_token="t", user=request.user)
