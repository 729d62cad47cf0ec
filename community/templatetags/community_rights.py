"""Template filters that ask community.permissions, so pages show exactly the buttons the
services will accept: `{% load community_rights %}` then `{% if user|can_moderate %}`."""

from django import template

from community import permissions

register = template.Library()


@register.filter
def can_moderate(user) -> bool:
    return permissions.is_moderator(user)


@register.filter
def can_change(post, user) -> bool:
    """`{% if post|can_change:user %}`: edit and delete links for the author or a coach."""
    return permissions.can_change_post(user, post)


@register.simple_tag
def can_edit(user, post, thread) -> bool:
    """`{% can_edit user post thread as editable %}`: the edit link only where an edit is taken."""
    return permissions.can_edit_post(user, post, thread)
