"""The site header, drawn once per process for each of its few shapes and filled per request.

Every page draws the same header: the nav (one link marked as the page's section), the bell,
the account menu with its logout form. Drawing it through the template engine cost about a
sixth of a kept member page's CPU, yet between two people it differs only in their name, their
unread count and their CSRF token. So `_site_header.html` is drawn once per shape (signed in
or not, staff or not, any unread or not, the section marked, the URL configuration and script
prefix), with slots where those three values go, and each request joins the slots' values in.

The header is drawn for the shape with a stand-in user that has only what is slotted or in
the shape (`public_name`, `is_staff`, `is_authenticated`): a template change that reads
anything else of the user fails loudly instead of drawing one person's value for everyone.
The shapes are kept on the compiled template, so a template reloaded in development is a new
object with none kept.

Pages whose content is one body drawn (and kept) elsewhere, such as the kept member pages, go
a step further with `framed_page`: their whole template (base.html around the body: head,
header, footer) is drawn once per shape the same way, with slots for the body, the header
and the CSRF token, and each request joins in its own three.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template import Context
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from backcore.templatetags.constant_urls import current_app_of, remembered_reverse

HEADER_TEMPLATE = "_site_header.html"

# The sections of the main nav, in order: (URL name, label).
NAV = (
    ("programs:today", "Today"),
    ("exercises:list", "Library"),
    ("programs:progress", "Progress"),
    ("community:index", "Community"),
    ("programs:learn", "Learn"),
    ("payments:join", "Contribute"),
)

# Private-use characters: template text never holds them and escaping leaves them alone.
_NAME, _UNREAD, _CSRF = "\ue000name\ue001", "\ue000unread\ue001", "\ue000csrf\ue001"
_SLOTS = (_NAME, _UNREAD, _CSRF)
# Splits a drawing into text and slots, each slot kept as its own part.
_SLOT_SPLIT = re.compile("(" + "|".join(map(re.escape, _SLOTS)) + ")")
SHAPES_KEPT = 256


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str
    current: bool


class HeaderReadUnslotted(RuntimeError):
    """The header template read something of the user that the kept header has no slot for."""


class _StandInUser:
    is_authenticated = True
    is_anonymous = False
    public_name = _NAME

    def __init__(self, *, is_staff: bool):
        self.is_staff = is_staff

    def __getattr__(self, name):
        raise HeaderReadUnslotted(
            f"_site_header.html read user.{name}: give it a slot in backcore/layout.py"
        )


def nav_links(request) -> tuple[NavLink, ...]:
    """The nav's links, the page's own section marked current."""
    current_app = current_app_of(request)
    path = str(getattr(request, "path", ""))
    links = []
    for view_name, label in NAV:
        try:
            url = remembered_reverse(view_name, current_app=current_app)
        except NoReverseMatch:  # as `{% url … as x %}` did: a URLconf without that section
            url = ""
        links.append(NavLink(url=url, label=label, current=bool(url) and path.startswith(url)))
    return tuple(links)


def site_header(context) -> str:
    """The header for this request: its shape drawn once and kept, the slots filled in."""
    if context.get(_DRAWING_FRAME):  # a page's frame: each request fills in its own header
        return mark_safe(_HEADER)
    request = getattr(context, "request", None)
    user = context.get("user")
    csrf_token = context.get("csrf_token")
    token = str(csrf_token) if csrf_token else ""
    if request is None or user is None or not token or token == "NOTPROVIDED":
        # no request (an email, a test render) or no token: drawn as a template would
        return get_template(HEADER_TEMPLATE).render(
            {**context.flatten(), "nav_links": nav_links(request)}
        )
    return _header_for(request, user, token, context.get("notifications_unread"))


def _header_for(request, user, token: str, notifications_unread) -> str:
    links = nav_links(request)
    signed_in = bool(user.is_authenticated)
    unread = (notifications_unread or 0) if signed_in else 0
    shape = (
        signed_in,
        bool(signed_in and user.is_staff),
        bool(unread),
        tuple(link.current for link in links),
        current_app_of(request),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    template = get_template(HEADER_TEMPLATE)
    kept = template.template.__dict__.setdefault("_backcore_shapes", {})
    parts = kept.get(shape)
    if parts is None:
        parts = _draw_shape(
            template, request, user, signed_in=signed_in, unread=unread, links=links
        )
        if len(kept) >= SHAPES_KEPT:
            kept.pop(next(iter(kept)))
        kept[shape] = parts
    values = {_CSRF: conditional_escape(token)}
    if signed_in:
        values[_NAME] = conditional_escape(user.public_name)
        values[_UNREAD] = conditional_escape(str(unread))
    return mark_safe("".join(values.get(part, part) for part in parts))


def _draw_shape(template, request, user, *, signed_in: bool, unread, links) -> tuple[str, ...]:
    """The header of one shape, split into text and slot names (each slot one part)."""
    stand_in = _StandInUser(is_staff=bool(user.is_staff)) if signed_in else user
    html = template.render(
        {
            "user": stand_in,
            "notifications_unread": _UNREAD if unread else 0,
            "csrf_token": _CSRF,
            "nav_links": links,
        },
        request,
    )
    parts = _SLOT_SPLIT.split(html)
    return tuple(part for part in parts if part)


# --- A whole page drawn once per shape around a body drawn elsewhere.

_BODY, _HEADER = "\ue000body\ue001", "\ue000header\ue001"
_FRAME_SPLIT = re.compile("(" + "|".join(map(re.escape, (_BODY, _HEADER, _CSRF))) + ")")
_DRAWING_FRAME = "backcore_drawing_frame"  # in the context while a frame is drawn
FRAMES_KEPT = 256
# A frame is kept under its context's values: only plain values that cannot change underneath
# it (a model instance could be drawn with fields newer than the frame's).
_SHAPING_TYPES = (str, int, float, bool, date, type(None))


class FrameReadUnslotted(RuntimeError):
    """A page's template read something of the request or user that its frame has no slot
    for: drawn once, it would show the first visitor's value to everyone."""


class _StandIn:
    """What a frame is drawn with in place of the request, user or perms: it answers only
    the URL tags' current app, and refuses every other read."""

    def __init__(self, what: str, **answers):
        self._what = what
        self.__dict__.update(answers)

    def __getattr__(self, name):
        raise FrameReadUnslotted(
            f"a framed page's template read {self._what}.{name}: give it a slot in "
            "backcore/layout.py, or draw the page with render()"
        )

    def __str__(self):
        raise FrameReadUnslotted(
            f"a framed page's template drew {self._what}: give it a slot in "
            "backcore/layout.py, or draw the page with render()"
        )

    def __bool__(self):
        raise FrameReadUnslotted(
            f"a framed page's template tested {self._what}: give it a slot in "
            "backcore/layout.py, or draw the page with render()"
        )


# What context processors give that a frame fills in per request, or draws without (messages:
# a request with some is drawn by render()).
_SLOTTED = {"request", "user", "perms", "csrf_token", "messages", "notifications_unread"}


def _frame_constants(processed: dict) -> dict:
    """Context processors' other values, as a frame is drawn with them: plain values as they
    are (and in the shape), anything else a stand-in that refuses to be read."""
    return {
        name: value if isinstance(value, _SHAPING_TYPES) else _StandIn(name)
        for name, value in processed.items()
        if name not in _SLOTTED
    }


def framed_page(
    request, template_name: str, *, body: str, csrf_token: str, context=None, status=200
) -> HttpResponse:
    """The response `render(request, template_name, {**context, "body": body, "csrf_token":
    csrf_token})` gives, for a template that draws the site (base.html) around `{{ body }}`:
    the template is drawn once per shape (`context`: a few plain values that shape the page,
    such as its title's; the URL configuration and current app) and kept, and the request's
    header, CSRF token and body are joined in. A request with messages to show, or a context
    holding anything but plain values, is drawn by render() as before."""
    context = context or {}
    template = get_template(template_name)
    shapes_it = all(isinstance(value, _SHAPING_TYPES) for value in context.values())
    processed = {}
    for processor in template.template.engine.template_context_processors:
        processed.update(processor(request))
    if not shapes_it or processed.get("messages"):
        return render(
            request,
            template_name,
            {**context, "body": mark_safe(body), "csrf_token": csrf_token},
            status=status,
        )
    constants = _frame_constants(processed)
    shape = (
        tuple(sorted(context.items())),
        tuple(sorted((k, v) for k, v in constants.items() if not isinstance(v, _StandIn))),
        current_app_of(request),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    kept = template.template.__dict__.setdefault("_backcore_frames", {})
    parts = kept.get(shape)
    if parts is None:
        parts = _draw_frame(template, request, {**constants, **context})
        if len(kept) >= FRAMES_KEPT:
            kept.pop(next(iter(kept)))
        kept[shape] = parts
    values = {
        _BODY: body,
        _CSRF: conditional_escape(csrf_token),
        _HEADER: _header_for(
            request, processed["user"], csrf_token, processed.get("notifications_unread")
        ),
    }
    return HttpResponse("".join(values.get(part, part) for part in parts), status=status)


def _draw_frame(template, request, context: dict) -> tuple[str, ...]:
    """The page around the body, split into text and slot names (each slot one part): drawn
    with no messages and stand-ins for the request, user and perms."""
    current_app = current_app_of(request)
    values = {
        **context,
        "body": mark_safe(_BODY),
        "csrf_token": _CSRF,
        "messages": (),
        "request": _StandIn("request", current_app=current_app, resolver_match=None),
        "user": _StandIn("user"),
        "perms": _StandIn("perms"),
        "notifications_unread": _StandIn("notifications_unread"),  # the header's slot has it
        _DRAWING_FRAME: True,
    }
    drawing = Context(values, autoescape=template.template.engine.autoescape)
    # `{% url %}` reverses in the request's current app, as it would with the request.
    drawing.request = values["request"]
    html = template.template.render(drawing)
    return tuple(part for part in _FRAME_SPLIT.split(html) if part)
