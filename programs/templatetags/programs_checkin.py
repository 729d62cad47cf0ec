"""`{% morning_checkin %}`: the next-morning question on /today/, one query, nothing when not due."""

from django import template

from programs.selectors.sessions import member_today, morning_checkin_due

register = template.Library()


@register.inclusion_tag("programs/_morning_checkin.html", takes_context=True)
def morning_checkin(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"checkin": None}
    return {
        "checkin": morning_checkin_due(member=user, today=member_today(user)),
        "scale": range(11),
        "csrf_token": context.get("csrf_token"),
    }
