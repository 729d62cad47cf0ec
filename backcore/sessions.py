"""Django's database sessions (SESSION_ENGINE = "backcore.sessions"), read with a query
compiled and planned once per process.

Every signed-in request reads its session row first: building and compiling that ORM query
again each time cost about a tenth of the bare view. The rows, the table and what counts as
expired are Django's own: a row is read by its key, and one whose expiry has passed is no
session, as in `django.contrib.sessions.backends.db`.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

from backcore.prepared import PLACEHOLDERS, prepared


def _session_rows():
    from django.contrib.sessions.models import Session

    return Session.objects.filter(session_key=PLACEHOLDERS["session_key"])


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        read = prepared(("sessions.by_key",), _session_rows, names=("session_key",), plan_once=True)
        rows = read.objects(session_key=self.session_key)
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None
        return None
