"""Members writing: new threads, replies (with preview), edits, deletions, reactions, reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from backcore.markdown import quote
from backcore.params import parse_id
from community import permissions, selectors, services
from community.forms import (
    EditPostForm,
    PostForm,
    ReactionForm,
    ReportForm,
    ThreadForm,
)
from community.models import Reaction
from community.services import posting as posting_services
from community.views.common import (
    badge_available,
    community_view,
    errors_of,
    post_or_404,
    post_url,
    thread_or_404,
)


def _preview_html(body: str) -> str:
    return services.body_render(body=body) if body.strip() else ""


def _submit_post_form(request, form, template: str, context: dict, create):
    """The shared posting flow for a new thread or a reply: preview, create, or explain why not.

    `create(cleaned_data)` returns the new object (with `is_approved`) and where to go next.
    Whatever the member typed stays in the form on every refusal.
    """
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            context["preview"] = _preview_html(form.cleaned_data["body"])
            return render(request, template, context)
        try:
            created, next_url = create(form.cleaned_data)
        except posting_services.FloodControlError as exc:
            return _flood_response(request, template, context, exc)
        except ValidationError as exc:
            for message in errors_of(exc):
                form.add_error(None, message)
            return render(request, template, context, status=422)
        if not created.is_approved:
            messages.info(
                request, "Thanks! A coach will look at your first posts before others see them."
            )
        return redirect(next_url)
    status = 422 if request.method == "POST" else 200
    return render(request, template, context, status=status)


def _flood_response(request, template, context, exc: posting_services.FloodControlError):
    context["form"].add_error(None, exc.messages[0])
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@require_http_methods(["GET", "POST"])
@community_view
def thread_new(request, slug):
    cat = selectors.category_get(slug=slug)
    if cat is None:
        raise Http404
    if not permissions.can_start_thread(request.user, cat):
        messages.info(request, "Only coaches start threads in this category; reply to one instead.")
        return redirect(cat.get_absolute_url())
    badge = badge_available()
    form = ThreadForm(request.POST or None, badge_available=badge)
    context = {"category": cat, "form": form, "preview": None}

    def create(data):
        thread = services.thread_create(
            author=request.user,
            category=cat,
            title=data["title"],
            body=data["body"],
            attach_badge=data.get("attach_badge", False),
        )
        return thread, thread.get_absolute_url()

    return _submit_post_form(request, form, "community/thread_new.html", context, create)


@require_http_methods(["GET", "POST"])
@community_view
def reply(request, thread_id):
    item = thread_or_404(request, thread_id)
    badge = badge_available()
    initial = {}
    quoted_id = parse_id(request.GET.get("quote"))
    if request.method == "GET" and quoted_id is not None:
        quoted = selectors.post_get(post_id=quoted_id, user=request.user)
        if quoted and quoted.thread_id == item.pk and quoted.is_visible:
            initial["body"] = quote(quoted.body, author_name=quoted.author_name)
    form = PostForm(request.POST or None, initial=initial, badge_available=badge)
    context = {"thread": item, "form": form, "preview": None}

    def create(data):
        post = services.post_create(
            author=request.user,
            thread=item,
            body=data["body"],
            attach_badge=data.get("attach_badge", False),
        )
        return post, post_url(post, request.user)

    return _submit_post_form(request, form, "community/reply.html", context, create)


@require_POST
@community_view
def preview(request):
    body = request.POST.get("body", "")[:20_000]
    return render(request, "community/_preview.html", {"preview": _preview_html(body)})


@require_http_methods(["GET", "POST"])
@community_view
def post_edit(request, post_id):
    post = post_or_404(request, post_id)
    if not permissions.can_change_post(request.user, post):
        raise PermissionDenied("You can only edit your own posts.")
    form = EditPostForm(request.POST or None, initial={"body": post.body})
    context = {"post": post, "form": form, "preview": None}
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            context["preview"] = _preview_html(form.cleaned_data["body"])
            return render(request, "community/post_edit.html", context)
        try:
            services.post_edit(editor=request.user, post=post, body=form.cleaned_data["body"])
        except ValidationError as exc:
            for message in errors_of(exc):
                form.add_error(None, message)
            return render(request, "community/post_edit.html", context, status=422)
        messages.success(request, "Post updated.")
        return redirect(post_url(post, request.user))
    status = 422 if request.method == "POST" else 200
    return render(request, "community/post_edit.html", context, status=status)


@require_POST
@community_view
def post_delete(request, post_id):
    post = post_or_404(request, post_id)
    services.post_delete(member=request.user, post=post)
    messages.success(request, "Post deleted.")
    return redirect(post_url(post, request.user))


@require_POST
@community_view
def post_react(request, post_id):
    post = post_or_404(request, post_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose cheer, same here or thanks.", status=400)
    try:
        services.reaction_toggle(member=request.user, post=post, kind=form.cleaned_data["kind"])
    except ValidationError as exc:
        return HttpResponse(" ".join(errors_of(exc)), status=422)
    if request.htmx:
        fresh = selectors.post_with_reactions(post=post, user=request.user)
        return render(
            request,
            "community/_reactions.html",
            {"post": fresh, "reaction_kinds": Reaction.Kind.choices},
        )
    return redirect(post_url(post, request.user))


@require_http_methods(["GET", "POST"])
@community_view
def post_report(request, post_id):
    post = post_or_404(request, post_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.report_create(
                reporter=request.user, post=post, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Thanks — a coach will review this post.")
            return redirect(post_url(post, request.user))
        return render(
            request, "community/post_report.html", {"post": post, "form": form}, status=422
        )
    return render(request, "community/post_report.html", {"post": post, "form": form})
