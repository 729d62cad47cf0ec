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
