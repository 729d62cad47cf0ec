"""The coach inbox (staff-only) and the member's private conversation with the coaches."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backcore.accounts.decorators import member_required
from backcore.accounts.mfa import staff_mfa_required
from backcore.accounts.models import User
from programs.coach_forms import ClearanceForm, LiftForm, MessageForm, NoteForm, ResolveForm
from programs.coach_models import CoachAlert
from programs.selectors import coach as coach_selectors
from programs.services import coach_admin, coach_alerts, conversations


def coach_required(view):
    """Signed-in staff in the Coaches group (or superusers); everyone else gets a 404."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_staff and request.user.is_coach):
            raise Http404
        response = staff_mfa_required(view)(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_GET
@coach_required
def inbox(request):
    show = request.GET.get("show", "open")
    if show not in {"open", "resolved", "all", "not_responding"}:
        show = "open"
    if show == "not_responding":
        page = coach_selectors.coach_non_responders(page=request.GET.get("page"))
    else:
        page = coach_selectors.coach_inbox(show=show, page=request.GET.get("page"))
    return render(request, "programs/coach/inbox.html", {"page_obj": page, "show": show})


def _alert_context(request, alert_id, **forms):
    context = coach_selectors.coach_alert_page(alert_id=alert_id)
    if context is None:
        raise Http404
    context.update(
        {
            "reply_form": forms.get("reply_form") or MessageForm(),
            "note_form": forms.get("note_form") or NoteForm(),
            "resolve_form": ResolveForm(),
            "lift_form": forms.get("lift_form") or LiftForm(),
            "clearance_form": forms.get("clearance_form") or ClearanceForm(),
        }
    )
    return context


@require_GET
@coach_required
def alert_detail(request, alert_id):
    return render(request, "programs/coach/alert.html", _alert_context(request, alert_id))


def _action(request, alert_id, action):
    alert = get_object_or_404(CoachAlert, pk=alert_id)
    try:
        if action == "acknowledge":
            coach_alerts.coach_alert_acknowledge(alert=alert, coach=request.user)
            messages.success(request, "Acknowledged.")
        elif action == "assign":
            coach_alerts.coach_alert_assign_self(alert=alert, coach=request.user)
            messages.success(request, "Assigned to you.")
        elif action == "note":
            form = NoteForm(request.POST)
            if not form.is_valid():
                context = _alert_context(request, alert_id, note_form=form)
                return render(request, "programs/coach/alert.html", context, status=422)
            coach_alerts.coach_alert_note(
                alert=alert, coach=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, "Note saved.")
        elif action == "resolve":
            form = ResolveForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            coach_alerts.coach_alert_resolve(alert=alert, coach=request.user, note=note)
            messages.success(request, "Resolved.")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("coach:alert", alert_id=alert.pk)


@require_POST
@coach_required
def alert_acknowledge(request, alert_id):
    return _action(request, alert_id, "acknowledge")


@require_POST
@coach_required
def alert_assign(request, alert_id):
    return _action(request, alert_id, "assign")


@require_POST
@coach_required
def alert_note(request, alert_id):
    return _action(request, alert_id, "note")


@require_POST
@coach_required
def alert_resolve(request, alert_id):
    return _action(request, alert_id, "resolve")


@require_POST
@coach_required
def alert_reply(request, alert_id):
    alert = get_object_or_404(CoachAlert.objects.select_related("member"), pk=alert_id)
    if alert.member is None:
        raise Http404
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            conversations.message_send_coach(
                coach=request.user,
                member=alert.member,
                body=form.cleaned_data["body"],
                photo=form.cleaned_data.get("photo"),
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "Reply sent. The member has been told.")
            return redirect("coach:alert", alert_id=alert.pk)
    context = _alert_context(request, alert_id, reply_form=form)
    return render(request, "programs/coach/alert.html", context, status=422)


@require_POST
@coach_required
def alert_lift(request, alert_id):
    return _safety(request, alert_id, "lift")


@require_POST
@coach_required
def alert_clearance(request, alert_id):
    return _safety(request, alert_id, "clearance")


def _safety(request, alert_id, action):
    alert = get_object_or_404(CoachAlert.objects.select_related("member"), pk=alert_id)
    if alert.member is None:
        raise Http404
    form = (LiftForm if action == "lift" else ClearanceForm)(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "lift":
                coach_admin.coach_alert_lift_emergency(
                    alert=alert,
                    coach=request.user,
                    note=data["note"],
                    confirmed=data["confirm"],
                    message=data["message"],
                )
                messages.success(request, "Block lifted. The member has been told.")
            else:
                coach_admin.coach_alert_record_clearance(
                    alert=alert,
                    coach=request.user,
                    cleared_on=data["cleared_on"],
                    note=data["note"],
                    confirmed=data["confirm"],
                    message=data["message"],
                )
                messages.success(request, "Clearance recorded. The member has been told.")
            return redirect("coach:alert", alert_id=alert.pk)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "That is not allowed.")
    key = "lift_form" if action == "lift" else "clearance_form"
    context = _alert_context(request, alert_id, **{key: form})
    return render(request, "programs/coach/alert.html", context, status=422)


# ---------------------------------------------------------------- the member's side


@require_http_methods(["GET", "POST"])
@member_required
def member_messages(request):
    form = MessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                conversations.message_send_member(
                    member=request.user,
                    body=form.cleaned_data["body"],
                    photo=form.cleaned_data.get("photo"),
                )
            except ValidationError as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, "Sent. A coach has been told and will reply here.")
                return redirect("programs:messages")
        status = 422
    else:
        status = 200
        conversations.conversation_mark_read(member=request.user)
    context = {
        "form": form,
        "thread": coach_selectors.conversation_messages(member_id=request.user.pk),
    }
    response = render(request, "programs/messages.html", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def message_photo(request, message_id):
    """A conversation photo, only for the member it belongs to and coaches (else 404)."""
    message = coach_selectors.message_for_viewer(message_id=message_id, user=request.user)
    if message is None or not message.photo:
        raise Http404
    try:
        handle = message.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=_content_type(message.photo.name))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(name: str) -> str:
    return "image/png" if name.lower().endswith(".png") else "image/jpeg"


@require_GET
@coach_required
def member_conversation(request, member_id):
    """Coaches: the latest alert for a member, where the conversation and reply form live."""
    member = get_object_or_404(User, pk=member_id)
    alert = CoachAlert.objects.filter(member=member).order_by("-last_raised_at").first()
    if alert is None:
        raise Http404
    return redirect("coach:alert", alert_id=alert.pk)
