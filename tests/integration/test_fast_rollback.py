"""tests/support/fast_rollback.py gives back exactly the rows Django's serialized rollback would."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import TransactionTestCase

from programs.models import Phase
from programs.selectors.programme import programme_cache_version
from tests.conftest import worker_redis_url
from tests.factories import MemberFactory


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_gives_back_exactly_the_seeded_rows():
    seeded = connection._test_serialized_contents
    assert '"model": "exercises.exercise"' in seeded and '"model": "auth.group"' in seeded
    # Over the rows already there (the first transactional test of a run meets them).
    connection.creation.deserialize_db_from_string(seeded)
    assert connection.creation.serialize_db_to_string() == seeded

    call_command(
        "flush", verbosity=0, interactive=False, inhibit_post_migrate=True, reset_sequences=False
    )
    assert connection.creation.serialize_db_to_string() == "[]"
    before = programme_cache_version()
    connection.creation.deserialize_db_from_string(seeded)
    assert connection.creation.serialize_db_to_string() == seeded
    assert programme_cache_version() != before  # the programme cache heard of the restore


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_leaves_the_seeded_rows_for_whatever_test_comes_next():
    """Under xdist's worksteal a worker runs ordinary database tests after its transactional
    ones (the rest of the other worker's share): a transactional test must end with the rows
    the migrations seeded, not with empty tables."""
    seeded = connection._test_serialized_contents

    class Earlier(TransactionTestCase):  # run as pytest-django runs a transactional test
        serialized_rollback = True

        def runTest(self):
            pass

    earlier = Earlier("runTest")
    Earlier._pre_setup()
    assert Phase.objects.count() == 5  # the rows were there already: nothing to restore
    MemberFactory()
    Phase.objects.update(name="Changed by the test")
    earlier._post_teardown()

    assert list(Phase.objects.order_by("order").values_list("order", flat=True)) == [1, 2, 3, 4, 5]
    assert connection.creation.serialize_db_to_string() == seeded


def test_each_parallel_worker_gets_its_own_redis_database():
    assert worker_redis_url("redis://127.0.0.1:6379/15", 0) == "redis://127.0.0.1:6379/15"
    assert worker_redis_url("redis://127.0.0.1:6379/15", 1) == "redis://127.0.0.1:6379/14"
    assert worker_redis_url("redis://:pw@redis:6379/0", 1) == "redis://:pw@redis:6379/15"
    assert worker_redis_url("redis://redis:6379", 2) == "redis://redis:6379/14"
