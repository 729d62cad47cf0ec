"""`{% url %}` remembers URLs without arguments (backcore/templatetags/constant_urls.py) and
still gives exactly what Django's tag gives, whatever the prefix, URLconf or arguments."""

from unittest import mock

import pytest
from django.template import Context, Engine, engines
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from backcore.templatetags import constant_urls


def _render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def _django_render(source: str, **context) -> str:
    """The same template through an engine without the builtin: Django's own tag."""
    return Engine().from_string(source).render(Context(context))


def _a_view(request):  # pragma: no cover - only reversed
    return None


urlpatterns = [path("elsewhere/today/", _a_view, name="today")]


@pytest.fixture(autouse=True)
def _fresh():
    constant_urls._remembered.clear()
    yield
    constant_urls._remembered.clear()
    set_script_prefix("/")


def test_a_fixed_url_is_reversed_once_and_matches_djangos_tag():
    source = "{% url 'programs:today' %}|{% url 'community:index' as c %}{{ c }}"
    with mock.patch.object(constant_urls, "reverse", wraps=reverse) as reversing:
        first = _render(source)
        second = _render(source)
    assert first == second == _django_render(source) == "/today/|/community/"
    assert reversing.call_count == 2, "each name reversed once, then remembered"


def test_urls_with_arguments_are_reversed_every_time():
    source = "{% url 'community:thread' thread_id %}"
    with mock.patch("django.urls.reverse", wraps=reverse) as reversing:
        seven = _render(source, thread_id=7)
        eight = _render(source, thread_id=8)
    assert reversing.call_count == 2
    assert seven == _django_render(source, thread_id=7)
    assert eight.endswith("/8/")


def test_the_script_prefix_is_part_of_what_is_remembered():
    assert _render("{% url 'programs:today' %}") == "/today/"
    set_script_prefix("/backcore/")
    assert _render("{% url 'programs:today' %}") == "/backcore/today/"


def test_another_urlconf_gets_its_own_urls(settings):
    assert _render("{% url 'programs:today' %}") == "/today/"
    settings.ROOT_URLCONF = __name__
    assert _render("{% url 'today' %}") == "/elsewhere/today/"


def test_an_unknown_name_still_fails_loudly_and_is_not_remembered():
    with pytest.raises(NoReverseMatch):
        _render("{% url 'no-such-page' %}")
    assert _render("{% url 'no-such-page' as missing %}[{{ missing }}]") == "[]"
    assert constant_urls._remembered == {}


def test_urls_are_escaped_like_djangos():
    source = "{% url 'programs:today' %}"
    assert _render(source) == _django_render(source)
