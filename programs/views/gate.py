"""One gate for every page that shows or logs the plan: red flags come first, wherever the
member enters (Today, the programme, the session player, logging)."""

from functools import wraps

from django.shortcuts import redirect

from programs import selectors
from programs.views.intake import urgent_care_response


def _safety_stop(request, intake):
    if intake is not None and intake.emergency_flagged_at:
        return urgent_care_response(request)
    if intake is not None and intake.needs_clearance:
        return redirect("programs:intake")
    return None


def programme_gate(request):
    """Where a member without a usable plan goes instead (None: carry on)."""
    intake = selectors.intake_for(member=request.user)
    stop = _safety_stop(request, intake)
    if stop is None and (intake is None or intake.completed_at is None):
        stop = redirect("programs:intake")
    return stop


def programme_open(view):
    """For views that show or log sessions: an emergency sign or a pending clearance reported
    after a plan was made stops them too (plans only exist once an intake is complete)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        intake = selectors.intake_for(member=request.user)
        return _safety_stop(request, intake) or view(request, *args, **kwargs)

    return wrapper
