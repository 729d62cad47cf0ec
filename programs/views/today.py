"""/today/ and /programme/: the member's plan and where they are in the programme."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from backcore.accounts.selectors import user_is_member
from programs import engine, selectors, services
from programs.selectors.pages import programme_page, today_page, today_preview
from programs.selectors.sessions import member_today
from programs.views.gate import programme_gate


def _unavailable(request):
    return render(request, "programs/unavailable.html", status=503)


@login_required
def today(request):
    try:
        return _today(request)
    except engine.ConfigurationError:
        return _unavailable(request)


def _today(request):
    if not user_is_member(user=request.user):
        items = today_preview(day=member_today(request.user))
        return render(request, "programs/today_preview.html", {"items": items})
    gate = programme_gate(request)
    if gate is not None:
        return gate
    day = member_today(request.user)
    session = services.plan_day(member=request.user, day=day)
    if session is None:
        return redirect("programs:intake")
    context = today_page(member=request.user, today=day, session=session)
    return render(request, "programs/today.html", context)


@login_required
def programme(request):
    try:
        return _programme(request)
    except engine.ConfigurationError:
        return _unavailable(request)


def _programme(request):
    gate = programme_gate(request)
    if gate is not None:
        return gate
    if not selectors.enrolment_for(member=request.user):
        return redirect("programs:intake")
    context = programme_page(member=request.user, today=member_today(request.user))
    return render(request, "programs/programme.html", context)
