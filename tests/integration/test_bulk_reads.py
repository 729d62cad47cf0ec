"""Set-based reads for batch jobs (backcore.bulk): `InArray` and `rows_fetch` give exactly what
Django's `__in` and iteration give; on PostgreSQL the ids travel as one array parameter."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from backcore.bulk import InArray, rows_fetch
from programs.models import ProgressionRun, ProgressionRunChunk
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_in_array_selects_what_in_selects():
    first, second, third = MemberFactory(), MemberFactory(), MemberFactory()
    wanted = [first.pk, third.pk, third.pk + 10_000]
    with CaptureQueriesContext(connection) as queries:
        found = list(User.objects.filter(InArray(F("pk"), wanted)).order_by("pk"))
    assert found == list(User.objects.filter(pk__in=wanted).order_by("pk")) == [first, third]
    assert second not in found
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
    else:
        assert " IN (" in sql
    assert list(User.objects.filter(InArray(F("pk"), []))) == []


def test_in_array_on_a_foreign_key_and_excluded():
    run = ProgressionRun.objects.create()
    other = ProgressionRun.objects.create()
    for number, owner in enumerate([run, other, run]):
        ProgressionRunChunk.objects.create(run=owner, number=number, week_start=date(2026, 11, 16))
    chunks = ProgressionRunChunk.objects.order_by("number")
    assert list(chunks.filter(InArray(F("run_id"), [run.pk])).values_list("number", flat=True)) == [
        0,
        2,
    ]
    assert list(
        chunks.exclude(InArray(F("run_id"), [run.pk])).values_list("number", flat=True)
    ) == [1]


def test_rows_fetch_gives_the_rows_django_gives():
    run = ProgressionRun.objects.create()
    ProgressionRunChunk.objects.create(
        run=run, number=0, week_start=date(2026, 11, 16), enrolment_ids=[3, 1, 2]
    )
    ProgressionRunChunk.objects.create(run=run, number=1, week_start=date(2026, 11, 23))
    MemberFactory.create_batch(3)
    plain = User.objects.order_by("pk").values_list("pk", "email", "is_active", "date_joined")
    assert rows_fetch(plain) == list(plain)
    assert [type(value) for value in rows_fetch(plain)[0]] == [type(v) for v in list(plain)[0]]
    # A JSON column needs Django's converter: read through Django, same result.
    with_json = ProgressionRunChunk.objects.order_by("number").values_list(
        "enrolment_ids", "week_start"
    )
    assert (
        rows_fetch(with_json)
        == list(with_json)
        == [
            ([3, 1, 2], date(2026, 11, 16)),
            ([], date(2026, 11, 23)),
        ]
    )
    assert rows_fetch(User.objects.filter(InArray(F("pk"), [])).values_list("pk")) == []
    assert rows_fetch(User.objects.filter(pk__in=[]).values_list("pk")) == []


def test_rows_fetch_reads_tuples_only():
    with pytest.raises(TypeError):
        rows_fetch(User.objects.all())
    with pytest.raises(TypeError):
        rows_fetch(User.objects.values("pk"))
