"""The safety gate at the door of every page that shows or logs a session. The decision is
`programs.services.safety_gate.safety_verdict`; this module only turns a closed verdict into
the page the member should see instead."""

from functools import wraps

from django.shortcuts import redirect, render

from programs.services.safety_gate import GateState, SafetyVerdict, safety_verdict
from programs.views.intake import urgent_care_response


def gate_response(request, verdict: SafetyVerdict):
    """Where a member goes while the gate is closed: urgent care for an emergency sign, the
    clearance or safety-screen step of the intake, or the paused page."""
    if verdict.state is GateState.EMERGENCY:
        return urgent_care_response(request)
    if verdict.state is GateState.PAUSED_FOR_PAIN:
        return render(request, "programs/programme_paused.html", {"verdict": verdict})
    return redirect(verdict.action_path)


def programme_open(view):
    """For views that show or log sessions: they run only while the gate is open."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        verdict = safety_verdict(member=request.user)
        if not verdict.is_open:
            return gate_response(request, verdict)
        return view(request, *args, **kwargs)

    return wrapper
