"""The public library's pieces, drawn once per process and library version (exercises.cache).

`{% library_card exercise %}` is `exercises/_card.html` for one exercise; `{% filter_group
form.phase %}` is `exercises/_filter_group.html` for one filter and the values ticked in it.
Neither holds anything about the visitor.
"""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from exercises import cache

register = template.Library()


@register.simple_tag(takes_context=True)
def library_card(context, exercise):
    # The version the view read once for the page: the same one that chose which cards needed
    # their tags, images and steps read (exercises.views.exercise_list).
    version = context["library_version"]
    if version is None:  # the cache answers nothing: draw it, keep nothing
        return get_template("exercises/_card.html").render({"exercise": exercise})
    key = cache.card_key(exercise.pk, version)
    html = cache.drawn(
        key, lambda: get_template("exercises/_card.html").render({"exercise": exercise})
    )
    return mark_safe(html)  # a template's output


@register.simple_tag(takes_context=True)
def filter_group(context, field):
    is_open = bool(context.get("open"))
    ticked = tuple(field.value() or ())
    key = ("filter", field.name, field.auto_id, ticked, is_open)
    html = cache.drawn(
        key,
        lambda: get_template("exercises/_filter_group.html").render(
            {"field": field, "open": is_open}
        ),
    )
    return mark_safe(html)  # a template's output
