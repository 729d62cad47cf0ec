"""`{% forum_post post %}`: one post of a thread page, drawn once and then reused (and
`{% thread_row thread %}`, one line of a category's thread list, `{% category_card category %}`,
one category of the index, `{% search_results page %}`, the results of a search, and
`{% search_form form %}`, the search box, the same way; `{% forum_posts %}` and
`{% thread_rows %}` draw a page's list in one tag, and `{% thread_head %}`,
`{% category_head %}` and `{% page_links %}` the rest of a thread or category page;
`{% pending_cards %}` and `{% report_cards %}` the moderation queue's two lists).

A thread page shows 20 posts with a dozen links and up to five forms each; drawing them costs
most of the page's time. Each post's HTML is kept per process under a key made of *every value
it is drawn from*: the post's own fields (body, state, edit time, badge), its reaction counts
and the viewer's own reactions, how long ago it was written (to the unit its words show), and
this viewer's rights over it (moderator, author, may edit, may delete, may reply). The fragment
is drawn from those values only (never from the user or the post objects), so an edited,
hidden or reacted-to post, another viewer's rights or a new minute simply make another key:
nothing is invalidated and one viewer's rights are never shown to another. The CSRF token is not kept in a fragment: a
per-process marker stands in for it and each request puts in its own token.
"""

import secrets

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import LazyObject
from django.utils.safestring import mark_safe

from community import permissions
from community.models import Reaction

register = template.Library()

FRAGMENT_CACHE_SIZE = 4_096  # posts kept per process (a few kB each)
_fragments: dict[tuple, str] = {}
_CSRF_MARK = f"csrf-{secrets.token_hex(16)}"  # unguessable, so no post can contain it


def _age(moment, now=None) -> tuple:
    """How long ago `moment` was, to the unit `naturaltime` shows at that age (seconds under a
    minute, minutes under a day, hours under a week, days beyond), so its words need computing
    only when they can have changed."""
    seconds = int(((now or timezone.now()) - moment).total_seconds())
    size = abs(seconds)
    unit = 1 if size < 60 else 60 if size < 86_400 else 3_600 if size < 604_800 else 86_400
    return (moment, seconds // unit)


def _with_time(values: dict, moment) -> dict:
    return {**values, "natural_time": naturaltime(moment)}


_REACTION_FIELDS = tuple((f"n_{kind}", f"mine_{kind}") for kind in Reaction.Kind.values)
_PAGE = object()  # where a page's shared facts are kept in its render context


def _unwrapped(user):
    """The user behind `request.user`'s lazy object: each attribute read through the lazy
    object costs a call, and the rights of 20 posts read a dozen each."""
    if isinstance(user, LazyObject):
        user.pk  # noqa: B018 -- loads it, if nothing has yet
        return user._wrapped
    return user


def _page_facts(context) -> dict:
    """What every post of a thread page shares (the viewer, the thread, the time, the token),
    worked out once per page."""
    facts = context.render_context.get(_PAGE)
    if facts is None:
        user = _unwrapped(context["user"])
        facts = context.render_context[_PAGE] = {
            "user": user,
            "moderator": permissions.is_moderator(user),
            "thread": context["thread"],
            "first_new": context.get("first_new"),
            "can_reply": bool(context.get("can_reply")),
            "now": timezone.now(),
            "script_prefix": get_script_prefix(),
            "token": str(context.get("csrf_token", "")),
        }
    return facts


def _values(post, *, facts: dict) -> dict:
    """Everything the fragment shows, as plain values (the cache key is made of these)."""
    user, thread = facts["user"], facts["thread"]
    can_edit, can_change = permissions.post_rights(user, post, thread)
    values = {
        "pk": post.pk,
        "author_id": post.author_id,
        "author_name": post.author_name,
        "created_at": post.created_at,
        "age": _age(post.created_at, facts["now"]),
        "edited_at": post.edited_at,
        "has_badge": post.has_badge,
        "badge_streak_days": post.badge_streak_days,
        "badge_phase_name": post.badge_phase_name,
        "is_approved": post.is_approved,
        "is_deleted": post.is_deleted,
        "is_hidden": post.is_hidden,
        "hidden_reason": post.hidden_reason,
        "body_html": post.body_html,
        "is_new": bool(getattr(post, "is_new", False)),
        "is_first_new": post.pk == facts["first_new"],
        # this viewer's rights over this post
        "moderator": facts["moderator"],
        "is_author": post.author_id is not None and post.author_id == user.pk,
        "can_edit": can_edit,
        "can_change": can_change,
        "can_reply": facts["can_reply"],
        "thread_pk": thread.pk,
        "script_prefix": facts["script_prefix"],
    }
    for count, mine in _REACTION_FIELDS:
        values[count] = getattr(post, count, 0)
        values[mine] = getattr(post, mine, 0)
    return values


def _draw(values: dict) -> str:
    return get_template("community/_post.html").render(
        {
            "post": values,
            "reaction_kinds": Reaction.Kind.choices,
            "csrf_token": _CSRF_MARK,
        }
    )


def _post_html(post, facts: dict) -> str:
    values = _values(post, facts=facts)
    return _kept(tuple(values.values()), lambda: _draw(_with_time(values, post.created_at)))


@register.simple_tag(takes_context=True)
def forum_post(context, post):
    """The post as `community/_post.html` draws it for this viewer."""
    facts = _page_facts(context)
    return _with_token(_post_html(post, facts), facts["token"])


@register.simple_tag(takes_context=True)
def forum_posts(context, posts):
    """Every post of the page, each as `{% forum_post %}` draws it (one tag, not a loop of
    twenty: the loop's own steps cost about as much as finding a kept post)."""
    facts = _page_facts(context)
    return _with_token("".join([_post_html(post, facts) for post in posts]), facts["token"])


def _kept(key: tuple, draw) -> str:
    html = _fragments.get(key)
    if html is None:
        html = draw()
        if len(_fragments) >= FRAGMENT_CACHE_SIZE:
            _fragments.pop(next(iter(_fragments)))  # the oldest makes room
        _fragments[key] = html
    return html


def _with_token(html: str, token: str) -> str:
    """Kept HTML with this response's CSRF token where the drawing had the mark."""
    if _CSRF_MARK in html:
        html = html.replace(_CSRF_MARK, token)
    return mark_safe(html)  # templates' output; the token is Django's own


def _kept_form(context, template: str, name: str, values: dict) -> str:
    """A fragment with a form, kept by the values it shows, with this response's token."""
    html = _kept(
        (template, *values.values()),
        lambda: get_template(template).render({name: values, "csrf_token": _CSRF_MARK}),
    )
    return _with_token(html, str(context.get("csrf_token", "")))


@register.simple_tag(takes_context=True)
def forum_reply_box(context):
    """The thread page's reply box: an empty form, the same for everyone who may reply, so it
    is drawn once per process for each thread (and set of fields: the check-in badge's box
    is there only while the programme can provide one, `reply_badge`). The form itself is
    made only to draw it."""
    from community.forms import PostForm

    badge = bool(context.get("reply_badge"))
    thread_pk = context["thread"].pk
    key = ("reply", thread_pk, badge, get_script_prefix())
    html = _kept(
        key,
        lambda: get_template("community/_reply_box.html").render(
            {
                "thread_pk": thread_pk,
                "reply_form": PostForm(badge_available=badge),
                "csrf_token": _CSRF_MARK,
            }
        ),
    )
    return _with_token(html, str(context.get("csrf_token", "")))


_LISTING = object()  # where a category page's shared facts are kept in its render context


def _listing_facts(context) -> dict:
    """What every line of a category page shares (the time, the script prefix), once a page."""
    facts = context.render_context.get(_LISTING)
    if facts is None:
        facts = context.render_context[_LISTING] = {
            "now": timezone.now(),
            "script_prefix": get_script_prefix(),
        }
    return facts


def _thread_key(thread, facts: dict) -> tuple:
    """Everything a category's line for this thread shows (the fragment's key): the thread as
    read (`community.selectors.ListedThread`, but for this viewer's reading) and this
    viewer's reading of it, the time in words, the script prefix."""
    read = thread.last_read_at
    return (
        "thread",
        thread[:-1],  # every field but last_read_at, which only decides the two below
        bool(read and thread.last_post_at > read),  # has_new
        not read,  # unread
        _age(thread.last_post_at, facts["now"]),
        facts["script_prefix"],
    )


def _draw_thread(thread, key: tuple) -> str:
    _name, _fields, has_new, unread, _age_, _prefix = key
    values = {
        **thread._asdict(),
        "has_new": has_new,
        "unread": unread,
        "has_last_post": thread.last_post_id is not None,
        "last_post_author": thread.last_post_author or "",
        "natural_time": naturaltime(thread.last_post_at),
    }
    return get_template("community/_thread_row.html").render({"thread": values})


def _thread_html(thread, facts: dict) -> str:
    key = _thread_key(thread, facts)
    return _kept(key, lambda: _draw_thread(thread, key))


@register.simple_tag(takes_context=True)
def thread_row(context, thread):
    """The thread's line as `community/_thread_row.html` draws it for this viewer."""
    return mark_safe(_thread_html(thread, _listing_facts(context)))  # a template's output


@register.simple_tag(takes_context=True)
def thread_rows(context, threads):
    """Every line of the page, each as `{% thread_row %}` draws it (one tag, not a loop)."""
    facts = _listing_facts(context)
    return mark_safe("".join([_thread_html(thread, facts) for thread in threads]))


def _search_result(result, now, script_prefix) -> str:
    values = {
        "pk": result.pk,
        "title": result.thread.title,
        "author_name": result.author_name,
        "category_name": result.thread.category.name,
        "snippet": str(result.snippet),  # escaped by the selector, <mark> its only markup
        "age": _age(result.created_at, now),
        "script_prefix": script_prefix,
    }
    return _kept(
        ("search", *values.values()),
        lambda: get_template("community/_search_result.html").render(
            {"result": {**_with_time(values, result.created_at), "snippet": result.snippet}}
        ),
    )


@register.simple_tag
def search_results(page):
    """The results of a search page, each as `community/_search_result.html` draws it, kept by
    its values (the snippet is the query's own, so a repeated search draws nothing again). One
    tag for the 20: the time and the script prefix are read once, and no loop of the template
    language runs round them."""
    now, script_prefix = timezone.now(), get_script_prefix()
    html = "".join(_search_result(result, now, script_prefix) for result in page)
    return mark_safe(html)  # templates' output


@register.simple_tag
def search_pagination(page, query):
    """The links to a search's other pages: `{% page_links %}` with the query kept in them."""
    return page_links(page, query)


@register.simple_tag
def search_form(form):
    """The search box, filled in with the query it shows (kept per query: the form's label and
    widget cost more to draw than the rest of a result page)."""
    value = form["q"].value() or ""
    html = _kept(
        ("search-form", form.is_bound, str(value), bool(form.errors) if form.is_bound else False),
        lambda: get_template("community/_search_form.html").render({"form": form}),
    )
    return mark_safe(html)  # a template's output


@register.simple_tag
def category_card(category):
    """A category of the forum's index as `community/_category_card.html` draws it, kept by its
    values (its counts and latest post)."""
    last = category.last_post if category.last_post_id else None
    values = {
        "pk": category.pk,
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "thread_count": category.thread_count,
        "post_count": category.post_count,
        "has_last_post": last is not None,
        "last_post_id": category.last_post_id,
        "last_post_title": last.thread.title if last else "",
        "last_post_author": last.author_name if last else "",
        "last_post_at": category.last_post_at,
        "age": _age(category.last_post_at) if category.last_post_at else None,
        "script_prefix": get_script_prefix(),
    }
    html = _kept(
        ("category", *values.values()),
        lambda: get_template("community/_category_card.html").render(
            {
                "category": _with_time(values, category.last_post_at)
                if category.last_post_at
                else {**values, "natural_time": ""}
            }
        ),
    )
    return mark_safe(html)  # a template's output


@register.simple_tag
def page_links(page, query: str = ""):
    """The links to a listing's other pages (and a search's, with its query), as
    `community/_pagination.html` draws them, kept by page number, count and query (the
    template's lookups on a `Page` cost more than the rest of a kept category page)."""
    number, pages = page.number, page.paginator.num_pages
    html = _kept(
        ("pages", number, pages, query),
        lambda: get_template("community/_pagination.html").render(
            {
                "page_obj": {
                    "number": number,
                    "paginator": {"num_pages": pages},
                    "has_other_pages": pages > 1,
                    "has_previous": number > 1,
                    "has_next": number < pages,
                    "previous_page_number": number - 1,
                    "next_page_number": number + 1,
                },
                "query": query,
            }
        ),
    )
    return mark_safe(html)  # a template's output


@register.simple_tag(takes_context=True)
def thread_head(context):
    """The top of a thread page (where it sits, its title and state, the watch button) as
    `community/_thread_head.html` draws it, kept by those values."""
    thread = context["thread"]
    values = {
        "pk": thread.pk,
        "title": thread.title,
        "category_slug": thread.category.slug,
        "category_name": thread.category.name,
        "is_pinned": thread.is_pinned,
        "is_locked": thread.is_locked,
        "is_hidden": thread.is_hidden,
        "hidden_reason": thread.hidden_reason,
        "is_approved": thread.is_approved,
        # this viewer's
        "is_watching": bool(thread.is_watching),
        "first_new": bool(context.get("first_new")),
        "script_prefix": get_script_prefix(),
    }
    return _kept_form(context, "community/_thread_head.html", "thread", values)


@register.simple_tag(takes_context=True)
def category_head(context):
    """The top of a category page (its name and description, who may start a thread, the
    watch button) as `community/_category_head.html` draws it, kept by those values."""
    category = context["category"]
    values = {
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        # this viewer's
        "can_start": bool(context.get("can_start")),
        "watching": bool(context.get("watching")),
        "script_prefix": get_script_prefix(),
    }
    return _kept_form(context, "community/_category_head.html", "category", values)


def _cards(context, rows, template: str, values_of) -> str:
    """Each row of a moderation queue's page as `template` draws it from `values_of(row)`,
    kept by those values, the time in words among them; with this response's CSRF token."""
    now, script_prefix = timezone.now(), get_script_prefix()
    html = []
    for row in rows:
        values = {
            **values_of(row),
            "age": _age(row.created_at, now),
            "script_prefix": script_prefix,
        }
        html.append(
            _kept(
                (template, *values.values()),
                lambda values=values, row=row: get_template(template).render(
                    {"card": _with_time(values, row.created_at), "csrf_token": _CSRF_MARK}
                ),
            )
        )
    return _with_token("".join(html), str(context.get("csrf_token", "")))


def _pending_values(card) -> dict:
    """A `PendingCard`'s shown values (its time is drawn in words by `_cards`)."""
    values = card._asdict()
    del values["created_at"]
    return values


def _report_values(card) -> dict:
    """A `ReportCard`'s shown values, with the reporter's public name."""
    values = card._asdict()
    del values["created_at"], values["reporter_id"], values["reporter_display_name"]
    values["reporter_name"] = card.reporter_name
    return values


@register.simple_tag(takes_context=True)
def pending_cards(context, posts):
    """The moderation queue's posts awaiting approval (`community/_pending_card.html`)."""
    return _cards(context, posts, "community/_pending_card.html", _pending_values)


@register.simple_tag(takes_context=True)
def report_cards(context, reports):
    """The moderation queue's open reports (`community/_report_card.html`)."""
    return _cards(context, reports, "community/_report_card.html", _report_values)
