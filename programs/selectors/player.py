"""The session player's first read: the day's session row, and the version of everything the
player draws from it, in one query.

The player decides from the row alone (no session, a rest day, a past day not opened for late
logging) and draws its body only when the fingerprint (programs/selectors/page_cache.py,
`_player_tables()`) names a state it has not drawn yet. Row and fingerprint come from one
statement, so they describe the same state of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache as memoize

from django.db import connection

from backcore.prepared import planned_cursor
from programs.selectors.page_cache import fingerprint_function_name


@dataclass(frozen=True)
class PlayerDay:
    session_id: int
    is_rest_day: bool
    status: str
    logged_late: bool
    # The version of the session, its items, their exercises, steps and images; None where
    # the database cannot say (not PostgreSQL): the body is then drawn every time.
    fingerprint: str | None


_FIELDS = ("id", "is_rest_day", "status", "logged_late")


@memoize
def _sql() -> str:
    from programs.models import PlannedSession

    quote = connection.ops.quote_name
    columns = ", ".join(f"s.{quote(name)}" for name in _FIELDS)
    return (
        f"SELECT {columns}, {fingerprint_function_name('player')}(%s, %s)"
        f" FROM {quote(PlannedSession._meta.db_table)} s"
        " WHERE s.member_id = %s AND s.date = %s"
    )


def player_day(*, member_id: int, day: date) -> PlayerDay | None:
    """The member's session on `day` (None when none is planned) and its fingerprint."""
    if connection.vendor == "postgresql":
        # Prepared on the connection: PostgreSQL plans it once, not on every visit.
        with planned_cursor() as cursor:
            cursor.execute(_sql(), [member_id, day, member_id, day])
            row = cursor.fetchone()
        return PlayerDay(*row) if row else None
    from programs.models import PlannedSession

    row = PlannedSession.objects.filter(member_id=member_id, date=day).values_list(*_FIELDS).first()
    return PlayerDay(*row, fingerprint=None) if row else None
