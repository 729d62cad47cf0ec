"""Navigation helpers for the site templates."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context):
    """The site header (backcore/layout.py keeps its drawing per shape)."""
    from backcore.layout import site_header as kept_site_header

    return kept_site_header(context)
