"""Set-based reads and writes for batch jobs: one statement per table for any number of rows.

Reads: `InArray(F("member_id"), ids)` in a `filter()` is `member_id IN (…)` sent on PostgreSQL
as one array parameter (`= ANY(%s::bigint[])`): a chunk's thousands of ids are neither quoted
into the SQL text nor bound one by one, and the plan is the same whatever their number.

Writes: on PostgreSQL each column travels as one array parameter and `unnest()` turns the arrays back
into rows, so a chunk of 50,000 rows is still one short statement (no 65,535-parameter limit, no
`CASE WHEN` per row as `bulk_update` builds). Other databases (SQLite in development and tests)
go through Django's bulk methods, which give the same result more slowly.

Rows are tuples in the order of `fields` (attribute names, e.g. "member_id"). Nothing here runs
model validation, signals or `auto_now`: callers pass every value, timestamps included, and the
database's constraints still check each row.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Lookup, Model, QuerySet
from django.db.models.lookups import In
from django.db.models.query import ValuesListIterable


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a batch that allocates hundreds of thousands of
    short-lived objects (rows, records, engine values) freed by reference counting anyway: each
    collection would walk every object the process holds, Django's included, for nothing (a
    fifth of a weekly chunk's CPU). Back on afterwards, as it was; cycles made meanwhile are
    collected then."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class InArray(Lookup):
    """`lhs IN values`: one array parameter on PostgreSQL, Django's `__in` elsewhere. Used as
    an expression, `Model.objects.filter(InArray(F("member_id"), ids))`."""

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        cast = f"{field.cast_db_type(connection)}[]"
        values = self.rhs if isinstance(self.rhs, list) else list(self.rhs)
        if all(type(value) is int for value in values):
            # Ids (the common case: thousands of them a chunk) as one array literal, written
            # in C by str.join, instead of psycopg adapting each element in Python.
            literal = "{" + ",".join(map(str, values)) + "}"
            return f"{lhs} = ANY(%s::{cast})", (*lhs_params, literal)
        values = [field.get_db_prep_value(value, connection) for value in values]
        return f"{lhs} = ANY(%s::{cast})", (*lhs_params, values)


def rows_fetch(queryset: QuerySet) -> list[tuple]:
    """A `values_list()` queryset's rows, fetched in one go. On PostgreSQL, when none of its
    columns needs a converter (ints, dates, text, booleans), the compiled SQL runs on a plain
    cursor and `fetchall()` hands back psycopg's tuples: no per-row iterator or converter
    calls, which for a chunk's tens of thousands of rows cost more than the query. Otherwise
    Django's own iteration."""
    if queryset._iterable_class is not ValuesListIterable:
        raise TypeError("rows_fetch() reads values_list() querysets (tuples)")
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return []
    columns = [expression for expression, _sql, _alias in compiler.select[: compiler.col_count]]
    if compiler.get_converters(columns):
        return list(queryset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _columns(model: type[Model], fields: Sequence[str], connection) -> list[tuple[str, str]]:
    """(quoted column, array cast) for each attribute name."""
    out = []
    for name in fields:
        field = next(f for f in model._meta.concrete_fields if f.attname == name)
        db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
        out.append((connection.ops.quote_name(field.column), f"{db_type}[]"))
    return out


def _arrays(rows: Sequence[tuple]) -> list[list]:
    return [list(column) for column in zip(*rows, strict=True)]


def _unnest(columns: list[tuple[str, str]]) -> tuple[str, str]:
    names = ", ".join(column for column, _ in columns)
    casts = ", ".join(f"%b::{cast}" for _, cast in columns)  # binary: no quoting
    return names, f"unnest({casts})"


def rows_insert(
    model: type[Model],
    *,
    fields: Sequence[str],
    rows: Sequence[tuple],
    conflict: Sequence[str] | None = None,
    update: Sequence[str] = (),
) -> int:
    """INSERT the rows; with `conflict` (unique attribute names) and `update`, an upsert that
    overwrites `update` on conflict; with `conflict` alone (or `conflict=()`), rows that clash
    with any unique constraint are skipped. Returns the number of rows inserted or updated."""
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return _fallback_insert(model, fields=fields, rows=rows, conflict=conflict, update=update)
    columns = _columns(model, fields, connection)
    names, source = _unnest(columns)
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) SELECT * FROM {source}"
    if conflict is not None and update:
        target = ", ".join(column for column, _ in _columns(model, conflict, connection))
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c, _ in _columns(model, update, connection))
        sql += f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
    elif conflict is not None:
        sql += " ON CONFLICT DO NOTHING"
    return _execute(connection, sql, _arrays(rows))


def rows_update(
    model: type[Model], *, fields: Sequence[str], rows: Sequence[tuple], key: str = "id"
) -> int:
    """UPDATE each row matched on `key` (the first value of every row) with the other values:
    `UPDATE … FROM unnest(…)`, one statement. Returns the number of rows updated."""
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        return _fallback_update(model, fields=fields, rows=rows, key=key)
    columns = _columns(model, [key, *fields], connection)
    names, source = _unnest(columns)
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{column} = v.{column}" for column, _ in columns[1:])
    sql = (
        f"UPDATE {table} SET {sets} FROM {source} AS v({names}) "
        f"WHERE {table}.{columns[0][0]} = v.{columns[0][0]}"
    )
    return _execute(connection, sql, _arrays(rows))


def _execute(connection, sql: str, params: list[list]) -> int:
    """Run one statement with server-side binding: the arrays travel as (binary) parameters
    instead of being quoted into the SQL text, which costs more than the statement itself
    for a chunk of reasons and numbers. Still counted and logged like any Django query."""
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
    with wrap(raw) as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _fallback_insert(model, *, fields, rows, conflict, update) -> int:
    objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
    kwargs = {}
    if conflict is not None and update:
        kwargs = {"update_conflicts": True, "unique_fields": conflict, "update_fields": update}
    elif conflict is not None:
        kwargs = {"ignore_conflicts": True}
    before = model._default_manager.count() if "ignore_conflicts" in kwargs else 0
    model._default_manager.bulk_create(objects, **kwargs)
    if "ignore_conflicts" in kwargs:
        return model._default_manager.count() - before
    return len(objects)


def _fallback_update(model, *, fields, rows, key) -> int:
    objects = [model(**{key: row[0], **dict(zip(fields, row[1:], strict=True))}) for row in rows]
    return model._default_manager.bulk_update(objects, list(fields))
