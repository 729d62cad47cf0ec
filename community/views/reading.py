"""Reading the forum: the index, a category, a thread, a permalink, a member's posts."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from backcore.accounts.models import User
from community import permissions, selectors, services
from community.forms import (
    MoveForm,
    SearchForm,
)
from community.models import Reaction
from community.views.common import (
    badge_available,
    community_view,
    post_or_404,
    post_url,
    thread_or_404,
)


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
    cat = selectors.category_page(slug=slug, user=request.user)
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
            "watching": cat.is_watching,
        },
    )


@require_GET
@community_view
def thread(request, thread_id):
    item = thread_or_404(request, thread_id, count_posts=True)
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
            "reply_badge": badge_available(),  # the reply box is drawn once (forum_reply_box)
            "move_form": MoveForm(initial={"category": item.category.slug}) if moderator else None,
            "reaction_kinds": Reaction.Kind.choices,
        },
    )


@require_GET
@community_view
def post_detail(request, post_id):
    post = post_or_404(request, post_id)
    return redirect(post_url(post, request.user))


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
