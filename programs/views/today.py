"""/today/ and /programme/: the member's plan and where they are in the programme."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from backcore.accounts.selectors import user_is_member
from backcore.params import parse_id
from programs import engine, services
from programs.selectors.coach import coach_loop_for
from programs.selectors.member import HISTORY_DAYS, week_start_of
from programs.selectors.milestones import milestones_unseen
from programs.selectors.outcomes import active_goals, recheck_state
from programs.selectors.page_cache import cached_page_body, hour_of, render_body, render_kept
from programs.selectors.pages import programme_page, today_page, today_preview
from programs.selectors.sessions import member_today
from programs.services.milestones import milestones_mark_seen
from programs.services.safety_gate import safety_verdict
from programs.views.gate import gate_response


class _NoPlan(Exception):
    """The day could not be planned (no finished intake): the member belongs on the intake."""


def _unavailable(request):
    return render(request, "programs/unavailable.html", status=503)


@login_required
def today(request):
    try:
        return _today(request)
    except engine.ConfigurationError:
        return _unavailable(request)


def _today(request):
    day = member_today(request.user)  # the timezone came with the user
    since = day - timedelta(days=HISTORY_DAYS)
    verdict = safety_verdict(member=request.user, day=day, fingerprint_window=(since, day))
    if not user_is_member(user=request.user):
        # The sample session is a session too: never offered over a red flag.
        if not verdict.allows_sample:
            return gate_response(request, verdict)
        return render(request, "programs/today_preview.html", today_preview(day=day))
    # The gate is asked on every request, never kept: a closed programme shows no plan.
    if not verdict.is_open:
        return gate_response(request, verdict)
    now = timezone.now()

    def build() -> str:
        context = today_page(member=request.user, today=day, verdict=verdict)
        if context["session"] is None:
            # Plans are made when something changes and by the hourly run for each new local
            # day; a member who arrives before it reached their day gets it made here,
            # explicitly, once.
            if services.plan_day(member=request.user, day=day) is None:
                raise _NoPlan
            context = today_page(member=request.user, today=day, verdict=verdict)
        context["coach_loop"] = coach_loop_for(member=request.user, now=now)
        context["goals"] = active_goals(member=request.user)
        context["recheck"] = recheck_state(member=request.user, intake=verdict.intake, today=day)
        # Shown here until the member dismisses them (a POST below); always kept on Progress.
        context["milestones_new"] = milestones_unseen(member=request.user)
        return render_body(request, "programs/_today_body.html", context)

    try:
        body = cached_page_body(
            request,
            page="today",
            since=since,
            until=day,
            fingerprint=verdict.fingerprint,
            parts=(
                day,
                hour_of(now),
                verdict.rescreen_asked(day),
                verdict.rescreen_blocks_on,
            ),
            build=build,
        )
    except _NoPlan:
        return redirect("programs:intake")
    return render_kept(request, "programs/today.html", body)


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
    day = member_today(request.user)  # the timezone came with the user
    since, until = day - timedelta(days=HISTORY_DAYS), week_start_of(day) + timedelta(days=6)
    verdict = safety_verdict(member=request.user, day=day, fingerprint_window=(since, until))
    if not verdict.is_open:
        return gate_response(request, verdict)

    def build() -> str:
        context = programme_page(member=request.user, today=day, verdict=verdict)
        return render_body(request, "programs/_programme_body.html", context)

    body = cached_page_body(
        request,
        page="programme",
        since=since,
        until=until,
        parts=(day,),
        build=build,
        fingerprint=verdict.fingerprint,
    )
    return render_kept(request, "programs/programme.html", body)
