"""`{% url %}` for every template, remembering the URLs that take no arguments.

A page's header alone reverses about seventeen fixed URLs (the nav, the account menu, the
logout form) and Django's `reverse()` walks the resolver for each of them on every request:
almost a tenth of a kept member page's CPU. A URL without arguments only changes with the URL
configuration, the script prefix or the current app, so it is remembered under those. Loaded
as a template builtin (settings.TEMPLATES), after Django's, so it stands in for Django's tag;
URLs with arguments are reversed as before.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = Library()

_remembered: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_on_urlconf_change(*, setting, **kwargs) -> None:
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _remembered.clear()


def current_app_of(request) -> str | None:
    """The application namespace `{% url %}` reverses in for this request, as Django's does."""
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    return current_app


def remembered_reverse(view_name: str, *, current_app: str | None) -> str:
    """`reverse(view_name)` for a URL without arguments, remembered under what it depends on.
    Raises NoReverseMatch as reverse() does."""
    key = (view_name, current_app, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = _remembered.get(key)
    if url is None:
        url = _remembered[key] = reverse(view_name, current_app=current_app)
    return url


class ConstantURLNode(URLNode):
    def render(self, context):
        if self.args or self.kwargs:
            return super().render(context)
        view_name = self.view_name.resolve(context)
        try:
            url = remembered_reverse(
                view_name, current_app=current_app_of(getattr(context, "request", None))
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)
