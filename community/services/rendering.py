"""Post bodies: Markdown to cleaned HTML with @mentions resolved to members."""

from django.db.models import Value
from django.db.models.functions import Lower, Replace
from django.urls import reverse

from backcore import markdown
from backcore.accounts.models import Profile, User


def member_url(user_id: int) -> str:
    return reverse("community:member", args=[user_id])


def mentions_resolve(*, body: str) -> dict[str, int]:
    """@handles in a body → member ids. A handle is the display name without spaces,
    or `@member<id>` for members without a display name."""
    handles = markdown.mention_handles(body)
    if not handles:
        return {}
    found: dict[str, int] = {}
    by_id = {h: int(h[6:]) for h in handles if h.startswith("member") and h[6:].isdigit()}
    if by_id:
        for uid in User.objects.filter(pk__in=by_id.values(), is_active=True).values_list(
            "pk", flat=True
        ):
            found[f"member{uid}"] = uid
    rows = (
        Profile.objects.annotate(handle=Lower(Replace("display_name", Value(" "), Value(""))))
        .filter(handle__in=handles, user__is_active=True)
        .values_list("handle", "user_id")
    )
    for handle, uid in rows:
        found.setdefault(handle, uid)
    return found


def body_render(*, body: str) -> str:
    """Markdown → cleaned HTML, with @mentions linked. Used on save and for the preview."""
    mentions = {h: member_url(uid) for h, uid in mentions_resolve(body=body).items()}
    return markdown.render(body, mentions=mentions)
