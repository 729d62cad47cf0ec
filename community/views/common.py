"""What every community page shares: members only, never indexed, and the 404s that keep
hidden posts and threads out of reach."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from backcore.accounts.decorators import member_required
from community import permissions, selectors
from community.models import Post, Thread
from community.services import posting as posting_services


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


def moderator_or_403(request) -> None:
    permissions.require_moderator(request.user)


def errors_of(exc: ValidationError) -> list[str]:
    return exc.messages


def back_url(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def post_or_404(request, post_id: int) -> Post:
    """Every view that takes a post id: hidden, deleted or unreadable posts are 404."""
    post = selectors.post_get(post_id=post_id, user=request.user)
    if post is None:
        raise Http404
    return post


def thread_or_404(request, thread_id: int, *, count_posts: bool = False) -> Thread:
    item = selectors.thread_get(thread_id=thread_id, user=request.user, count_posts=count_posts)
    if item is None:
        raise Http404
    return item


def post_url(post: Post, user) -> str:
    page = selectors.post_page_number(post=post, user=user)
    return f"{reverse('community:thread', args=[post.thread_id])}?page={page}#post-{post.pk}"


def badge_available() -> bool:
    """Whether posts can carry the programme's check-in badge (asked at call time, so tests can
    switch the provider off)."""
    return posting_services.checkin_badge_provider() is not None
