"""/progress/goals/ (name and rate up to three goals) and /today/recheck/ (the four-weekly
re-check, asked from Today when due)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from backcore.accounts.decorators import member_required
from programs.forms import GoalAddForm, GoalRateForm, RecheckForm
from programs.models import Goal, Intake
from programs.outcome_models import MAX_ACTIVE_GOALS
from programs.selectors.outcomes import active_goals, recheck_state
from programs.selectors.sessions import member_today
from programs.services import outcomes as services


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@member_required
def goals(request):
    today = member_today(request.user)
    form = GoalAddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.goal_add(member=request.user, today=today, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, "Goal saved.")
                return redirect("programs:goals")
        status = 422
    else:
        status = 200
    current = active_goals(member=request.user)
    context = {
        "goals": current,
        "form": form if len(current) < MAX_ACTIVE_GOALS or form.errors else None,
        "rate_form": GoalRateForm(),
        "max_goals": MAX_ACTIVE_GOALS,
    }
    return render(request, "programs/goals.html", context, status=status)


@member_required
@require_POST
def goal_rate(request, goal_id: int):
    goal = get_object_or_404(Goal, pk=goal_id, member=request.user, ended_at__isnull=True)
    form = GoalRateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a rating from 0 to 10.")
        return redirect("programs:goals")
    services.goal_rate(
        member=request.user,
        goal=goal,
        rating=form.cleaned_data["rating"],
        today=member_today(request.user),
    )
    messages.success(request, "Rating saved.")
    return redirect("programs:goals")


@member_required
@require_POST
def goal_end(request, goal_id: int):
    goal = get_object_or_404(Goal, pk=goal_id, member=request.user, ended_at__isnull=True)
    services.goal_end(member=request.user, goal=goal)
    messages.success(request, "Goal removed. Its ratings stay in your history.")
    return redirect("programs:goals")


@member_required
def recheck(request):
    today = member_today(request.user)
    intake = Intake.objects.filter(member=request.user, completed_at__isnull=False).first()
    if intake is None:
        return redirect("programs:intake")
    goals_now = [g.goal for g in active_goals(member=request.user)]
    form = RecheckForm(request.POST if request.method == "POST" else None, goals=goals_now)
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.recheck_submit(
                    member=request.user, today=today, **form.to_service()
                )
            except ValidationError as error:
                form.add_error(None, _error_text(error))
            else:
                messages.success(request, "Thank you: your answers are on your Progress page.")
                if result.concerns:
                    # Progress, where this leads, says what happens next (and keeps saying it
                    # until a later re-check shows otherwise): point there, once.
                    messages.warning(
                        request,
                        "Your answers suggest your back is not easing the way we hoped, so a "
                        "coach has been told. What happens next is below.",
                    )
                return redirect("programs:progress")
        return render(request, "programs/recheck.html", {"form": form}, status=422)
    state = recheck_state(member=request.user, intake=intake, today=today)
    return render(request, "programs/recheck.html", {"form": form, "state": state})


@member_required
@require_POST
def recheck_skip(request):
    services.recheck_skip(member=request.user, today=member_today(request.user))
    messages.info(request, "No problem: we will ask again on your next visit.")
    return redirect("programs:today")
