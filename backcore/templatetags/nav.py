"""Navigation helpers for the site templates."""

from django import template

register = template.Library()


@register.filter
def starts_with(path: str, prefix: str) -> bool:
    """`{% if request.path|starts_with:today_url %}`: the page is in that section."""
    return bool(prefix) and str(path).startswith(str(prefix))
