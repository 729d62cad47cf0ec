"""Member pages kept as rendered HTML, checked against the database on every request.

Today, Programme and Progress are each a pure function of the member's own rows (intake,
enrolment, doses, sessions and items, escalations, alerts, messages, goals, checks,
milestones, decisions, stored totals), the programme bundle, the member's day and a few
answers of the safety gate. A page is kept under a key made of all of those, where the
member's rows enter as a *fingerprint*: one query that sums a 64-bit hash of each row's
physical version (`ctid`, `xmin`) and counts the rows, table by table. Any insert, update or
delete, by any code path (a service, a bulk statement, raw SQL, the admin, a migration), gives
a row a new version, so the fingerprint changes and the page is built again. Nothing has to
remember to invalidate it: a dose, phase, pain advice or plan is never shown from an older
state than the database holds when the request begins. The safety gate itself is never
cached (views ask it before looking here).

PostgreSQL only (`xmin` and `ctid` are its row versions); elsewhere pages are built every time.
Tables that pages read must be listed in `_tables()`; a test fails when a programs model
pointing at a member is neither there nor in `NOT_SHOWN_ON_MEMBER_PAGES`.

The session player draws far less (one day's session, its items, their exercises with steps
and images) and is visited once per exercise, so it has a fingerprint of its own over exactly
those rows (`_player_tables()`; a test checks that building its body reads no other table).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

PAGE_CACHE_SECONDS = 6 * 60 * 60
PAGE_KEY = "programs:page:{page}:{member}:{digest}"


def _tables():
    """(model, the condition that picks this member's rows) for every table pages show."""
    from programs.coach_models import CoachAlert, Conversation, Message
    from programs.milestone_models import Milestone
    from programs.models import (
        EmergencyLift,
        Enrolment,
        Intake,
        MemberDose,
        PainEscalation,
        PlannedItem,
        PlannedSession,
        ProgressionDecision,
        SafetyScreen,
    )
    from programs.outcome_models import Goal, GoalRating, OutcomeCheck, RecheckSkip
    from programs.progress_models import ProgressTotals

    member = "t.member_id = %(member)s"
    return [
        (Intake, member),
        (Enrolment, member),
        (MemberDose, member),
        (SafetyScreen, member),
        (EmergencyLift, member),
        (PainEscalation, member),
        # Progress lists only the newest few decisions and no page shows anything else drawn
        # from them: hashing the whole history cost a long-standing member a third of the
        # fingerprint. A decision older than those listed changes no page.
        (ProgressionDecision, _recent_decisions()),
        (Milestone, member),
        (CoachAlert, member),
        (Conversation, member),
        (Goal, member),
        (OutcomeCheck, member),
        (RecheckSkip, member),
        (ProgressTotals, member),
        (PlannedSession, member + " AND t.date BETWEEN %(since)s AND %(until)s"),
        (
            PlannedItem,
            "t.session_id IN (SELECT s.id FROM {session} s WHERE s.member_id = %(member)s"
            " AND s.date BETWEEN %(since)s AND %(until)s)",
        ),
        (
            Message,
            "t.conversation_id IN (SELECT c.id FROM {conversation} c"
            " WHERE c.member_id = %(member)s)",
        ),
        (GoalRating, "t.goal_id IN (SELECT g.id FROM {goal} g WHERE g.member_id = %(member)s)"),
        # No exercise steps or images: only the player shows them, under its own fingerprint
        # (exercise names and figures on these pages come with the programme bundle's version).
    ]


def _recent_decisions() -> str:
    """The decisions Progress lists, in the order and number its selector reads them."""
    from programs.selectors.progress import RECENT_DECISIONS_ORDER, RECENT_DECISIONS_SHOWN

    order = ", ".join(
        f"d.{field[1:]} DESC" if field.startswith("-") else f"d.{field}"
        for field in RECENT_DECISIONS_ORDER
    )
    return (
        "t.id IN (SELECT d.id FROM {decision} d WHERE d.member_id = %(member)s"
        f" ORDER BY {order} LIMIT {int(RECENT_DECISIONS_SHOWN)})"
    )


# Programs models that point at a member but that no kept page shows.
NOT_SHOWN_ON_MEMBER_PAGES = {
    "programs.remindersettings",
    "programs.remindersent",
    "programs.calendarfeed",
}


_OF_THE_DAYS_EXERCISES = (
    "SELECT i.exercise_id FROM {item} i JOIN {session} s ON s.id = i.session_id"
    " WHERE s.member_id = %(member)s AND s.date = %(day)s"
)


def _player_tables():
    """(model, the condition that picks its rows) for everything the player's body shows: the
    day's session, its items (doses, what was logged), their exercises (name, cautions,
    figure) with steps and images. The player shows no other row (a test checks)."""
    from exercises.models import Exercise, ExerciseImage, ExerciseStep
    from programs.models import PlannedItem, PlannedSession

    return [
        (PlannedSession, "t.member_id = %(member)s AND t.date = %(day)s"),
        (
            PlannedItem,
            "t.session_id IN (SELECT s.id FROM {session} s WHERE s.member_id = %(member)s"
            " AND s.date = %(day)s)",
        ),
        # Read from their own rows, not the programme bundle: a bulk UPDATE of an exercise's
        # cautions (which bumps no bundle version) still shows at once.
        (Exercise, f"t.id IN ({_OF_THE_DAYS_EXERCISES})"),
        (ExerciseStep, f"t.exercise_id IN ({_OF_THE_DAYS_EXERCISES})"),
        (ExerciseImage, f"t.exercise_id IN ({_OF_THE_DAYS_EXERCISES})"),
    ]


# What each fingerprint covers, and the PL/pgSQL function that computes it (its parameters are
# the conditions' names with a p_ prefix).
_SCOPES = {
    "member": (_tables, "programs_member_fingerprint"),
    "player": (_player_tables, "programs_player_fingerprint"),
}


def fingerprint_models(scope: str = "member") -> list:
    tables, _function = _SCOPES[scope]
    return [model for model, _where in tables()]


@memoize
def _fingerprint_sql(scope: str = "member") -> str:
    from programs.coach_models import Conversation
    from programs.models import PlannedItem, PlannedSession, ProgressionDecision
    from programs.outcome_models import Goal

    names = {
        "decision": ProgressionDecision._meta.db_table,
        "item": PlannedItem._meta.db_table,
        "session": PlannedSession._meta.db_table,
        "conversation": Conversation._meta.db_table,
        "goal": Goal._meta.db_table,
    }
    tables, _function = _SCOPES[scope]
    parts = []
    for model, where in tables():
        table = connection.ops.quote_name(model._meta.db_table)
        condition = where.format(**names)
        parts.append(
            f"(SELECT count(*)::text || '.' || coalesce(sum(hashtextextended("
            f"t.ctid::text || t.xmin::text, 0)), 0)::text FROM {table} t WHERE {condition})"
        )
    return "SELECT concat_ws(':', " + ", ".join(parts) + ")"


def member_fingerprint(*, member_id: int, since: date, until: date) -> str | None:
    """The version of everything the member pages read for this member (sessions and their
    items only from `since` to `until`): one query. None where the database cannot say."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # The statement lives in a PL/pgSQL function (migration 0025), whose plan PostgreSQL
        # keeps per connection; `fingerprint_function_body()` is what it must compute.
        cursor.execute("SELECT programs_member_fingerprint(%s, %s, %s)", [member_id, since, until])
        return cursor.fetchone()[0]


def member_fingerprint_column(member_id):
    """`member_fingerprint` as a column of another read of the member (`member_id` an
    expression), for the window the `since` and `until` placeholders stand for: a page that
    reads the member's gate anyway gets its fingerprint in the same round trip. PostgreSQL
    only (the function lives there)."""
    from django.db.models import Func, TextField, Value

    from backcore.prepared import PLACEHOLDERS

    return Func(
        member_id,
        Value(PLACEHOLDERS["since"]),
        Value(PLACEHOLDERS["until"]),
        function=fingerprint_function_name(),
        output_field=TextField(),
    )


def fingerprint_function_name(scope: str = "member") -> str:
    return _SCOPES[scope][1]


def fingerprint_function_body(scope: str = "member") -> str:
    """The query the scope's function (`programs_member_fingerprint` for the member pages,
    `programs_player_fingerprint` for the player) must run, with its parameters' names."""
    body = _fingerprint_sql(scope)
    for name in ("member", "since", "until", "day"):
        body = body.replace(f"%({name})s", f"p_{name}")
    return body


@memoize
def code_version() -> str:
    """Pages kept by an older release are not served by a newer one: a digest of the
    templates and of the code that builds the pages, read once per process."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    # Bodies hold static addresses (hashed names) and media addresses: a release that changes
    # an asset or where they are served from draws them anew.
    digest.update(f"{settings.STATIC_URL}|{settings.MEDIA_URL}".encode())
    for folder, pattern in (
        ("templates", "**/*.html"),
        ("programs", "**/*.py"),
        ("exercises", "**/*.py"),
        ("static", "**/*"),
    ):
        for path in sorted((root / folder).glob(pattern)):
            if "migrations" not in path.parts and path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# Forms in a kept body carry this in place of the CSRF token; each response puts the
# requester's own token in its place, so a body never holds anyone's token.
CSRF_PLACEHOLDER = "csrf-token-placeholder-5b0f1c0e9d7a4e8f"


def render_body(request, template: str, context: dict) -> str:
    """A page body rendered for keeping: forms get the CSRF placeholder."""
    return render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request)


def cached_page_body(
    request,
    *,
    page: str,
    since: date,
    until: date,
    parts: tuple,
    build: Callable[[], str],
    fingerprint: str | None = None,
) -> str:
    """The page's body (`build()` renders it with `render_body`) from the cache when nothing it
    depends on has changed, else built and kept. `parts` are the request's other inputs (day,
    hour, the gate's answers); the member's fingerprint, the programme bundle's version and
    the code's version are added here. `fingerprint`: the member's for `since`–`until`, when
    it was read with another row (the gate's) in this request; else it is read here."""
    from programs.selectors.programme import programme_cache_version_with

    if fingerprint is None:
        fingerprint = member_fingerprint(member_id=request.user.pk, since=since, until=until)
    if fingerprint is None:
        return kept_body(request, page=page, versions=None, parts=parts, build=build)
    # The bundle's version is read with the kept body (one round trip) and kept beside it,
    # not in its key: the body is served only when the two are equal.
    key = _page_key(request, page=page, versions=(fingerprint,), parts=parts)
    bundle_version, kept = programme_cache_version_with(key)
    if bundle_version is not None and kept is not None and kept[0] == bundle_version:
        body = kept[1]
    else:
        body = build()
        if bundle_version is not None:  # else no version can tell when it is out of date
            cache.set(key, (bundle_version, body), timeout=PAGE_CACHE_SECONDS)
    return _with_token(request, body)


def kept_body(
    request, *, page: str, versions: tuple | None, parts: tuple, build: Callable[[], str]
) -> str:
    """The body kept under `versions` (of everything it shows, e.g. a fingerprint), the code's
    version and `parts`; built and kept when missing. `versions` None: the database cannot
    say what changed, so it is built every time."""
    if versions is None:
        body = build()
    else:
        key = _page_key(request, page=page, versions=versions, parts=parts)
        body = cache.get(key)
        if body is None:
            body = build()
            cache.set(key, body, timeout=PAGE_CACHE_SECONDS)
    return _with_token(request, body)


def _page_key(request, *, page: str, versions: tuple, parts: tuple) -> str:
    raw = "|".join(str(p) for p in (code_version(), *versions, *parts))
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return PAGE_KEY.format(page=page, member=request.user.pk, digest=digest)


def _with_token(request, body: str) -> str:
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, _csrf_token(request))
    return body


def _csrf_token(request) -> str:
    """The requester's CSRF token, masked once per response: the body's forms and the page
    around it carry the same one (each mask costs 32 random characters)."""
    token = getattr(request, "_kept_page_csrf_token", None)
    if token is None:
        token = request._kept_page_csrf_token = get_token(request)
    return token


def render_kept(request, template: str, body: str, context: dict | None = None, *, status=200):
    """The response for a kept body: `template` draws the site around it (kept per shape too:
    backcore.layout.framed_page; `context` holds the few values that shape it)."""
    from backcore.layout import framed_page

    return framed_page(
        request,
        template,
        body=body,
        csrf_token=_csrf_token(request),
        context=context,
        status=status,
    )


def hour_of(now: datetime) -> str:
    """Windows such as 'alerts of the last two weeks' move with the clock: a kept page lasts
    at most until the hour turns."""
    return now.strftime("%Y-%m-%dT%H")
