"""Moving threads between two categories never deadlocks on their counters (PostgreSQL)."""

import threading
import time

import psycopg
import pytest
from django.db import connection

from community import services
from tests.factories import CategoryFactory, CoachFactory

pytestmark = pytest.mark.postgres


def _other_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )


def _someone_waits_on_a_lock() -> bool:
    # a fresh connection each time: pg_stat_activity is read once per transaction
    with _other_connection() as watcher:
        row = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()
    return row[0] > 0


@pytest.mark.django_db(transaction=True)
def test_a_move_waits_for_both_counters_before_it_holds_either():
    """Another coach's move holds the lower category and will want the higher one next. A
    move from the higher category to the lower one must wait without holding the higher one
    meanwhile; holding it would deadlock the two."""
    coach = CoachFactory()
    lower, higher = sorted([CategoryFactory(), CategoryFactory()], key=lambda c: c.pk)
    thread = services.thread_create(author=coach, category=higher, title="Moved", body="Hi.")
    with _other_connection() as other:
        other.execute("SELECT id FROM community_category WHERE id = %s FOR UPDATE", [lower.pk])
        errors: list[BaseException] = []

        def move():
            try:
                services.thread_move(coach=coach, thread=thread, category=lower)
            except BaseException as error:  # reported below, on the test thread
                errors.append(error)
            finally:
                connection.close()

        mover = threading.Thread(target=move)
        mover.start()
        try:
            deadline = time.monotonic() + 10
            while not _someone_waits_on_a_lock():
                assert time.monotonic() < deadline, "the move never waited for the lower one"
                time.sleep(0.02)
            # the other coach's move takes the higher category next: free, as nothing holds it
            other.execute(
                "SELECT id FROM community_category WHERE id = %s FOR UPDATE NOWAIT", [higher.pk]
            )
        finally:
            other.rollback()
            mover.join(timeout=10)
    assert not errors
    thread.refresh_from_db()
    lower.refresh_from_db()
    higher.refresh_from_db()
    assert thread.category == lower
    assert (lower.thread_count, higher.thread_count) == (1, 0)
