"""The one membership check every members-only view uses."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, resolve_url

from backcore.accounts.selectors import user_is_member

JOIN_MESSAGE = "Join BackCore first — any amount, including nothing, opens everything."


def _join_url(request) -> str:
    # settings.JOIN_URL names the join page (like LOGIN_URL), so accounts never names the app.
    return resolve_url(settings.JOIN_URL) + "?" + urlencode({"next": request.get_full_path()})


def member_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not user_is_member(user=request.user):
            messages.info(request, JOIN_MESSAGE)
            return redirect(_join_url(request))
        return view(request, *args, **kwargs)

    return wrapper
