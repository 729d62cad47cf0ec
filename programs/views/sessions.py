"""The session player, per-exercise logging, the end-of-session form, the morning check-in
and late logging. Thin: parse, call a service, render or redirect."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from backcore.accounts.decorators import member_required
from backcore.params import parse_id
from programs.choices import SessionStatus
from programs.forms import PainBeforeForm
from programs.models import PlannedItem, PlannedSession
from programs.selectors.outcome import session_outcome
from programs.selectors.sessions import (
    asks_leg_spread,
    late_log_days,
    member_today,
    morning_checkin_due,
    player_state,
    session_with_items,
)
from programs.services import plan_day
from programs.services.sessions import (
    LATE_LOG_DAYS,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    late_log_window,
    session_answer_morning,
    session_finish,
    session_log_item,
    session_mark_late,
    session_record_pain_before,
)
from programs.views.gate import programme_open

SCALE = range(11)


class BadDay(Exception):
    pass


def _error_dict(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _day_from(request, today: date) -> date:
    """The session day: today, or (for late logging) one of the previous seven days."""
    raw = request.GET.get("day") or request.POST.get("day")
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError as exc:
        raise BadDay("That date is not valid.") from exc
    first, last = late_log_window(today=today)
    if day != today and not first <= day <= last:
        raise BadDay(f"Sessions can be logged for today or up to {LATE_LOG_DAYS} days back.")
    return day


def _player_url(day: date, today: date, **extra) -> str:
    query = {"day": day.isoformat()} if day != today else {}
    query.update(extra)
    url = reverse("programs:session_player")
    return f"{url}?{urlencode(query)}" if query else url


def _render_player(request, session, today, *, errors=None, values=None, redo=None, status=200):
    state = player_state(session=session, redo_item_id=redo)
    return render(
        request,
        "programs/player.html",
        {
            "state": state,
            "session": session,
            "today": today,
            "is_late": session.date != today,
            "day_param": "" if session.date == today else session.date.isoformat(),
            "errors": errors or {},
            "values": values or {},
            "limits": {"hold": MAX_HOLD_SECONDS, "reps": MAX_REPS, "sets": MAX_SETS},
            "scale": SCALE,
        },
        status=status,
    )


@member_required
@programme_open
def session_player(request):
    today = member_today(request.user)
    try:
        day = _day_from(request, today)
    except BadDay as exc:
        return HttpResponseBadRequest(str(exc))
    if day == today:
        plan_day(member=request.user, day=day)  # makes today's plan once, if not yet made
    session = session_with_items(member=request.user, day=day)
    if session is None:
        messages.info(request, "There is no session planned for that day yet.")
        return redirect("programs:today")
    if session.is_rest_day:
        messages.info(request, "Today is a rest day — recovery is part of the programme.")
        return redirect("programs:today")
    if day != today and not session.logged_late and session.status != SessionStatus.COMPLETED:
        return redirect(reverse("programs:log_late"))
    redo_id = parse_id(request.GET.get("item"))
    return _render_player(request, session, today, redo=redo_id)


@member_required
@require_POST
@programme_open
def session_item_done(request, item_id: int):
    item = get_object_or_404(
        PlannedItem.objects.select_related("session"), pk=item_id, session__member=request.user
    )
    today = member_today(request.user)
    values = {
        key: request.POST.get(key, "").strip()
        for key in ("actual_seconds", "actual_reps", "actual_sets", "sides_done")
    }
    try:
        session_log_item(member=request.user, item=item, **values)
    except ValidationError as exc:
        session = session_with_items(member=request.user, day=item.session.date)
        return _render_player(
            request,
            session,
            today,
            errors=_error_dict(exc),
            values=values,
            redo=item.pk,
            status=422,
        )
    return redirect(_player_url(item.session.date, today))


@member_required
@require_POST
@programme_open
def session_pain_before(request):
    """The one-tap pain question before the first exercise."""
    today = member_today(request.user)
    try:
        day = _day_from(request, today)
    except BadDay as exc:
        return HttpResponseBadRequest(str(exc))
    session = session_with_items(member=request.user, day=day)
    if session is None or session.is_rest_day:
        messages.info(request, "There is no session for that day.")
        return redirect("programs:today")
    form = PainBeforeForm(request.POST)
    if not form.is_valid():
        errors = {field: " ".join(messages_) for field, messages_ in form.errors.items()}
        return _render_player(request, session, today, errors=errors, status=422)
    try:
        session_record_pain_before(
            member=request.user, session=session, pain_before=form.cleaned_data["pain_before"]
        )
    except ValidationError as exc:
        return _render_player(request, session, today, errors=_error_dict(exc), status=422)
    return redirect(_player_url(session.date, today))


@member_required
@require_http_methods(["GET", "POST"])
@programme_open
def session_finish_view(request):
    today = member_today(request.user)
    try:
        day = _day_from(request, today)
    except BadDay as exc:
        return HttpResponseBadRequest(str(exc))
    session = session_with_items(member=request.user, day=day)
    if session is None or session.is_rest_day:
        messages.info(request, "There is no session to finish for that day.")
        return redirect("programs:today")
    errors: dict[str, str] = {}
    values = {
        "pain_during": "" if session.pain_during is None else str(session.pain_during),
        "effort": "" if session.effort is None else str(session.effort),
        "sharp_pain": "yes" if session.sharp_pain else "no",
        "pain_spread": {True: "yes", False: "no"}.get(session.pain_spread, ""),
        "notes": session.notes,
    }
    ask_spread = asks_leg_spread(member=request.user)
    status = 200
    if request.method == "POST":
        values = {
            "pain_during": request.POST.get("pain_during", "").strip(),
            "effort": request.POST.get("effort", "").strip(),
            "sharp_pain": request.POST.get("sharp_pain", "no"),
            "pain_spread": request.POST.get("pain_spread", ""),
            "notes": request.POST.get("notes", ""),
        }
        try:
            session_finish(
                member=request.user,
                session=session,
                pain_during=values["pain_during"],
                sharp_pain=values["sharp_pain"] == "yes",
                effort=values["effort"],
                notes=values["notes"],
                pain_spread={"yes": True, "no": False}.get(values["pain_spread"])
                if ask_spread
                else None,
            )
        except ValidationError as exc:
            errors = _error_dict(exc)
            status = 422
        else:
            outcome = session_outcome(session=session_with_items(member=request.user, day=day))
            text = " ".join([outcome.headline + ".", *outcome.what_happened, *outcome.what_next])
            text += " " + outcome.streak_line
            if outcome.light == "green":
                messages.success(request, text)
            else:
                messages.warning(request, text)
            return redirect("programs:progress")
    state = player_state(session=session)
    return render(
        request,
        "programs/session_finish.html",
        {
            "session": session,
            "state": state,
            "errors": errors,
            "values": values,
            "scale": SCALE,
            "ask_spread": ask_spread,
            "day_param": "" if day == today else day.isoformat(),
        },
        status=status,
    )


@member_required
@require_http_methods(["GET", "POST"])
@programme_open
def morning_checkin(request):
    if request.method == "GET":
        # A bookmarked or emailed link: show the question if one is waiting, else go to Today.
        checkin = morning_checkin_due(member=request.user, today=member_today(request.user))
        if checkin is None:
            return redirect("programs:today")
        return render(
            request, "programs/session_morning.html", {"checkin": checkin, "scale": SCALE}
        )
    session_id = parse_id(request.POST.get("session"))
    if session_id is None:
        return HttpResponseBadRequest("Which session is this answer for?")
    session = get_object_or_404(PlannedSession, pk=session_id, member=request.user)
    try:
        session_answer_morning(
            member=request.user,
            session=session,
            morning_pain=request.POST.get("morning_pain", "").strip(),
        )
    except ValidationError as exc:
        today = member_today(request.user)
        return render(
            request,
            "programs/_morning_checkin.html" if request.htmx else "programs/session_morning.html",
            {
                "checkin": morning_checkin_due(member=request.user, today=today) or session,
                "errors": _error_dict(exc),
                "scale": SCALE,
            },
            status=422,
        )
    if request.htmx:
        return render(
            request, "programs/_morning_checkin.html", {"answered": session, "scale": SCALE}
        )
    messages.success(request, "Thanks — your answer helps set the next sessions.")
    return redirect("programs:today")


@member_required
@require_http_methods(["GET", "POST"])
@programme_open
def log_late(request):
    today = member_today(request.user)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            day = _day_from(request, today)
            if day == today:
                raise BadDay("Today's session is on the Today page.")
        except BadDay as exc:
            error, status = str(exc), 400
        else:
            session = plan_day(member=request.user, day=day)
            if session is None:
                error, status = "There is no programme to log yet: finish your intake first.", 400
            else:
                try:
                    session_mark_late(member=request.user, session=session, today=today)
                except ValidationError as exc:
                    error, status = " ".join(exc.messages), 400
                else:
                    return redirect(_player_url(day, today))
    return render(
        request,
        "programs/session_log_late.html",
        {"days": late_log_days(member=request.user, today=today), "error": error},
        status=status,
    )
