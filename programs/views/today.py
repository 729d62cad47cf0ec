"""/today/ and /programme/: the member's plan and where they are in the programme."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from backcore.accounts.selectors import user_is_member
from backcore.params import parse_id
from programs import engine, services
from programs.selectors.coach import coach_loop_for
from programs.selectors.milestones import milestones_unseen
from programs.selectors.outcomes import active_goals, recheck_state
from programs.selectors.pages import programme_page, today_page, today_preview
from programs.selectors.sessions import member_today
from programs.services.milestones import milestones_mark_seen
from programs.services.safety_gate import safety_verdict
from programs.views.gate import gate_response


def _unavailable(request):
    return render(request, "programs/unavailable.html", status=503)


@login_required
def today(request):
    try:
        return _today(request)
    except engine.ConfigurationError:
        return _unavailable(request)


def _today(request):
    day = member_today(request.user)
    verdict = safety_verdict(member=request.user, day=day)
    if not user_is_member(user=request.user):
        # The sample session is a session too: never offered over a red flag.
        if not verdict.allows_sample:
            return gate_response(request, verdict)
        return render(request, "programs/today_preview.html", today_preview(day=day))
    if not verdict.is_open:
        return gate_response(request, verdict)
    context = today_page(member=request.user, today=day, verdict=verdict)
    if context["session"] is None:
        # Plans are made when something changes and by the hourly run for each new local day;
        # a member who arrives before it reached their day gets it made here, explicitly, once.
        if services.plan_day(member=request.user, day=day) is None:
            return redirect("programs:intake")
        context = today_page(member=request.user, today=day, verdict=verdict)
    context["coach_loop"] = coach_loop_for(member=request.user)
    context["goals"] = active_goals(member=request.user)
    context["recheck"] = recheck_state(member=request.user, intake=verdict.intake, today=day)
    # Shown here until the member dismisses them (a POST below); always kept on Progress.
    context["milestones_new"] = milestones_unseen(member=request.user)
    return render(request, "programs/today.html", context)


@login_required
@require_POST
def milestones_seen(request):
    """The member dismissed Today's new milestones: from now on they are kept on Progress."""
    raw = request.POST.getlist("ids")
    ids = [parse_id(value) for value in raw]
    if not raw or None in ids:
        return HttpResponseBadRequest("Which milestones? Reload Today and try again.")
    milestones_mark_seen(member=request.user, ids=ids)
    if request.htmx:
        return HttpResponse("")  # the card is swapped out where it stood
    return redirect("programs:today")


@login_required
def programme(request):
    try:
        return _programme(request)
    except engine.ConfigurationError:
        return _unavailable(request)


def _programme(request):
    day = member_today(request.user)
    verdict = safety_verdict(member=request.user, day=day)
    if not verdict.is_open:
        return gate_response(request, verdict)
    context = programme_page(member=request.user, today=day, verdict=verdict)
    return render(request, "programs/programme.html", context)
