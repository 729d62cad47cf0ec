"""`manage.py bench_data`: the data set `make bench` measures on, at a small size. Its shape
(members, a heavy member who trained every day, logged items, stored totals, forum,
contributions) is what the benchmark figures are read against, and it goes through the
database's constraints."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from backcore.bench import BENCH_EMAIL_DOMAIN
from community.models import Post, Report, Thread
from community.selectors import moderation_queue
from payments.models import Contribution
from programs.models import PlannedItem, PlannedSession
from programs.progress_models import ProgressTotals

pytestmark = pytest.mark.django_db


def _make(**options) -> str:
    out = io.StringIO()
    call_command("bench_data", stdout=out, **options)
    return out.getvalue()


def test_bench_data_makes_the_issue_shaped_set_at_a_small_size(settings):
    settings.IS_PRODUCTION = False
    report = _make(members=20, history_days=14, heavy_days=40, seed=7)

    sessions = dict(
        PlannedSession.objects.values_list("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    heavy = min(sessions)  # the first member made is the heavy one
    assert sessions[heavy] == 40, "the heavy member trains every day of the history"
    assert all(n <= 14 for member, n in sessions.items() if member != heavy)
    assert len(sessions) == 20
    assert PlannedItem.objects.filter(session__member_id=heavy).exists()
    assert ProgressTotals.objects.values("member_id").distinct().count() == 20
    assert Thread.objects.filter(author__email__endswith=BENCH_EMAIL_DOMAIN).count() == 10
    assert Post.objects.count() > 20
    assert Contribution.objects.filter(idempotency_key__startswith="bench-").count() == 40
    # the moderation queue has work in it: posts awaiting approval and open reports
    queue = moderation_queue()
    assert queue["pending"].paginator.count == Post.objects.filter(is_approved=False).count() >= 5
    assert queue["reports"].paginator.count == Report.objects.filter(status="open").count() >= 5
    assert Report.objects.exclude(status="open").filter(handled_by__isnull=False).exists()
    assert "Bench data ready" in report


def test_bench_data_refuses_a_database_that_already_holds_it(settings):
    settings.IS_PRODUCTION = False
    _make(members=10, history_days=7, heavy_days=7)
    with pytest.raises(CommandError, match="already holds bench data"):
        _make(members=10, history_days=7, heavy_days=7)


def test_bench_data_is_never_made_in_production(settings):
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="never made in production"):
        _make(members=10)
