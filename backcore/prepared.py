"""Reads compiled once per process, run again with other values.

Building and compiling a queryset (filters, joins, subqueries, annotations) costs a page
0.5–1.5 ms of CPU per query, every request, although the SQL of a given page differs only in
its values (this thread, this member). `Prepared` compiles a queryset once, with *placeholder
values* standing for what changes (e.g. a thread id of -7_000_000_001), remembers where those
values sit among the SQL's parameters, and afterwards only runs the SQL with the real values,
turning rows into model instances with Django's own machinery (field converters, select_related
populators, annotations), exactly as iterating the queryset would.

The queryset is still written with the ORM, by the selector that owns the rule (visibility,
ordering), so a rule lives once; only its compilation is reused. A placeholder must reach the
SQL as a parameter (a filter value, not a LIMIT, which Django inlines): `Prepared` refuses a
shape whose SQL text holds a placeholder, or whose parameters hold one in a form it cannot fill
in (it would run with the placeholder and silently match nothing). A name the SQL does not use
(e.g. the member in a moderator's shape) is simply not filled in.

`plan_once=True` also spares PostgreSQL the parsing and planning: the shape runs as a statement
prepared on the connection, with its values bound on the server (not quoted into the text by
psycopg, as Django's cursors do), and PostgreSQL reuses its plan (after five runs, a generic
plan where that costs no more than the plans it made for the values). The forum's small reads
(a thread, its count, its reactions) took PostgreSQL 2-4 times less prepared: parsing and
planning them cost more than running them. For a shape whose best plan depends on the value (a
full-text query: a common word wants another plan than a rare one), leave it off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import get_related_populators

# Values no real input takes (ids are positive): they mark the parameters a shape fills in.
PLACEHOLDERS: dict[str, Any] = {
    "thread": -7_000_000_001,
    "member": -7_000_000_002,
    "category": -7_000_000_003,
    "ids": [-7_000_000_004],
    "kept": [-7_000_000_006],
    "slug": "placeholder:slug:5c1e9b",
    "query": "placeholder:query:5c1e9b",
    "session_key": "placeholder:session:5c1e9b",  # real keys are 32 of [a-z0-9]
    "exercise": -7_000_000_005,
    "since": date(1001, 1, 1),  # a window of days (no real data is that old)
    "until": date(1001, 1, 2),
}


def _array_literal(values: list[int]) -> str:
    """How `backcore.bulk.InArray` sends a list of ids on PostgreSQL: one array literal."""
    return "{" + ",".join(map(str, values)) + "}"


def _holds(value, name: str) -> bool:
    placeholder = PLACEHOLDERS[name]
    marks = placeholder if isinstance(placeholder, list) else [placeholder]
    return any(str(mark) in str(value) for mark in marks)


def _form(value, name: str) -> str | None:
    """How the placeholder `name` reached the parameters as `value` ("as is", or "literal" for
    a list of ids sent as one array literal); None when `value` is not that placeholder."""
    placeholder = PLACEHOLDERS[name]
    if type(value) is type(placeholder) and value == placeholder:
        return "as is"
    if isinstance(placeholder, list) and value == _array_literal(placeholder):
        return "literal"
    return None


_planned_cursor_class = None


def _planned_class():
    """Django's cursor class for `server_side_binding`, preparing every statement it runs.

    Django opens connections with psycopg's preparing off (`prepare_threshold` None, for
    connection poolers), which refuses even an explicit `prepare=True`: it is switched on for
    the length of this cursor's statement only, so Django's own cursors keep running exactly
    as before (they bind on the client and never prepare anyway)."""
    global _planned_cursor_class
    if _planned_cursor_class is None:
        from django.db.backends.postgresql.base import ServerBindingCursor

        class PlannedCursor(ServerBindingCursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                connection = self.connection
                threshold = connection.prepare_threshold
                connection.prepare_threshold = 0
                try:
                    return super().execute(query, params, prepare=True, binary=binary)
                finally:
                    connection.prepare_threshold = threshold

        _planned_cursor_class = PlannedCursor
    return _planned_cursor_class


def planned_cursor(using: str = "default"):
    """A cursor of connection `using` whose statements are prepared on the server, each once per
    connection (PostgreSQL: parameters bound on the server); Django's own cursor elsewhere. It
    goes through Django's cursor wrapper, so query counting, logging and execute wrappers see
    every statement. A prepared statement lives in its database session: behind a connection
    pooler that shares sessions between clients, that pooler must keep them (PgBouncer 1.21+
    with `max_prepared_statements`)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, Format, register_tzloader

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        raw = _planned_class()(connection.connection)
        # as Django's create_cursor: its timezone where the connection's differs
        tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != tzloader.timezone:
            register_tzloader(connection.timezone, raw)
    if connection.queries_logged:
        return _planned_debug_class()(raw, connection)
    return connection.make_cursor(raw)


_planned_debug_wrapper_class = None


def _planned_debug_class():
    """Django's debug wrapper (query logs, `django_assert_num_queries`), logging each statement
    with its values written in, as for Django's own cursors: psycopg keeps no such text of a
    prepared statement's run, so Django's `last_executed_query` would log None."""
    global _planned_debug_wrapper_class
    if _planned_debug_wrapper_class is None:
        from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

        class PlannedDebugWrapper(CursorDebugWrapper):
            def execute(self, sql, params=None):
                try:
                    text = self.db.ops.compose_sql(sql, params)
                except Exception:  # the log only: never fail the read over it
                    text = sql
                with self.debug_sql(text, params):
                    return CursorWrapper.execute(self, sql, params)

        _planned_debug_wrapper_class = PlannedDebugWrapper
    return _planned_debug_wrapper_class


class Prepared:
    """`queryset` compiled once; `objects(**values)` / `rows(**values)` run it again."""

    def __init__(self, queryset: QuerySet, *, names: Iterable[str], plan_once: bool = False):
        self.plan_once = plan_once
        self.db = queryset.db
        self.model = queryset.model
        compiler = queryset.query.get_compiler(using=self.db)
        self.sql, params = compiler.as_sql()
        names = list(names)
        self.slots: list[tuple[int, str, str]] = []
        for index, value in enumerate(params):
            for name in names:
                form = _form(value, name)
                if form is not None:
                    self.slots.append((index, name, form))
        filled = {index for index, _name, _form in self.slots}
        for index, value in enumerate(params):
            # A placeholder in a form not recognised above would run as it is, matching nothing.
            if index not in filled and any(_holds(value, name) for name in names):
                raise ValueError(f"parameter {index} holds a placeholder in a form not filled in")
        for name in names:  # a value written into the SQL itself could not be filled in
            placeholder = PLACEHOLDERS[name]
            for text in placeholder if isinstance(placeholder, list) else [placeholder]:
                if str(text) in self.sql:
                    raise ValueError(f"{name} is written into the SQL, not a parameter")
        self.params = list(params)
        self.compiler = compiler
        self.fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
        self.converters = compiler.get_converters(self.fields)
        klass_info = compiler.klass_info
        if klass_info:
            select_fields = klass_info["select_fields"]
            self.start, self.end = select_fields[0], select_fields[-1] + 1
            self.init_list = [f[0].target.attname for f in compiler.select[self.start : self.end]]
            self.populators = get_related_populators(klass_info, compiler.select, self.db)
            self.annotations = dict(compiler.annotation_col_map or {})

    def _cursor(self):
        return planned_cursor(self.db) if self.plan_once else connections[self.db].cursor()

    def _params(self, values: dict) -> list:
        params = list(self.params)
        for index, name, form in self.slots:
            value = values[name]
            params[index] = _array_literal(value) if form == "literal" else value
        return params

    def rows(
        self, *, suffix: str = "", extra: Iterable[Any] = (), around: str = "", **values
    ) -> list:
        """The rows (converted, as tuples or lists): `suffix` SQL appended (e.g. LIMIT %s), or
        the SQL put in `around` where it says `{sql}`; `extra` parameters follow the SQL's."""
        sql = around.replace("{sql}", self.sql) if around else self.sql + suffix
        with self._cursor() as cursor:
            cursor.execute(sql, [*self._params(values), *extra])
            rows = cursor.fetchall()
        if around:
            return rows  # columns of its own: no converters
        if self.converters:
            rows = list(self.compiler.apply_converters(rows, self.converters))
        return rows

    def exists(self, **values) -> bool:
        """Whether the SQL gives any row (only the first is fetched)."""
        return bool(self.rows(suffix=" LIMIT 1", **values))

    def count(self, **values) -> int:
        """How many rows the SQL gives (build a shape without ordering for this)."""
        with self._cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({self.sql}) prepared", self._params(values))
            return cursor.fetchone()[0]

    def objects(self, *, suffix: str = "", extra: Iterable[Any] = (), **values) -> list:
        """Model instances, as iterating the queryset would give them."""
        return [self._instance(row) for row in self.rows(suffix=suffix, extra=extra, **values)]

    def objects_with_rows(self, **values) -> list[tuple[Any, tuple]]:
        """Each instance with its row as the database sent it, before any converter (a JSON
        column still its text): a hashable copy of everything read, so what a page draws from
        the row can be kept under the row itself and can never outlive a change to it."""
        with self._cursor() as cursor:
            cursor.execute(self.sql, self._params(values))
            raw = [tuple(row) for row in cursor.fetchall()]
        rows = (
            list(self.compiler.apply_converters(raw, self.converters)) if self.converters else raw
        )
        return [(self._instance(row), sent) for row, sent in zip(rows, raw, strict=True)]

    def _instance(self, row):
        obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, obj)
        for name, position in self.annotations.items():
            setattr(obj, name, row[position])
        return obj


_prepared: dict[tuple, Prepared] = {}


def prepared(
    key: tuple, build: Callable[[], QuerySet], *, names: Iterable[str], plan_once: bool = False
) -> Prepared:
    """The `Prepared` of `build()` for this shape `key`, compiled on first use in this process
    (per database vendor, so tests switching backends never share one)."""
    full_key = (*key, connections["default"].vendor)
    found = _prepared.get(full_key)
    if found is None:
        found = _prepared[full_key] = Prepared(build(), names=names, plan_once=plan_once)
    return found
