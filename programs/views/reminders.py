"""Reminder settings (with the calendar feed) and the one-click unsubscribe."""

from __future__ import annotations

from datetime import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from backcore.accounts.decorators import member_required
from programs.models import CalendarFeed, ReminderSettings
from programs.reminder_forms import ReminderForm
from programs.reminder_times import next_due
from programs.selectors.sessions import member_zone
from programs.services.reminders import (
    member_id_from_token,
    reminder_settings_update,
    reminder_unsubscribe,
)


def _feed_url(request, feed: CalendarFeed | None) -> str:
    if feed is None:
        return ""
    return request.build_absolute_uri(reverse("programs:calendar_feed", args=[feed.token]))


@member_required
@require_http_methods(["GET", "POST"])
def reminders(request):
    current = ReminderSettings.objects.filter(member=request.user).first()
    status = 200
    if request.method == "POST":
        form = ReminderForm(request.POST, fallback_zone=str(member_zone(request.user)))
        if form.is_valid():
            try:
                reminder_settings_update(member=request.user, **form.to_service())
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    "Reminders are on." if form.cleaned_data["enabled"] else "Reminders are off.",
                )
                return redirect("programs:reminders")
        status = 400
    else:
        zone = current.timezone if current else str(member_zone(request.user))
        form = ReminderForm(
            initial={
                "enabled": current.enabled if current else False,
                "local_time": current.local_time if current else time(7, 30),
                "weekdays": sorted(current.weekday_numbers) if current else list(range(7)),
                "timezone": zone,
                "morning_checkins": current.morning_checkins if current else True,
            }
        )
    feed = CalendarFeed.objects.filter(member=request.user, revoked_at__isnull=True).first()
    upcoming = None
    if current and current.enabled:
        upcoming = next_due(
            after=timezone.now(),
            at=current.local_time,
            weekdays=current.weekday_numbers,
            timezone=current.timezone,
        )
    return render(
        request,
        "programs/reminders.html",
        {
            "form": form,
            "current": current,
            "use_browser_timezone": current is None,
            "next_due": upcoming,
            "feed": feed,
            "feed_url": _feed_url(request, feed),
        },
        status=status,
    )


@csrf_exempt  # RFC 8058 one-click: mail providers POST without a CSRF token; the token is the key
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe_view(request, token: str):
    member_id = member_id_from_token(token)
    if member_id is None:
        raise Http404("This unsubscribe link is not valid.")
    if request.method == "POST":
        reminder_unsubscribe(member_id=member_id)
        return render(request, "programs/reminders_unsubscribed.html")
    return render(request, "programs/reminders_unsubscribe.html", {"token": token})
