"""`backcore.prepared`: a read compiled once gives what the queryset gives, for any values."""

import pytest
from django.db.models import Count

from backcore.prepared import PLACEHOLDERS, Prepared, prepared
from community.models import Post, Thread
from tests.factories import CategoryFactory, MemberFactory, PostFactory, ThreadFactory

pytestmark = pytest.mark.django_db


def _threads(category_id):
    return (
        Thread.objects.filter(category_id=category_id)
        .select_related("category")
        .annotate(n_posts=Count("posts"))
        .order_by("pk")
    )


def test_a_prepared_read_gives_what_the_queryset_gives_for_other_values():
    first, second = CategoryFactory(), CategoryFactory()
    for category, n in ((first, 2), (second, 3)):
        for _ in range(n):
            thread = ThreadFactory(category=category)
            PostFactory(thread=thread, is_opening=True)
            PostFactory(thread=thread)
    read = Prepared(_threads(PLACEHOLDERS["category"]), names=("category",))
    for category in (first, second, first):
        got = read.objects(category=category.pk)
        expected = list(_threads(category.pk))
        assert [t.pk for t in got] == [t.pk for t in expected]
        assert [t.n_posts for t in got] == [2] * len(expected)
        assert all(t.category == category and t.category.name == category.name for t in got)
        assert read.count(category=category.pk) == len(expected)
    limited = read.objects(suffix=" LIMIT %s OFFSET %s", extra=[1, 1], category=second.pk)
    assert [t.pk for t in limited] == [t.pk for t in _threads(second.pk)][1:2]


def test_a_value_written_into_the_sql_is_refused():
    # Text in the SQL itself (here by RawSQL without parameters) could never be filled in.
    from django.db.models.expressions import RawSQL

    where = RawSQL(f"thread_id = {PLACEHOLDERS['thread']}", [])
    with pytest.raises(ValueError, match="written into the SQL"):
        Prepared(Post.objects.annotate(mine=where), names=("thread",))


def test_shapes_are_kept_apart_by_their_key():
    member = MemberFactory()
    mine = PostFactory(author=member)
    PostFactory()
    by_author = prepared(
        ("test.by_author",),
        lambda: Post.objects.filter(author_id=PLACEHOLDERS["member"]).order_by("pk"),
        names=("member",),
    )
    assert [p.pk for p in by_author.objects(member=member.pk)] == [mine.pk]
    assert prepared(("test.by_author",), lambda: None, names=()) is by_author


@pytest.mark.postgres
def test_ids_sent_as_one_array_are_filled_in():
    # On PostgreSQL InArray sends ids as one array literal: the placeholder must be found there
    # too, or the read would run with it and find nothing (the forum search once did). Elsewhere
    # InArray is Django's IN (…), one parameter per id: no shape of any length; refused.
    from django.db.models import F

    from backcore.bulk import InArray

    posts = [PostFactory(), PostFactory(), PostFactory()]
    read = Prepared(
        Post.objects.filter(InArray(F("pk"), PLACEHOLDERS["ids"])).order_by("pk"),
        names=("ids",),
    )
    wanted = [posts[0].pk, posts[2].pk]
    assert [p.pk for p in read.objects(ids=wanted)] == wanted


def test_a_placeholder_in_a_form_not_filled_in_is_refused():
    from django.db.models.expressions import RawSQL

    hidden = RawSQL("thread_id::text = %s", [f"x{PLACEHOLDERS['thread']}"])
    with pytest.raises(ValueError, match="form not filled in"):
        Prepared(Post.objects.annotate(mine=hidden), names=("thread",))


def _server_statements() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_a_read_planned_once_gives_what_the_queryset_gives_and_is_counted(
    django_assert_num_queries,
):
    """`plan_once`: the statement is prepared on the server once and run again with the values
    bound there; it gives the queryset's rows (timestamps in the same zone, ids as an array),
    every run is counted like any query, and Django's own cursors are left as they were."""
    from django.db import connection
    from django.db.models import F

    from backcore.bulk import InArray

    first, second = CategoryFactory(), CategoryFactory()
    for category in (first, second, first):
        PostFactory(thread=ThreadFactory(category=category), is_opening=True)
    read = Prepared(_threads(PLACEHOLDERS["category"]), names=("category",), plan_once=True)
    for category in (first, second, first):
        with django_assert_num_queries(2):
            got = read.objects(category=category.pk)
            assert read.count(category=category.pk) == len(got)
        expected = list(_threads(category.pk))
        assert [(t.pk, t.created_at, t.n_posts) for t in got] == [
            (t.pk, t.created_at, t.n_posts) for t in expected
        ]
        assert got[0].created_at.tzinfo is not None
        assert all(t.category == category for t in got)
    by_ids = Prepared(
        Post.objects.filter(InArray(F("pk"), PLACEHOLDERS["ids"])).order_by("pk"),
        names=("ids",),
        plan_once=True,
    )
    wanted = sorted(Post.objects.values_list("pk", flat=True))[1:]
    assert [p.pk for p in by_ids.objects(ids=wanted)] == wanted
    statements = _server_statements()
    assert any('"community_thread"' in text and "$1" in text for text in statements)
    assert any("ANY($1::bigint[])" in text for text in statements)
    assert connection.connection.prepare_threshold is None  # Django's setting, restored
    with connection.cursor() as cursor:  # Django's own cursors still prepare nothing
        for _ in range(6):
            cursor.execute("SELECT 1 + %s", [1])
    assert not any("SELECT 1 +" in text for text in _server_statements())


@pytest.mark.postgres
def test_a_read_planned_once_runs_again_after_a_failed_atomic_block():
    # A statement prepared before a savepoint is rolled back stays usable.
    from django.db import IntegrityError, transaction

    category = CategoryFactory()
    PostFactory(thread=ThreadFactory(category=category), is_opening=True)
    read = Prepared(_threads(PLACEHOLDERS["category"]), names=("category",), plan_once=True)
    assert len(read.objects(category=category.pk)) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryFactory(slug=category.slug)
    assert len(read.objects(category=category.pk)) == 1


@pytest.mark.postgres
def test_a_read_planned_once_is_logged_with_its_values():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    category = CategoryFactory()
    read = Prepared(_threads(PLACEHOLDERS["category"]), names=("category",), plan_once=True)
    with CaptureQueriesContext(connection) as queries:
        read.objects(category=category.pk)
    assert f'"category_id" = {category.pk}' in queries.captured_queries[0]["sql"]


def test_objects_come_with_their_rows_as_the_database_sent_them():
    # A row is a key for what is drawn from it: hashable, and different after any change.
    from exercises.models import Exercise

    read = Prepared(
        Exercise.objects.filter(slug=PLACEHOLDERS["slug"]).select_related("harder").order_by(),
        names=("slug",),
    )
    exercise = Exercise.objects.exclude(harder=None).exclude(demonstration={}).first()
    [(got, row)] = read.objects_with_rows(slug=exercise.slug)
    assert got == exercise and got.harder == exercise.harder
    assert got.demonstration == exercise.demonstration and got.name == exercise.name
    assert hash(row) == hash(read.objects_with_rows(slug=exercise.slug)[0][1])
    Exercise.objects.filter(pk=exercise.pk).update(cautions=exercise.cautions + " More.")
    [(again, changed)] = read.objects_with_rows(slug=exercise.slug)
    assert changed != row and again.cautions.endswith(" More.")
    assert read.objects_with_rows(slug="no-such-exercise") == []


def test_no_placeholder_can_be_mistaken_for_another():
    """`_holds` finds a placeholder by its text: two names sharing a value (or one's text inside
    another's) would fill or refuse the wrong parameter."""
    from backcore.prepared import PLACEHOLDERS

    texts = {
        name: [str(v) for v in (value if isinstance(value, list) else [value])]
        for name, value in PLACEHOLDERS.items()
    }
    for name, mine in texts.items():
        for other, theirs in texts.items():
            if other != name:
                assert not any(a in b for a in mine for b in theirs), (name, other)
