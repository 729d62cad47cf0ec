"""The private iCal feed and the buttons that create, regenerate or revoke it."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from backcore.accounts.decorators import member_required
from backcore.accounts.selectors import user_is_member
from programs.models import CalendarFeed
from programs.selectors.sessions import member_today
from programs.services.calendar import calendar_feed_create, calendar_feed_revoke, calendar_ics


@require_GET
def calendar_feed(request, token: str):
    feed = (
        CalendarFeed.objects.select_related("member", "member__profile")
        .filter(token=token, revoked_at__isnull=True, member__is_active=True)
        .first()
    )
    if feed is None or not user_is_member(user=feed.member):
        raise Http404("No such calendar.")
    body = calendar_ics(feed=feed, today=member_today(feed.member))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="backcore.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Robots-Tag"] = "noindex"
    return response


@member_required
@require_POST
def calendar_manage(request):
    if request.POST.get("action") == "revoke":
        calendar_feed_revoke(member=request.user)
        messages.success(request, "The calendar link no longer works.")
    else:
        calendar_feed_create(member=request.user)
        messages.success(
            request, "Your new calendar link is ready; any older link stopped working."
        )
    return redirect("programs:reminders")
