"""Every admin list a coach or an administrator opens costs the same number of queries with a
few rows as with many: each list reads its related rows in the same query (or one prefetch),
never one query per row. Models are read from the admin site, so a model registered later is
checked too."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from community.models import Category
from exercises.models import Exercise, ExerciseTag
from payments.models import SuggestedAmount
from programs.models import PoolEntry, ProgrammeEdit, ProgressionRun
from tests.factories import CoachFactory
from tests.support.admin_rows import (
    admin_url,
    member_with_a_bit_of_everything,
    viewable_admins,
)

pytestmark = pytest.mark.django_db
# Written by coaches and operators, not by members' use: a few dozen rows, read whole.
SMALL_BY_NATURE = {
    Group,
    Category,
    Exercise,
    ExerciseTag,
    PoolEntry,
    ProgrammeEdit,
    ProgressionRun,  # one a week
    SuggestedAmount,
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    SolarSchedule,
    PeriodicTask,
}


def _members_with_a_bit_of_everything(count: int) -> None:
    for _ in range(count):
        member_with_a_bit_of_everything()


def _list_urls(user) -> list[str]:
    return sorted(admin_url(model, "changelist") for model, _admin, _req in viewable_admins(user))


def _queries(client, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_every_admin_list_costs_the_same_with_few_and_many_rows(client):
    superuser = CoachFactory(is_superuser=True)
    client.force_login(superuser)
    urls = _list_urls(superuser)
    assert len(urls) > 20
    _members_with_a_bit_of_everything(1)
    few = _queries(client, urls)
    _members_with_a_bit_of_everything(4)
    many = _queries(client, urls)
    grew = {url: (few[url], many[url]) for url in urls if many[url] > few[url]}
    assert grew == {}, "queries grow with the rows (few, many): " + repr(grew)


def _changelist_page_sql(user, model, model_admin):
    """The first page of the admin list as the admin reads it: its ordering, its related rows."""
    request = RequestFactory().get(admin_url(model, "changelist"))
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    return changelist.get_queryset(request)[: changelist.list_per_page]


@pytest.mark.postgres
def test_postgres_every_admin_list_reads_its_first_page_by_an_index():
    # With sorting and sequential scans priced out, a list whose order no index serves still
    # sorts: at a million sessions that is a full sort on every page.
    superuser = CoachFactory(is_superuser=True)
    sorted_lists = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        for model, model_admin in admin.site._registry.items():
            if model in SMALL_BY_NATURE:
                continue
            plan = _changelist_page_sql(superuser, model, model_admin).explain()
            # A per-member subquery may finish the order of its few rows (Incremental Sort).
            if re.search(r"(^|->)\s*Sort\s+\(", plan, re.MULTILINE):
                sorted_lists[model._meta.label] = plan
    assert sorted_lists == {}, "\n\n".join(f"{k}:\n{v}" for k, v in sorted_lists.items())
