"""`{% morning_checkin %}`: the next-morning question on /today/, nothing when not due (no query
when the page already read it as `checkin_due`, else one)."""

from django import template

from programs.selectors.sessions import member_today, morning_checkin_due

register = template.Library()


@register.inclusion_tag("programs/_morning_checkin.html", takes_context=True)
def morning_checkin(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"checkin": None}
    if "checkin_due" in context:  # Today read it with the member's sessions
        checkin = context["checkin_due"]
    else:
        checkin = morning_checkin_due(member=user, today=member_today(user))
    return {
        "checkin": checkin,
        "scale": range(11),
        "csrf_token": context.get("csrf_token"),
    }
