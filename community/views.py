"""Community pages. Thin: parse input, call a service or selector, render."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backcore.accounts.decorators import member_required
from backcore.accounts.models import User
from backcore.markdown import quote
from backcore.params import parse_id
from community import permissions, selectors, services
from community.forms import (
    EditPostForm,
    MoveForm,
    PostForm,
    ReactionForm,
    ReasonForm,
    ReportCloseForm,
    ReportForm,
    SearchForm,
    ThreadForm,
)
from community.models import Post, Reaction, Report, Thread
from community.services import posting


def noindex(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def community_view(view):
    """Members only, never indexed."""
    return noindex(member_required(view))


def _moderator_or_403(request) -> None:
    permissions.require_moderator(request.user)


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _post_or_404(request, post_id: int) -> Post:
    """Every view that takes a post id: hidden, deleted or unreadable posts are 404."""
    post = selectors.post_get(post_id=post_id, user=request.user)
    if post is None:
        raise Http404
    return post


def _thread_or_404(request, thread_id: int) -> Thread:
    item = selectors.thread_get(thread_id=thread_id, user=request.user)
    if item is None:
        raise Http404
    return item


def _post_url(post: Post, user) -> str:
    page = selectors.post_page_number(post=post, user=user)
    return f"{reverse('community:thread', args=[post.thread_id])}?page={page}#post-{post.pk}"


# ---------------------------------------------------------------- reading


@require_GET
@community_view
def index(request):
    return render(
        request,
        "community/index.html",
        {
            "categories": selectors.category_list(),
            "search_form": SearchForm(),
        },
    )


@require_GET
@community_view
def category(request, slug):
    cat = selectors.category_get(slug=slug)
    if cat is None:
        raise Http404
    page = selectors.thread_list(category=cat, user=request.user, page=request.GET.get("page"))
    return render(
        request,
        "community/category.html",
        {
            "category": cat,
            "page_obj": page,
            "can_start": permissions.can_start_thread(request.user, cat),
            "watching": selectors.category_is_watched(category=cat, user=request.user),
        },
    )


@require_GET
@community_view
def thread(request, thread_id):
    item = _thread_or_404(request, thread_id)
    page = selectors.thread_posts(thread=item, user=request.user, page=request.GET.get("page"))
    previous_read = item.last_read_at
    first_new = None
    for post in page:
        post.is_new = bool(
            previous_read and post.created_at > previous_read and post.author_id != request.user.pk
        )
        if post.is_new and first_new is None:
            first_new = post.pk
    caught_up = previous_read is not None and previous_read >= item.last_post_at
    if page.number == page.paginator.num_pages and not caught_up:
        services.thread_mark_read(member=request.user, thread=item)
    moderator = permissions.is_moderator(request.user)
    return render(
        request,
        "community/thread.html",
        {
            "thread": item,
            "page_obj": page,
            "first_new": first_new,
            # The page offers replies once a thread is approved, to coaches too.
            "can_reply": item.is_approved and permissions.can_reply(request.user, item),
            "reply_form": PostForm(badge_available=_badge_available()),
            "move_form": MoveForm(initial={"category": item.category.slug}) if moderator else None,
            "reaction_kinds": Reaction.Kind.choices,
        },
    )


@require_GET
@community_view
def post_detail(request, post_id):
    post = _post_or_404(request, post_id)
    return redirect(_post_url(post, request.user))


@require_GET
@community_view
def member(request, user_id):
    person = get_object_or_404(User.objects.select_related("profile"), pk=user_id, is_active=True)
    posts = (
        selectors.visible_posts(user=request.user)
        .filter(author=person, is_approved=True, is_hidden=False, is_deleted=False)
        .filter(thread__in=selectors.visible_threads(user=request.user).filter(is_hidden=False))
        .select_related("thread")
        .order_by("-created_at")[:10]
    )
    return render(request, "community/member.html", {"person": person, "posts": posts})


# ---------------------------------------------------------------- posting


def _badge_available() -> bool:
    return posting.checkin_badge_provider() is not None


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
        except posting.FloodControlError as exc:
            return _flood_response(request, template, context, exc)
        except ValidationError as exc:
            for message in _errors(exc):
                form.add_error(None, message)
            return render(request, template, context, status=422)
        if not created.is_approved:
            messages.info(
                request, "Thanks! A coach will look at your first posts before others see them."
            )
        return redirect(next_url)
    status = 422 if request.method == "POST" else 200
    return render(request, template, context, status=status)


def _flood_response(request, template, context, exc: posting.FloodControlError):
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
    badge = _badge_available()
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
    item = _thread_or_404(request, thread_id)
    badge = _badge_available()
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
        return post, _post_url(post, request.user)

    return _submit_post_form(request, form, "community/reply.html", context, create)


@require_POST
@community_view
def preview(request):
    body = request.POST.get("body", "")[:20_000]
    return render(request, "community/_preview.html", {"preview": _preview_html(body)})


@require_http_methods(["GET", "POST"])
@community_view
def post_edit(request, post_id):
    post = _post_or_404(request, post_id)
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
            for message in _errors(exc):
                form.add_error(None, message)
            return render(request, "community/post_edit.html", context, status=422)
        messages.success(request, "Post updated.")
        return redirect(_post_url(post, request.user))
    status = 422 if request.method == "POST" else 200
    return render(request, "community/post_edit.html", context, status=status)


@require_POST
@community_view
def post_delete(request, post_id):
    post = _post_or_404(request, post_id)
    services.post_delete(member=request.user, post=post)
    messages.success(request, "Post deleted.")
    return redirect(_post_url(post, request.user))


@require_POST
@community_view
def post_react(request, post_id):
    post = _post_or_404(request, post_id)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose cheer, same here or thanks.", status=400)
    try:
        services.reaction_toggle(member=request.user, post=post, kind=form.cleaned_data["kind"])
    except ValidationError as exc:
        return HttpResponse(" ".join(_errors(exc)), status=422)
    if request.htmx:
        fresh = selectors.post_with_reactions(post=post, user=request.user)
        return render(
            request,
            "community/_reactions.html",
            {"post": fresh, "reaction_kinds": Reaction.Kind.choices},
        )
    return redirect(_post_url(post, request.user))


@require_http_methods(["GET", "POST"])
@community_view
def post_report(request, post_id):
    post = _post_or_404(request, post_id)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.report_create(
                reporter=request.user, post=post, reason=form.cleaned_data["reason"]
            )
            messages.success(request, "Thanks — a coach will review this post.")
            return redirect(_post_url(post, request.user))
        return render(
            request, "community/post_report.html", {"post": post, "form": form}, status=422
        )
    return render(request, "community/post_report.html", {"post": post, "form": form})


# ---------------------------------------------------------------- moderation


@require_http_methods(["GET", "POST"])
@community_view
def post_hide(request, post_id):
    _moderator_or_403(request)
    post = _post_or_404(request, post_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.post_hide(coach=request.user, post=post, reason=form.cleaned_data["reason"])
            messages.success(request, "Post hidden. You can show it again at any time.")
            return redirect(_back(request, _post_url(post, request.user)))
        return render(request, "community/post_hide.html", {"post": post, "form": form}, status=422)
    return render(request, "community/post_hide.html", {"post": post, "form": form})


@require_POST
@community_view
def post_unhide(request, post_id):
    _moderator_or_403(request)
    post = _post_or_404(request, post_id)
    services.post_unhide(coach=request.user, post=post)
    messages.success(request, "Post visible again.")
    return redirect(_post_url(post, request.user))


@require_POST
@community_view
def post_approve(request, post_id):
    _moderator_or_403(request)
    post = _post_or_404(request, post_id)
    services.post_approve(coach=request.user, post=post)
    messages.success(request, "Post approved.")
    return redirect(_back(request, reverse("community:moderation")))


@require_GET
@community_view
def post_revisions(request, post_id):
    _moderator_or_403(request)
    post = _post_or_404(request, post_id)
    return render(
        request,
        "community/post_revisions.html",
        {"post": post, "revisions": selectors.post_revisions(post=post)},
    )


@require_POST
@community_view
def thread_moderate(request, thread_id):
    _moderator_or_403(request)
    item = _thread_or_404(request, thread_id)
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
    _moderator_or_403(request)
    queue = selectors.moderation_queue(
        pending_page=request.GET.get("pending_page", 1),
        reports_page=request.GET.get("reports_page", 1),
    )
    return render(request, "community/moderation.html", {**queue, "close_form": ReportCloseForm()})


@require_POST
@community_view
def report_close(request, report_id):
    _moderator_or_403(request)
    report = get_object_or_404(Report, pk=report_id)
    form = ReportCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose resolve or dismiss.")
    else:
        services.report_close(coach=request.user, report=report, **form.cleaned_data)
        messages.success(request, "Report closed.")
    return redirect("community:moderation")


# ---------------------------------------------------------------- watching and notifications


@require_POST
@community_view
def thread_watch(request, thread_id):
    item = _thread_or_404(request, thread_id)
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


# ---------------------------------------------------------------- search


@require_GET
@community_view
def search(request):
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = selectors.search_posts(query=query, user=request.user, page=request.GET.get("page"))
    return render(
        request, "community/search.html", {"form": form, "query": query, "page_obj": page}
    )
