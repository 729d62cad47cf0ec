"""Watching threads and categories, old notification links, and one-click unsubscribe."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors, services
from community.views.common import (
    community_view,
    noindex,
    thread_or_404,
)


@require_POST
@community_view
def thread_watch(request, thread_id):
    item = thread_or_404(request, thread_id)
    watching = request.POST.get("watch") == "1"
    services.thread_watch_set(member=request.user, thread=item, watching=watching)
    messages.success(
        request, "You'll hear about new replies." if watching else "You've stopped watching."
    )
    return redirect(item.get_absolute_url())


@require_POST
@community_view
def category_watch(request, slug):
    cat = selectors.category_get(slug=slug)
    if cat is None:
        raise Http404
    watching = request.POST.get("watch") == "1"
    services.category_watch_set(member=request.user, category=cat, watching=watching)
    messages.success(
        request,
        "You'll hear about new threads here." if watching else "You've stopped watching.",
    )
    return redirect(cat.get_absolute_url())


# The bell and email settings moved to backcore.notifications; old links still land there.
@require_GET
def notifications(request):
    return redirect("notifications:list")


@require_GET
def notification_open(request, notification_id):
    return redirect("notifications:open", notification_id=notification_id)


@require_GET
def notification_settings(request):
    return redirect("notifications:settings")


@csrf_exempt  # RFC 8058 one-click POSTs come from mail providers; the signed token is the proof
@require_http_methods(["GET", "POST"])
@noindex
def unsubscribe(request, token):
    """One click, no sign-in: GET shows one button; POST (also RFC 8058 one-click) applies."""
    if request.method == "POST":
        try:
            services.unsubscribe_apply(token=token)
        except ValidationError as exc:
            return render(
                request, "community/unsubscribe.html", {"error": exc.messages[0]}, status=400
            )
        return render(request, "community/unsubscribe.html", {"done": True})
    return render(request, "community/unsubscribe.html", {"token": token})
