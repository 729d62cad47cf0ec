"""The session player, per-exercise logging, the end-of-session form, the morning check-in
and late logging. Thin: a form (programs/session_forms.py) parses, a service acts, and the
engine's pain verdict picks the words said back."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from backcore.accounts.decorators import member_required
from backcore.params import parse_id
from programs import engine
from programs.choices import SessionStatus
from programs.models import PlannedItem, PlannedSession
from programs.selectors.outcome import session_outcome
from programs.selectors.page_cache import kept_body, render_body, render_kept
from programs.selectors.player import player_day
from programs.selectors.sessions import (
    asks_leg_spread,
    late_log_days,
    member_today,
    morning_checkin_due,
    player_session,
    player_state,
    session_with_items,
    withdrawn_mid_session,
)
from programs.services import plan_day
from programs.services.sessions import (
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    session_answer_morning,
    session_finish,
    session_log_item,
    session_mark_late,
    session_record_pain_before,
)
from programs.session_forms import (
    FinishForm,
    ItemDoneForm,
    MorningCheckinForm,
    PainBeforeForm,
    SessionDayForm,
)
from programs.views.gate import programme_open

SCALE = range(11)


def _error_dict(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {field: " ".join(msgs) for field, msgs in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _day_form(request, today: date) -> SessionDayForm:
    """The session day: today, or (for late logging) one of the previous seven days."""
    return SessionDayForm({"day": request.GET.get("day") or request.POST.get("day")}, today=today)


def _player_url(day: date, today: date, **extra) -> str:
    query = {"day": day.isoformat()} if day != today else {}
    query.update(extra)
    url = reverse("programs:session_player")
    return f"{url}?{urlencode(query)}" if query else url


def _player_context(session, today, *, errors=None, values=None, redo=None) -> dict:
    return {
        "state": player_state(session=session, redo_item_id=redo),
        "session": session,
        "today": today,
        "is_late": session.date != today,
        "day_param": "" if session.date == today else session.date.isoformat(),
        "errors": errors or {},
        "values": values or {},
        "limits": {"hold": MAX_HOLD_SECONDS, "reps": MAX_REPS, "sets": MAX_SETS},
        "scale": SCALE,
    }


def _player_page(request, day: date, today: date, body: str, *, status=200):
    return render_kept(
        request,
        "programs/player.html",
        body,
        {"day": day, "is_late": day != today},
        status=status,
    )


def _render_player(request, session, today, *, errors=None, values=None, redo=None, status=200):
    """The player as a form answer (errors and the member's own values): never kept."""
    context = _player_context(session, today, errors=errors, values=values, redo=redo)
    body = render_to_string("programs/_player_body.html", context, request)
    return _player_page(request, session.date, today, body, status=status)


@member_required
@programme_open
def session_player(request):
    today = member_today(request.user)
    day = today  # what the form answers when no day is asked for (every visit but late ones)
    if request.GET.get("day"):
        day_form = _day_form(request, today)
        if not day_form.is_valid():
            return HttpResponseBadRequest(day_form.error_text())
        day = day_form.cleaned_data["day"]
    session = player_day(member_id=request.user.pk, day=day)
    if session is None and day == today and plan_day(member=request.user, day=day) is not None:
        # Not planned yet (the hourly run has not reached this member's new day): made here,
        # explicitly, once; every later visit only reads it.
        session = player_day(member_id=request.user.pk, day=day)
    if session is None:
        messages.info(request, "There is no session planned for that day yet.")
        return redirect("programs:today")
    if session.is_rest_day:
        messages.info(request, "Today is a rest day — recovery is part of the programme.")
        return redirect("programs:today")
    if day != today and not session.logged_late and session.status != SessionStatus.COMPLETED:
        return redirect(reverse("programs:log_late"))
    redo_id = parse_id(request.GET.get("item"))

    def build() -> str:
        full = player_session(member=request.user, day=day)
        return render_body(
            request, "programs/_player_body.html", _player_context(full, today, redo=redo_id)
        )

    # Kept per state of the rows it draws (the session, its items, their exercises, steps
    # and images: the player's fingerprint, read with the session's row); the safety gate
    # above is asked on every request.
    versions = None if session.fingerprint is None else (session.fingerprint,)
    body = kept_body(
        request, page="player", versions=versions, parts=(day, today, redo_id), build=build
    )
    return _player_page(request, day, today, body)


@member_required
@require_POST
@programme_open
def session_item_done(request, item_id: int):
    item = (
        PlannedItem.objects.select_related("session")
        .filter(pk=item_id, session__member=request.user)
        .first()
    )
    today = member_today(request.user)
    if item is None:
        if withdrawn_mid_session(member=request.user, item_id=item_id, today=today):
            # A coach took it out of the programme while the player showed it: nothing to
            # save, and the member carries on with what is left.
            messages.warning(
                request,
                "That exercise was just taken out of the programme by your coach, so it is no "
                "longer part of today's session. Carry on with the next one.",
            )
            return redirect("programs:session_player")
        raise Http404("No such exercise in your sessions.")
    form = ItemDoneForm(request.POST, item=item)
    if form.is_valid():
        try:
            session_log_item(member=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            errors = _error_dict(exc)
        else:
            return redirect(_player_url(item.session.date, today))
    else:
        errors = form.error_texts()
    session = session_with_items(member=request.user, day=item.session.date)
    return _render_player(
        request, session, today, errors=errors, values=form.echo(), redo=item.pk, status=422
    )


@member_required
@require_POST
@programme_open
def session_pain_before(request):
    """The one-tap pain question before the first exercise."""
    today = member_today(request.user)
    day_form = _day_form(request, today)
    if not day_form.is_valid():
        return HttpResponseBadRequest(day_form.error_text())
    session = session_with_items(member=request.user, day=day_form.cleaned_data["day"])
    if session is None or session.is_rest_day:
        messages.info(request, "There is no session for that day.")
        return redirect("programs:today")
    form = PainBeforeForm(request.POST)
    if not form.is_valid():
        return _render_player(request, session, today, errors=form.error_texts(), status=422)
    try:
        session_record_pain_before(
            member=request.user, session=session, pain_before=form.cleaned_data["pain_before"]
        )
    except ValidationError as exc:
        return _render_player(request, session, today, errors=_error_dict(exc), status=422)
    return redirect(_player_url(session.date, today))


def _flash_outcome(request, session: PlannedSession) -> None:
    """Say what the session amounted to, in the engine's words; its pain light sets the tone."""
    outcome = session_outcome(session=session)
    text = " ".join([outcome.headline + ".", *outcome.what_happened, *outcome.what_next])
    text += " " + outcome.streak_line
    if outcome.verdict.light is engine.PainLight.GREEN:
        messages.success(request, text)
    else:
        messages.warning(request, text)


@member_required
@require_http_methods(["GET", "POST"])
@programme_open
def session_finish_view(request):
    today = member_today(request.user)
    day_form = _day_form(request, today)
    if not day_form.is_valid():
        return HttpResponseBadRequest(day_form.error_text())
    day = day_form.cleaned_data["day"]
    session = session_with_items(member=request.user, day=day)
    if session is None or session.is_rest_day:
        messages.info(request, "There is no session to finish for that day.")
        return redirect("programs:today")
    ask_spread = asks_leg_spread(member=request.user)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = FinishForm(request.POST, ask_spread=ask_spread)
        if form.is_valid():
            try:
                session_finish(member=request.user, session=session, **form.to_service())
            except ValidationError as exc:
                errors = _error_dict(exc)
            else:
                _flash_outcome(request, session_with_items(member=request.user, day=day))
                return redirect("programs:progress")
        else:
            errors = form.error_texts()
        status = 422
    else:
        form = FinishForm(initial=FinishForm.initial_from(session), ask_spread=ask_spread)
    state = player_state(session=session)
    return render(
        request,
        "programs/session_finish.html",
        {
            "session": session,
            "state": state,
            "errors": errors,
            "values": form.echo(),
            "scale": SCALE,
            "ask_spread": ask_spread,
            "day_param": "" if day == today else day.isoformat(),
        },
        status=status,
    )


# What the next-morning answer means, in the engine's own verdict: no thresholds here.
MORNING_REPLIES = {
    engine.PainLight.GREEN: "It settled, so that session counts toward raising your doses at "
    "the weekly review.",
    engine.PainLight.AMBER: "{description}: nothing goes up at the weekly review until it settles.",
    engine.PainLight.RED: "{description}: the exercises from that session are eased, and "
    "nothing goes up that week.",
}


def _morning_reply(session: PlannedSession) -> tuple[engine.PainLight, str]:
    outcome = session_outcome(session=session)
    verdict = outcome.verdict
    lines = [MORNING_REPLIES[verdict.light].format(description=verdict.description)]
    lines += [escalation.advice for escalation in outcome.escalations]
    return verdict.light, " ".join(lines)


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
    form = MorningCheckinForm(request.POST)
    if "session" in form.errors:
        return HttpResponseBadRequest("Which session is this answer for?")
    session = get_object_or_404(
        PlannedSession, pk=form.cleaned_data["session"], member=request.user
    )
    errors = form.error_texts()
    if not errors:
        try:
            session_answer_morning(
                member=request.user,
                session=session,
                morning_pain=form.cleaned_data["morning_pain"],
            )
        except ValidationError as exc:
            errors = _error_dict(exc)
    if errors:
        today = member_today(request.user)
        return render(
            request,
            "programs/_morning_checkin.html" if request.htmx else "programs/session_morning.html",
            {
                "checkin": morning_checkin_due(member=request.user, today=today) or session,
                "errors": errors,
                "scale": SCALE,
            },
            status=422,
        )
    answered = session_with_items(member=request.user, day=session.date)
    light, reply = _morning_reply(answered)
    if request.htmx:
        return render(
            request,
            "programs/_morning_checkin.html",
            {"answered": answered, "reply": reply, "scale": SCALE},
        )
    if light is engine.PainLight.GREEN:
        messages.success(request, f"Thanks for checking in. {reply}")
    else:
        messages.warning(request, f"Thanks for checking in. {reply}")
    return redirect("programs:today")


@member_required
@require_http_methods(["GET", "POST"])
@programme_open
def log_late(request):
    today = member_today(request.user)
    error = ""
    status = 200
    if request.method == "POST":
        day_form = _day_form(request, today)
        if not day_form.is_valid():
            error, status = day_form.error_text(), 400
        elif day_form.cleaned_data["day"] == today:
            error, status = "Today's session is on the Today page.", 400
        else:
            day = day_form.cleaned_data["day"]
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
