"""Reminder settings (with the calendar feed) and the one-click unsubscribe."""

from __future__ import annotations

from datetime import time

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from backcore.accounts.decorators import member_required
from programs.models import CalendarFeed, ReminderSettings
from programs.reminder_times import WEEKDAY_NAMES, next_due
from programs.selectors.sessions import member_zone
from programs.services.reminders import (
    member_id_from_token,
    reminder_settings_update,
    reminder_unsubscribe,
    timezone_names,
)

WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(label="Send me a daily reminder email", required=False)
    local_time = forms.TimeField(
        label="Time of day",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 07:30."},
    )
    weekdays = forms.MultipleChoiceField(
        label="Days", choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    timezone = forms.ChoiceField(label="Timezone", choices=(), required=False)
    browser_timezone = forms.CharField(required=False, widget=forms.HiddenInput)
    morning_checkins = forms.BooleanField(
        label="Ask me the next morning whether the session settled", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(name, name) for name in sorted(timezone_names())]


def _feed_url(request, feed: CalendarFeed | None) -> str:
    if feed is None:
        return ""
    return request.build_absolute_uri(f"/calendar/{feed.token}.ics")


@member_required
@require_http_methods(["GET", "POST"])
def reminders(request):
    current = ReminderSettings.objects.filter(member=request.user).first()
    status = 200
    if request.method == "POST":
        form = ReminderForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            # The chosen zone, else the browser's (filled in by JS), else the profile's.
            browser = data["browser_timezone"]
            zone = (
                data["timezone"]
                or (browser if browser in timezone_names() else "")
                or str(member_zone(request.user))
            )
            try:
                reminder_settings_update(
                    member=request.user,
                    enabled=data["enabled"],
                    local_time=data["local_time"],
                    weekdays=[int(d) for d in data["weekdays"]],
                    timezone=zone,
                    morning_checkins=data["morning_checkins"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    "Reminders are on." if data["enabled"] else "Reminders are off.",
                )
                return redirect("programs:reminders")
        status = 400
    else:
        zone = current.timezone if current else str(member_zone(request.user))
        form = ReminderForm(
            initial={
                "enabled": current.enabled if current else False,
                "local_time": current.local_time if current else time(7, 30),
                "weekdays": [str(d) for d in sorted(current.weekday_numbers)]
                if current
                else [str(d) for d in range(7)],
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
