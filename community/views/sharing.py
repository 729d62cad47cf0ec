"""Sharing a programme milestone with the forum: a page that shows what will be posted, and a
button. Nothing is posted without that press (opt-in); pressing again finds the first post."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from community import selectors
from community.forms import MilestoneShareForm
from community.services import posting, sharing
from community.views.common import community_view

TEMPLATE = "community/milestone_share.html"


@require_http_methods(["GET", "POST"])
@community_view
def milestone_share(request, milestone_id):
    found = selectors.milestone_share_get(user=request.user, milestone_id=milestone_id)
    if found is None:
        raise Http404
    milestone, share = found
    form = MilestoneShareForm(request.POST or None)
    context = {"milestone": milestone, "share": share, "form": form}
    if share is not None:  # shared before: say so (a second press goes to the first post)
        if request.method == "POST" and share.thread is not None:
            return redirect(share.thread.get_absolute_url())
        return render(request, TEMPLATE, context)
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=422)
    try:
        thread = sharing.milestone_share(
            author=request.user, milestone_id=milestone.id, note=form.cleaned_data["note"]
        )
    except posting.FloodControlError as exc:
        form.add_error(None, exc.messages[0])
        response = render(request, TEMPLATE, context, status=429)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, getattr(exc, "messages", [str(exc)])[0])
        return render(request, TEMPLATE, context, status=422)
    if thread is None:  # shared a moment ago and its thread since removed
        return redirect("programs:progress")
    if thread.is_approved:
        messages.success(request, "Shared with the forum.")
    else:
        messages.info(request, "Thanks! A coach will look at it before others see it.")
    return redirect(thread.get_absolute_url())
