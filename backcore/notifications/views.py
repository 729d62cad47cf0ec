from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backcore.notifications import selectors, services
from backcore.notifications.forms import PreferencesForm
from backcore.notifications.models import Topic
from backcore.params import parse_id


def _noindex(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


@require_GET
@_noindex
@login_required
def notification_list(request):
    page = selectors.notifications_page(user=request.user, page=request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@require_POST
@login_required
def notifications_read(request):
    raw = request.POST.get("notification", "")
    notification_id = parse_id(raw)
    if raw and notification_id is None:  # one notification was meant, never "all of them"
        return HttpResponseBadRequest("That notification does not exist.")
    services.notification_mark_read(member=request.user, notification_id=notification_id)
    return redirect("notifications:list")


@require_GET
@login_required
def notification_open(request, notification_id):
    note = selectors.notification_for(user=request.user, notification_id=notification_id)
    if note is None:
        raise Http404
    services.notification_mark_read(member=request.user, notification_id=note.pk)
    if not url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect("notifications:list")
    return redirect(note.url)


@require_http_methods(["GET", "POST"])
@_noindex
@login_required
def notification_settings(request):
    initial = {
        topic: services.email_mode(member=request.user, topic=topic)
        for topic in PreferencesForm.TOPICS
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            for topic in PreferencesForm.TOPICS:
                services.notification_preference_set(
                    member=request.user, topic=topic, email=form.cleaned_data[topic]
                )
            messages.success(request, "Email preferences saved.")
            return redirect("notifications:list")
        return render(request, "notifications/settings.html", {"form": form}, status=422)
    return render(request, "notifications/settings.html", {"form": form})


@csrf_exempt  # RFC 8058 one-click POSTs come from mail providers; the signed token is the proof
@require_http_methods(["GET", "POST"])
@_noindex
def unsubscribe(request, token):
    """One click, no sign-in: GET shows one button; POST (also RFC 8058 one-click) applies."""
    if request.method == "POST":
        try:
            services.unsubscribe_apply(token=token)
        except ValidationError as exc:
            return render(
                request, "notifications/unsubscribe.html", {"error": exc.messages[0]}, status=400
            )
        return render(request, "notifications/unsubscribe.html", {"done": True})
    return render(request, "notifications/unsubscribe.html", {"token": token, "Topic": Topic})
