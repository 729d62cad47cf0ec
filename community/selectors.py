"""Community reads. Each selector knows its joins so pages run a constant number of queries."""

from datetime import datetime
from typing import NamedTuple

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import mark_safe

from backcore.accounts.names import public_name_of
from backcore.prepared import PLACEHOLDERS, planned_cursor, prepared
from community.models import (
    Category,
    CategoryWatch,
    Post,
    PostRevision,
    Reaction,
    Report,
    Thread,
    ThreadRead,
    ThreadWatch,
)
from community.permissions import is_moderator

THREADS_PER_PAGE = 20
# A listing names the latest post's author and links to it: its text is never read there.
_LAST_POST_TEXT = ("last_post__body", "last_post__body_html")
POSTS_PER_PAGE = 20
SEARCH_PER_PAGE = 20


def category_list() -> list[Category]:
    """Every category with its latest post and that post's thread (compiled once per process)."""
    read = prepared(
        ("community.category_list",),
        lambda: (
            Category.objects.select_related("last_post__thread")
            .defer(*_LAST_POST_TEXT)
            .order_by("order", "name")
        ),
        names=(),
        plan_once=True,
    )
    return read.objects()


def category_get(*, slug: str) -> Category | None:
    read = prepared(
        ("community.category_get",),
        lambda: Category.objects.filter(slug=PLACEHOLDERS["slug"]).order_by(),
        names=("slug",),
        plan_once=True,
    )
    found = read.objects(slug=str(slug))
    return found[0] if found else None


def _count_per_outer_row(rows: QuerySet, *, of: str):
    """How many of `rows` have `of` = the outer row, as a subquery (0 when none).

    COUNT(*), not COUNT(id): the rows are then counted from an index alone where one holds
    every column the rule reads (`community_thread_counted`, `community_post_counted`), without
    visiting the table's pages (a 1,000-post thread's count was most of its page's PostgreSQL
    time)."""
    from django.db.models.functions import Coalesce

    counted = (
        rows.filter(**{of: OuterRef("pk")}).order_by().values(of).annotate(n=Count("*"))
    ).values("n")
    return Coalesce(Subquery(counted), 0)


def _category_page_queryset(*, slug, user) -> QuerySet[Category]:
    watches = CategoryWatch.objects.filter(category_id=OuterRef("pk"), member=user)
    return (
        Category.objects.filter(slug=slug)
        .annotate(
            is_watching=Exists(watches),
            listed_threads=_count_per_outer_row(visible_threads(user=user), of="category_id"),
        )
        .order_by()
    )


def category_page(*, slug: str, user) -> Category | None:
    """The category for its own page, in one read: whether this person watches it
    (`is_watching`) and how many of its threads they may open (`listed_threads`, the count
    `thread_list` pages through, by the same rule). Compiled once per process and shape."""
    moderator = is_moderator(user)
    read = prepared(
        ("community.category_page", moderator),
        lambda: _category_page_queryset(slug=PLACEHOLDERS["slug"], user=_viewer(moderator)),
        names=("slug", "member"),
        plan_once=True,
    )
    found = read.objects(slug=str(slug), member=user.pk)
    return found[0] if found else None


def visible_threads(*, user) -> QuerySet[Thread]:
    """Threads a person may open: coaches see all; members see approved (or their own
    unapproved) threads that no coach has hidden."""
    threads = Thread.objects.all()
    if not is_moderator(user):
        threads = threads.filter(Q(is_approved=True) | Q(author=user), is_hidden=False)
    return threads


def visible_posts(*, user) -> QuerySet[Post]:
    """Posts that take a place in a thread's listing. Hidden and deleted posts keep their place
    as a tombstone (the template prints no text for them), so this is for listings only: any
    view that takes a post id uses `post_get` / `readable_posts`."""
    posts = Post.objects.all()
    if not is_moderator(user):
        posts = posts.filter(Q(is_approved=True) | Q(author=user))
    return posts


def readable_posts(*, user) -> QuerySet[Post]:
    """Posts a person may reach by id (permalink, quote, edit, delete, react, report).

    Members: approved (or their own pending) posts, neither hidden by a coach nor deleted by
    their author, in a thread they may open. Coaches: every post, so they can moderate."""
    posts = visible_posts(user=user).filter(thread__in=visible_threads(user=user))
    if not is_moderator(user):
        posts = posts.filter(is_hidden=False, is_deleted=False)
    return posts


class ListedThread(NamedTuple):
    """One line of a category's thread list: the values it shows, as read (no model instance:
    building 20 threads and their latest posts cost more than drawing the kept lines)."""

    pk: int
    title: str
    author_name: str
    reply_count: int
    is_pinned: bool
    is_locked: bool
    is_hidden: bool
    is_approved: bool
    last_post_at: datetime
    last_post_id: int | None
    last_post_author: str | None
    last_read_at: datetime | None  # this viewer's, None: never opened


def _thread_list_queryset(*, category_id, user) -> QuerySet[Thread]:
    reads = ThreadRead.objects.filter(thread=OuterRef("pk"), member=user)
    return (
        visible_threads(user=user)
        .filter(category_id=category_id)
        .annotate(last_read_at=Subquery(reads.values("last_read_at")[:1]))
        .order_by("-is_pinned", "-last_post_at", "-pk")
        .values_list(
            "pk",
            "title",
            "author_name",
            "reply_count",
            "is_pinned",
            "is_locked",
            "is_hidden",
            "is_approved",
            "last_post_at",
            "last_post_id",
            "last_post__author_name",
            "last_read_at",
        )
    )


def thread_list(*, category: Category, user, page) -> Page:
    """A page of the category's threads this person may open (`ListedThread`s); counted by
    `category_page` when the category came from there."""
    moderator = is_moderator(user)
    return _prepared_page(
        count=getattr(category, "listed_threads", None),
        key=("community.thread_list", moderator),
        build=lambda: _thread_list_queryset(
            category_id=PLACEHOLDERS["category"], user=_viewer(moderator)
        ),
        names=("category", "member"),
        per_page=THREADS_PER_PAGE,
        page=page,
        make=ListedThread._make,
        category=category.pk,
        member=user.pk,
    )


def _viewer(moderator: bool):
    """A stand-in viewer for compiling a read once (`backcore.prepared`): the placeholder
    member id, moderator or not (the two shapes a forum read takes)."""
    from backcore.accounts.models import User

    viewer = User(pk=PLACEHOLDERS["member"])
    viewer._community_moderator = moderator
    return viewer


def _thread_get_queryset(*, thread_id, user, count_posts: bool = False) -> QuerySet[Thread]:
    threads = visible_threads(user=user)
    if count_posts:
        threads = threads.annotate(
            listed_posts=_count_per_outer_row(visible_posts(user=user), of="thread_id")
        )
    return (
        threads.select_related("category")
        .annotate(
            is_watching=Exists(ThreadWatch.objects.filter(thread=OuterRef("pk"), member=user)),
            last_read_at=Subquery(
                ThreadRead.objects.filter(thread=OuterRef("pk"), member=user).values(
                    "last_read_at"
                )[:1]
            ),
        )
        .filter(pk=thread_id)
        .order_by()
    )


def thread_get(*, thread_id: int, user, count_posts: bool = False) -> Thread | None:
    """The thread if this person may open it, with their watch and read state (None: 404), and
    with `count_posts` how many of its posts take a place in their listing (`listed_posts`, the
    count `thread_posts` pages through, by the same rule). Compiled once per process and shape
    (moderator or not, counting or not), run with this thread and member."""
    moderator = is_moderator(user)
    read = prepared(
        ("community.thread_get", moderator, count_posts),
        lambda: _thread_get_queryset(
            thread_id=PLACEHOLDERS["thread"], user=_viewer(moderator), count_posts=count_posts
        ),
        names=("thread", "member"),
        plan_once=True,
    )
    found = read.objects(thread=int(thread_id), member=user.pk)
    return found[0] if found else None


def _reaction_counts(user) -> dict:
    annotations = {}
    for kind in Reaction.Kind.values:
        annotations[f"n_{kind}"] = Count("reactions", filter=Q(reactions__kind=kind))
        annotations[f"mine_{kind}"] = Count(
            "reactions", filter=Q(reactions__kind=kind, reactions__member=user)
        )
    return annotations


def post_with_reactions(*, post: Post, user) -> Post:
    return Post.objects.annotate(**_reaction_counts(user)).get(pk=post.pk)


def _attach_reaction_counts(posts: list[Post], user) -> None:
    """Reaction counts (and the member's own) for these posts only: one grouped query."""
    for post in posts:
        for kind in Reaction.Kind.values:
            setattr(post, f"n_{kind}", 0)
            setattr(post, f"mine_{kind}", 0)
    by_pk = {post.pk: post for post in posts}
    if not by_pk:
        return
    # Plain SQL: the ORM's grouped query cost more CPU to build than the page's rendering of it.
    # One statement for any number of posts (the ids as one array), planned once a connection.
    table = connection.ops.quote_name(Reaction._meta.db_table)
    if connection.vendor == "postgresql":
        where, params = "post_id = ANY(%s)", [list(by_pk)]
    else:
        where, params = f"post_id IN ({', '.join(['%s'] * len(by_pk))})", list(by_pk)
    with planned_cursor() as cursor:
        cursor.execute(
            f"SELECT post_id, kind, COUNT(*), SUM(CASE WHEN member_id = %s THEN 1 ELSE 0 END)"
            f" FROM {table} WHERE {where} GROUP BY post_id, kind",
            [user.pk, *params],
        )
        rows = cursor.fetchall()
    for post_id, kind, n, mine in rows:
        post = by_pk[post_id]
        setattr(post, f"n_{kind}", n)
        setattr(post, f"mine_{kind}", int(mine or 0))


class _CountedPaginator(Paginator):
    """A paginator whose count is already known (one query counted it)."""

    def __init__(self, *, count: int, per_page: int):
        super().__init__([], per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _prepared_page(
    *,
    key: tuple,
    build,
    names,
    per_page: int,
    page,
    count: int | None = None,
    counted=None,
    make=None,
    **values,
) -> Page:
    """Page `page` of the read `build(**placeholders)` (ordered), as `Paginator.get_page` gives
    it (a bad number: the first page; past the end: the last), with the count and the page's
    rows from reads compiled once per process (`backcore.prepared`).

    A page in the second half is read from the end, in the reverse order, and turned back: the
    last page of a 1,000-post thread reads its 20 rows instead of stepping over 980 (an OFFSET
    still reads every row it skips). `count`: the number of rows, when another read counted them
    (under the same rule). `make`: what each row becomes, for a read of values (else model
    instances). `counted`: the same rows' read to count them by, when `build` joins what only
    the shown rows need."""
    if count is None:
        counting = prepared(
            (*key, "count"),
            lambda: (counted or build)().order_by().values("pk"),
            names=names,
            plan_once=True,
        )
        count = counting.count(**values)
    paginator = _CountedPaginator(count=count, per_page=per_page)
    try:
        number = paginator.validate_number(page)
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    count, offset = paginator.count, (number - 1) * per_page
    if not count:
        return Page([], number, paginator)
    if offset * 2 <= count:
        read = prepared((*key, "list"), build, names=names, plan_once=True)
        limit = [per_page, offset]
    else:
        read = prepared(
            (*key, "list-backwards"), lambda: build().reverse(), names=names, plan_once=True
        )
        size = min(per_page, count - offset)
        limit = [size, count - offset - size]
    if make is None:
        rows = read.objects(suffix=" LIMIT %s OFFSET %s", extra=limit, **values)
    else:
        rows = [make(row) for row in read.rows(suffix=" LIMIT %s OFFSET %s", extra=limit, **values)]
    if offset * 2 > count:
        rows.reverse()
    return Page(rows, number, paginator)


def _reactions_summed(*, member) -> RawSQL:
    """Per post, its reactions counted by kind with the member's own, as one text of
    'kind count mine' items joined by ',' (NULL: none), read with the post itself (PostgreSQL;
    by the `post_id` index, for the page's posts only)."""
    from django.db.models import TextField

    table = connection.ops.quote_name(Reaction._meta.db_table)
    post = connection.ops.quote_name(Post._meta.db_table)
    return RawSQL(
        "(SELECT string_agg(s.kind || ' ' || s.n || ' ' || s.mine, ',') FROM"
        " (SELECT r.kind, count(*) AS n, count(*) FILTER (WHERE r.member_id = %s) AS mine"
        f" FROM {table} r WHERE r.post_id = {post}.id GROUP BY r.kind) s)",
        [member],
        output_field=TextField(),
    )


_NO_REACTIONS = {name: 0 for kind in Reaction.Kind.values for name in (f"n_{kind}", f"mine_{kind}")}


class ListedPost:
    """One post of a thread page: the fields it shows, as read, with its reaction counts
    (`n_<kind>`) and this member's own (`mine_<kind>`); no model instance (building 20 posts
    cost more than drawing their kept fragments)."""

    pk: int

    @property
    def has_badge(self) -> bool:
        return self.badge_streak_days is not None


_LISTED_POST_FIELDS = (
    "pk",
    "author_id",
    "author_name",
    "body_html",  # the page shows the drawn body; its Markdown is for editing
    "created_at",
    "edited_at",
    "is_approved",
    "is_deleted",
    "is_hidden",
    "hidden_reason",
    "badge_streak_days",
    "badge_phase_name",
)


def _listed_post(row) -> ListedPost:
    post = ListedPost()
    fields = post.__dict__
    fields.update(_NO_REACTIONS)
    fields.update(zip(_LISTED_POST_FIELDS, row, strict=False))  # `reactions_summed` may follow
    if len(row) > len(_LISTED_POST_FIELDS) and row[-1]:  # `reactions_summed`
        for item in row[-1].split(","):
            kind, n, mine = item.split(" ")
            fields[f"n_{kind}"], fields[f"mine_{kind}"] = int(n), int(mine)
    return post


def _thread_posts_queryset(*, thread_id, user) -> QuerySet[Post]:
    posts = visible_posts(user=user).filter(thread_id=thread_id).order_by("created_at", "pk")
    if connection.vendor == "postgresql":
        posts = posts.annotate(reactions_summed=_reactions_summed(member=user.pk))
        return posts.values_list(*_LISTED_POST_FIELDS, "reactions_summed")
    return posts.values_list(*_LISTED_POST_FIELDS)


def thread_posts(*, thread: Thread, user, page) -> Page:
    """One page of a thread (`ListedPost`s): the posts by the (thread, created_at) index, each
    with its reactions counted (and this member's own) in the same read, for those 20 posts
    only (never a GROUP BY over the whole thread). Counted by `thread_get` when the thread came
    from there with `count_posts`."""
    moderator = is_moderator(user)
    result = _prepared_page(
        count=getattr(thread, "listed_posts", None),
        key=("community.thread_posts", moderator),
        build=lambda: _thread_posts_queryset(
            thread_id=PLACEHOLDERS["thread"], user=_viewer(moderator)
        ),
        names=("thread", "member"),
        per_page=POSTS_PER_PAGE,
        page=page,
        make=_listed_post,
        thread=thread.pk,
        member=user.pk,
    )
    if connection.vendor != "postgresql":
        _attach_reaction_counts(result.object_list, user)
    return result


def post_page_number(*, post: Post, user) -> int:
    before = (
        visible_posts(user=user)
        .filter(thread_id=post.thread_id)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )
    return before // POSTS_PER_PAGE + 1


def post_get(*, post_id: int, user) -> Post | None:
    """The one way every view fetches a post by id; None means 404."""
    return readable_posts(user=user).select_related("thread__category").filter(pk=post_id).first()


def post_revisions(*, post: Post) -> QuerySet[PostRevision]:
    return PostRevision.objects.filter(post=post).order_by("-created_at")


MODERATION_PER_PAGE = 25


class ReportCard(NamedTuple):
    """An open report as the moderation queue shows it: plain values, no model instances
    (building a report, its post, thread, reporter and profile cost a page more than drawing it)."""

    pk: int
    reason: str
    created_at: datetime
    reporter_id: int | None
    reporter_display_name: str | None
    post_id: int
    post_author_name: str
    post_is_hidden: bool
    thread_title: str
    body_html: str

    @property
    def reporter_name(self) -> str | None:
        """The name members see for the reporter; None once their account is gone."""
        if self.reporter_id is None:
            return None
        return public_name_of(member_id=self.reporter_id, display_name=self.reporter_display_name)


class PendingCard(NamedTuple):
    """A post awaiting approval as the moderation queue shows it (plain values)."""

    pk: int
    author_name: str
    created_at: datetime
    thread_title: str
    category_name: str
    body_html: str


_REPORT_CARD_COLUMNS = (
    "pk",
    "reason",
    "created_at",
    "reporter_id",
    "reporter__profile__display_name",
    "post_id",
    "post__author_name",
    "post__is_hidden",
    "post__thread__title",
    "post__body_html",
)
_PENDING_CARD_COLUMNS = (
    "pk",
    "author_name",
    "created_at",
    "thread__title",
    "thread__category__name",
    "body_html",
)


def open_reports() -> QuerySet[Report]:
    """Open reports, oldest first (by the partial index `community_report_open`)."""
    return Report.objects.filter(status=Report.Status.OPEN).order_by("created_at", "id")


def pending_posts() -> QuerySet[Post]:
    """Posts awaiting approval, oldest first (by the partial index `community_post_pending`)."""
    return Post.objects.filter(is_approved=False, is_hidden=False, is_deleted=False).order_by(
        "created_at", "id"
    )


def moderation_queue(*, pending_page=1, reports_page=1) -> dict:
    """A page of open reports and a page of posts awaiting approval, as `Paginator.get_page`
    gives them, each counted and read by SQL compiled once per process (partial indexes keep
    both cheap however long the forum's history)."""
    return {
        "reports": _prepared_page(
            key=("community.open_reports",),
            build=lambda: open_reports().values_list(*_REPORT_CARD_COLUMNS),
            counted=open_reports,
            names=(),
            per_page=MODERATION_PER_PAGE,
            page=reports_page,
            make=ReportCard._make,
        ),
        "pending": _prepared_page(
            key=("community.pending_posts",),
            build=lambda: pending_posts().values_list(*_PENDING_CARD_COLUMNS),
            counted=pending_posts,
            names=(),
            per_page=MODERATION_PER_PAGE,
            page=pending_page,
            make=PendingCard._make,
        ),
    }


MARK_START, MARK_STOP = "\x02", "\x03"


def _highlight(text: str) -> str:
    """Escape a headline from Postgres and only then turn the markers into <mark>."""
    safe = escape(text.replace(MARK_START, "\ue000").replace(MARK_STOP, "\ue001"))
    return mark_safe(safe.replace("\ue000", "<mark>").replace("\ue001", "</mark>"))


def _contains_snippet(body: str, query: str, width: int = 90) -> str:
    lower, needle = body.lower(), query.lower()
    at = lower.find(needle)
    if at < 0:
        snippet = body[: width * 2]
        return escape(snippet) + ("…" if len(body) > len(snippet) else "")
    start, end = max(at - width, 0), min(at + len(needle) + width, len(body))
    return _highlight(
        ("…" if start else "")
        + body[start:at]
        + MARK_START
        + body[at : at + len(needle)]
        + MARK_STOP
        + body[at + len(needle) : end]
        + ("…" if end < len(body) else "")
    )


SEARCH_COUNT_CAP = 1_000  # "more than 1,000 results": nobody pages that far


class CappedPaginator(Paginator):
    """Counts at most `cap` matches (a LIMITed count), so a common word never counts them all.
    `capped` tells the page to say "more than …"."""

    def __init__(self, object_list, per_page, *, count_from, cap: int = SEARCH_COUNT_CAP):
        super().__init__(object_list, per_page)
        self._count_from = count_from
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self._count_from.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _stored_search_vector():
    """The tsvector the database keeps per post (thread title A + body B; see migration 0004)."""
    from django.contrib.postgres.search import SearchVectorField

    return RawSQL('"community_post"."search_vector"', [], output_field=SearchVectorField())


class _RankedPaginator(Paginator):
    """A paginator over a ranked result whose (capped) size one query already returned."""

    def __init__(self, *, count: int, per_page: int, cap: int):
        super().__init__([], per_page)
        self._known_count = count
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self._known_count

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _searchable_posts(*, user) -> QuerySet[Post]:
    threads = visible_threads(user=user).filter(is_approved=True, is_hidden=False)
    return Post.objects.filter(
        is_approved=True, is_hidden=False, is_deleted=False, thread__in=threads
    ).select_related("thread__category")


def _search_query(query: str):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(query, config="english", search_type="websearch")


def _latest_matches(*, query: str, user, cap: int) -> QuerySet:
    """The latest `cap` + 1 readable posts matching `query`, with their rank."""
    from django.contrib.postgres.search import SearchRank

    search = _search_query(query)
    return (
        _searchable_posts(user=user)
        .annotate(document=_stored_search_vector())
        .filter(document=search)
        .annotate(rank=SearchRank(F("document"), search))
        .order_by("-created_at", "-pk")
        .values("pk", "created_at", "rank")[: cap + 1]
    )


class SearchResult:
    """One result of a search, as the results page draws it: read as plain values (model
    instances of a post, its thread and its category cost a results page more than its query).
    `thread.title` and `thread.category.name` as on a post."""

    __slots__ = (
        "pk",
        "thread_id",
        "author_name",
        "created_at",
        "body",
        "headline",
        "snippet",
        "thread",
    )

    def __init__(self, pk, thread_id, author_name, created_at, body, title, category, headline):
        self.pk, self.thread_id, self.author_name = pk, thread_id, author_name
        self.created_at, self.body, self.headline = created_at, body, headline
        self.snippet = None
        self.thread = _ResultThread(title, category)

    @property
    def id(self) -> int:
        return self.pk


class _ResultThread:
    __slots__ = ("title", "category")

    def __init__(self, title, category_name):
        self.title = title
        self.category = _ResultCategory(category_name)


class _ResultCategory:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


def _shown_matches(*, ids, query: str, kept, user) -> QuerySet:
    """The posts of a result page, by id, that this person may still find (the rule of
    `_searchable_posts` again: a page kept since, or ranked a moment before a coach hid a post,
    never shows it), with what a result shows: each post's body, and its headline unless its id
    is in `kept` (a headline this process made for that post, query and body already:
    `_SNIPPETS`)."""
    from django.contrib.postgres.search import SearchHeadline
    from django.db.models import Case, TextField, Value, When

    from backcore.bulk import InArray

    headline = SearchHeadline(
        "body",
        _search_query(query),
        config="english",
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        max_words=35,
        min_words=15,
    )
    return (
        _searchable_posts(user=user)
        .filter(InArray(F("pk"), ids))
        .annotate(
            headline=Case(
                When(InArray(F("pk"), kept), then=Value(None)),
                default=headline,
                output_field=TextField(),
            )
        )
        .order_by()
        .values_list(*_SHOWN_COLUMNS, "headline")
    )


_SHOWN_COLUMNS = (
    "pk",
    "thread_id",
    "author_name",
    "created_at",
    "body",
    "thread__title",
    "thread__category__name",
)


# Headlines made, by (post, query): (the body it was made of, its snippet: the headline
# escaped and marked). A headline cost PostgreSQL about 50 microseconds a post, half the cost of
# a results page after its ranking; one kept is used only while the post's body is still the one
# it was made of.
_SNIPPETS: dict[tuple[int, str], tuple[str, str]] = {}
SNIPPETS_KEPT = 4_096


def _keep_snippet(key: tuple[int, str], body: str, snippet: str) -> None:
    if key not in _SNIPPETS and len(_SNIPPETS) >= SNIPPETS_KEPT:
        _SNIPPETS.pop(next(iter(_SNIPPETS)))  # the oldest makes room
    _SNIPPETS[key] = (body, snippet)


def _with_headlines(*, ids: list[int], query: str, user) -> list[SearchResult]:
    """The posts `ids` (in no order) this person may still find, each with its snippet, made by
    PostgreSQL only for the posts whose headline for this query is not kept (or whose body
    changed since)."""
    moderator = is_moderator(user)
    shown = prepared(
        ("community.search_shown", moderator),
        lambda: _shown_matches(
            ids=PLACEHOLDERS["ids"],
            query=PLACEHOLDERS["query"],
            kept=PLACEHOLDERS["kept"],
            user=_viewer(moderator),
        ),
        names=("ids", "query", "kept", "member"),
        plan_once=True,
    )
    kept = [pk for pk in ids if (pk, query) in _SNIPPETS]
    results = [
        SearchResult(*row) for row in shown.rows(ids=ids, query=query, kept=kept, member=user.pk)
    ]
    changed = []
    for result in results:
        key = (result.pk, query)
        if result.headline is None:
            body, snippet = _SNIPPETS.get(key, (None, None))
            if body == result.body:
                result.snippet = snippet
            else:  # edited (or dropped from what is kept) since: made anew below
                changed.append(result)
        else:
            result.snippet = _highlight(result.headline)
            _keep_snippet(key, result.body, result.snippet)
    if changed:
        made = {
            row[0]: SearchResult(*row)
            for row in shown.rows(ids=[r.pk for r in changed], query=query, kept=[], member=user.pk)
        }
        for result in changed:
            fresh = made.get(result.pk)
            if fresh is None:  # gone since the first read
                _SNIPPETS.pop((result.pk, query), None)
                results.remove(result)
                continue
            result.body, result.snippet = fresh.body, _highlight(fresh.headline)
            _keep_snippet((result.pk, query), fresh.body, result.snippet)
    return results


# Ranked result pages kept per process, by (query, moderator or not, page number): (the forum
# search version they were ranked at, their ids, the capped count). What a member finds does
# not depend on who they are (`_searchable_posts`), so one member's ranking serves the next,
# until the database moves the version (migration 0009: any change search could show), to a
# number it never had before, even after a restore from a backup (0011): a version names one
# state of what search shows.
_RANKED: dict[tuple[str, bool, int], tuple[int, list[int], int]] = {}
RANKED_KEPT = 1_024
_ranked_version = [0]  # the newest version kept under: pages kept under an older one are dropped

# The version, and whether this transaction changed what search shows (it then ranks afresh:
# the version moves only at its commit). Prepared once per connection.
_SEARCH_VERSION = (
    "SELECT (SELECT version FROM community_search_version WHERE id = 1),"
    " coalesce(current_setting('community.search_changed', true), '') <> ''"
)


def _search_version() -> tuple[int | None, bool]:
    with planned_cursor() as cursor:
        cursor.execute(_SEARCH_VERSION)
        return cursor.fetchone()


def _ranked_page(
    *, query: str, user, number: int, at: tuple[int | None, bool]
) -> tuple[list[int], int]:
    """(ids of page `number`, count up to SEARCH_COUNT_CAP + 1): kept from an earlier search
    while the forum search version stands (`at`: `_search_version()`, read before: a ranking
    made after it is at least as fresh as it), else one query over the latest
    SEARCH_COUNT_CAP + 1 matches.

    The matches are read newest first (by `community_post_recent` for a common word, the GIN
    index for a rare one) and cut there, so a word in every other post costs no more than a
    word in a thousand; only those are ranked (`ts_rank` over the stored vector), a top-N sort
    picks the page and a window counts them alongside. Compiled once per process and shape."""
    moderator, cap = is_moderator(user), SEARCH_COUNT_CAP
    key = (query, moderator, number)
    kept = _RANKED.get(key)
    version, changed = at
    if kept is not None and version == kept[0] and not changed:
        return kept[1], kept[2]
    latest = prepared(
        ("community.search_latest", moderator, cap),
        lambda: _latest_matches(query=PLACEHOLDERS["query"], user=_viewer(moderator), cap=cap),
        names=("query",) if moderator else ("query", "member"),
    )
    rows = latest.rows(
        around="SELECT m.pk, count(*) OVER () FROM ({sql}) AS m "
        "ORDER BY m.rank DESC, m.created_at DESC, m.pk DESC LIMIT %s OFFSET %s",
        extra=[SEARCH_PER_PAGE, (number - 1) * SEARCH_PER_PAGE],
        query=query,
        member=user.pk,
    )
    ids, count = [row[0] for row in rows], (rows[0][1] if rows else 0)
    if version is not None and not changed:
        if version > _ranked_version[0]:
            _RANKED.clear()
            _ranked_version[0] = version
        if version == _ranked_version[0]:
            if key not in _RANKED and len(_RANKED) >= RANKED_KEPT:
                _RANKED.pop(next(iter(_RANKED)))  # the oldest makes room
            _RANKED[key] = (version, ids, count)
    return ids, count


def search_posts(*, query: str, user, page) -> Page:
    """Postgres: full-text search (English stemming) on the stored, GIN-indexed vector. The
    latest SEARCH_COUNT_CAP + 1 matches are ranked (all of them for any but a very common word) and
    the best 20 shown, with highlighted snippets for those 20 only; the count stops at
    SEARCH_COUNT_CAP. Whatever the number of posts: the forum search version, the ranking
    unless the page ranked at that version is kept (what a member finds does not depend on who
    they are), and the shown posts, read again by id under the same rule; each compiled once per
    process. Results are `SearchResult`s.
    Elsewhere (SQLite in development): a plain case-insensitive contains search."""
    query = query.strip()[:200]
    if not query:
        return Paginator(Post.objects.none(), SEARCH_PER_PAGE).get_page(1)
    if connection.vendor == "postgresql":
        try:
            number = max(int(page), 1)
        except (TypeError, ValueError):
            number = 1
        # Only the capped matches are ranked: no page lies past them (a 40-digit page number
        # must not reach the database's OFFSET).
        number = min(number, SEARCH_COUNT_CAP // SEARCH_PER_PAGE + 1)
        at = _search_version()
        ids, count = _ranked_page(query=query, user=user, number=number, at=at)
        if not ids and number > 1:  # past the end: the last page, as Paginator.get_page does
            _none, count = _ranked_page(query=query, user=user, number=1, at=at)
            number = max((count - 1) // SEARCH_PER_PAGE + 1, 1)
            ids, count = _ranked_page(query=query, user=user, number=number, at=at)
        paginator = _RankedPaginator(count=count, per_page=SEARCH_PER_PAGE, cap=SEARCH_COUNT_CAP)
        results = []
        if ids:
            # those 20 by id, only while this person may still find them
            shown = _with_headlines(ids=ids, query=query, user=user)
            by_pk = {result.pk: result for result in shown}
            results = [by_pk[pk] for pk in ids if pk in by_pk]
        return Page(results, number, paginator)
    posts = (
        _searchable_posts(user=user)
        .filter(Q(body__icontains=query) | Q(thread__title__icontains=query))
        .order_by("-created_at", "-pk")
    )
    result = CappedPaginator(
        posts, SEARCH_PER_PAGE, count_from=posts, cap=SEARCH_COUNT_CAP
    ).get_page(page)
    for post in result:
        post.snippet = _contains_snippet(post.body, query)
    return result


def post_ids_awaiting_notifications(*, posted_before, posted_after) -> list[int]:
    """Published posts whose notifications were never made (their task was not sent or lost)."""
    return list(
        Post.objects.filter(
            notified_at__isnull=True,
            created_at__lt=posted_before,
            created_at__gte=posted_after,
            is_approved=True,
            is_hidden=False,
            is_deleted=False,
            thread__is_hidden=False,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def milestone_share_get(*, user, milestone_id: int):
    """`(milestone, share or None)` for one of the member's own programme milestones, or None
    when it is not theirs (programs.selectors says which are)."""
    from community.models import MilestoneShare
    from programs import selectors as programs_selectors

    milestone = programs_selectors.milestone_for_share(member=user, milestone_id=milestone_id)
    if milestone is None:
        return None
    share = (
        MilestoneShare.objects.filter(milestone_id=milestone.id, member=user)
        .select_related("thread")
        .first()
    )
    return milestone, share
