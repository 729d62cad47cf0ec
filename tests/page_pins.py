"""Query pins of the member pages that are kept whole (programs/selectors/page_cache.py).

On PostgreSQL a page's body is built once per state of the member's rows: building it costs
the page's own queries plus the fingerprint (one query); while nothing changed, a request costs
only what every page costs (session, user, the page's checks) plus the fingerprint. Elsewhere
(SQLite) nothing is kept and each request builds the body without a fingerprint.
"""

from django.db import connection


def kept() -> bool:
    return connection.vendor == "postgresql"


def built(queries: int) -> int:
    """A request that builds the body: the page's queries (+1 for the fingerprint)."""
    return queries + (1 if kept() else 0)


def served(queries: int, *, kept_queries: int) -> int:
    """A request served while nothing changed: `kept_queries` on PostgreSQL."""
    return kept_queries if kept() else queries


def without_tokens(content: bytes) -> bytes:
    """A page with its CSRF tokens blanked (each response masks the token anew)."""
    import re

    content = re.sub(rb'"X-CSRFToken": "[^"]+"', b'"X-CSRFToken": ""', content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
