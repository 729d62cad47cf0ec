"""/programme/intake/: red-flag screen first, clearance when needed, then the rest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from programs import services
from programs.forms import ClearanceForm, DetailsForm, IntakeGoalsForm, ScreenForm
from programs.selectors.sessions import member_today
from programs.services.outcomes import goals_add_many
from programs.services.safety_gate import GateState, safety_verdict


def urgent_care_response(request, *, status: int = 200):
    return render(request, "programs/urgent_care.html", status=status)


def _render(request, template: str, context: dict, status: int = 200):
    return render(request, template, context, status=status)


@login_required
def intake(request):
    member = request.user
    today = member_today(member)
    verdict = safety_verdict(member=member, day=today)
    current = verdict.intake
    if verdict.state is GateState.EMERGENCY:
        return urgent_care_response(request)
    step = request.POST.get("step") if request.method == "POST" else request.GET.get("step")

    if step == "screen" or current is None or verdict.needs_screen:
        if request.method == "POST" and request.POST.get("step") == "screen":
            form = ScreenForm(request.POST)
            if not form.is_valid():
                return _render(request, "programs/intake_screen.html", {"form": form}, 422)
            services.intake_screen_submit(member=member, answers=form.cleaned_data)
            if safety_verdict(member=member, day=today).is_open:
                messages.success(request, "Thanks — your safety check is up to date.")
                return redirect("programs:today")
            return redirect("programs:intake")
        initial = {key: getattr(current, key) for key in ScreenForm().fields} if current else {}
        context = {"form": ScreenForm(initial=initial), "verdict": verdict}
        return _render(request, "programs/intake_screen.html", context)

    if current.needs_clearance or verdict.state is GateState.PAUSED_FOR_PAIN:
        form = ClearanceForm(
            request.POST if step == "clearance" else None, intake=current, today=today
        )
        if step == "clearance" and request.method == "POST":
            if form.is_valid():
                try:
                    services.intake_confirm_clearance(
                        member=member, cleared_on=form.cleaned_data["cleared_on"]
                    )
                except (ValidationError, PermissionDenied) as error:
                    form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
                else:
                    messages.success(request, "Thanks — your clearance is recorded.")
                    return redirect("programs:intake")
            context = {"form": form, "intake": current, "verdict": verdict}
            return _render(request, "programs/intake_clearance.html", context, 422)
        context = {"form": form, "intake": current, "verdict": verdict}
        return _render(request, "programs/intake_clearance.html", context)

    first_time = current.completed_at is None  # goals are offered once here, later on their page
    if request.method == "POST" and step == "details":
        form = DetailsForm(request.POST)
        goals_form = IntakeGoalsForm(request.POST) if first_time else None
        goals_ok = goals_form is None or goals_form.is_valid()
        if form.is_valid() and goals_ok:
            try:
                services.intake_complete(member=member, data=form.to_intake_data())
                if goals_form is not None and goals_form.goals():
                    goals_add_many(
                        member=member, goals=goals_form.goals(), today=member_today(member)
                    )
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, "Your programme is ready.")
                return redirect("programs:today")
        context = {"form": form, "intake": current, "goals_form": goals_form}
        return _render(request, "programs/intake_details.html", context, 422)
    form = DetailsForm(initial=DetailsForm.initial_from(current))
    context = {
        "form": form,
        "intake": current,
        "goals_form": IntakeGoalsForm() if first_time else None,
    }
    return _render(request, "programs/intake_details.html", context)


@login_required
def urgent_care(request):
    return urgent_care_response(request)
