"""Coaches' tools: hide, approve, revisions, thread flags, the moderation queue, reports."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import selectors, services
from community.forms import (
    MoveForm,
    ReasonForm,
    ReportCloseForm,
)
from community.models import Report
from community.views.common import (
    back_url,
    community_view,
    moderator_or_403,
    post_or_404,
    post_url,
    thread_or_404,
)


@require_http_methods(["GET", "POST"])
@community_view
def post_hide(request, post_id):
    moderator_or_403(request)
    post = post_or_404(request, post_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.post_hide(coach=request.user, post=post, reason=form.cleaned_data["reason"])
            messages.success(request, "Post hidden. You can show it again at any time.")
            return redirect(back_url(request, post_url(post, request.user)))
        return render(request, "community/post_hide.html", {"post": post, "form": form}, status=422)
    return render(request, "community/post_hide.html", {"post": post, "form": form})


@require_POST
@community_view
def post_unhide(request, post_id):
    moderator_or_403(request)
    post = post_or_404(request, post_id)
    services.post_unhide(coach=request.user, post=post)
    messages.success(request, "Post visible again.")
    return redirect(post_url(post, request.user))


@require_POST
@community_view
def post_approve(request, post_id):
    moderator_or_403(request)
    post = post_or_404(request, post_id)
    services.post_approve(coach=request.user, post=post)
    messages.success(request, "Post approved.")
    return redirect(back_url(request, reverse("community:moderation")))


@require_GET
@community_view
def post_revisions(request, post_id):
    moderator_or_403(request)
    post = post_or_404(request, post_id)
    return render(
        request,
        "community/post_revisions.html",
        {"post": post, "revisions": selectors.post_revisions(post=post)},
    )


@require_POST
@community_view
def thread_moderate(request, thread_id):
    moderator_or_403(request)
    item = thread_or_404(request, thread_id)
    action = request.POST.get("action", "")
    flags = {
        "pin": {"pinned": True},
        "unpin": {"pinned": False},
        "lock": {"locked": True},
        "unlock": {"locked": False},
    }
    if action in flags:
        services.thread_set_flags(coach=request.user, thread=item, **flags[action])
    elif action == "hide":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give a reason for hiding the thread.")
            return redirect(item.get_absolute_url())
        services.thread_hide(coach=request.user, thread=item, reason=form.cleaned_data["reason"])
    elif action == "unhide":
        services.thread_unhide(coach=request.user, thread=item)
    elif action == "move":
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a category to move the thread to.")
            return redirect(item.get_absolute_url())
        services.thread_move(
            coach=request.user, thread=item, category=form.cleaned_data["category"]
        )
    else:
        return HttpResponse("Unknown moderation action.", status=400)
    messages.success(request, "Thread updated.")
    return redirect(item.get_absolute_url())


@require_GET
@community_view
def moderation(request):
    moderator_or_403(request)
    queue = selectors.moderation_queue(
        pending_page=request.GET.get("pending_page", 1),
        reports_page=request.GET.get("reports_page", 1),
    )
    return render(request, "community/moderation.html", {**queue, "close_form": ReportCloseForm()})


@require_POST
@community_view
def report_close(request, report_id):
    moderator_or_403(request)
    report = get_object_or_404(Report, pk=report_id)
    form = ReportCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose resolve or dismiss.")
    else:
        services.report_close(coach=request.user, report=report, **form.cleaned_data)
        messages.success(request, "Report closed.")
    return redirect("community:moderation")
