"""A cheaper serialized rollback for transactional tests (browser journeys, live_server).

Every transactional test here restores the rows that data migrations seed (library, phases,
categories, content types, permissions): Django empties every table after the test and
re-creates those rows before the next. Django's own way costs two queries per row (an UPDATE,
then an INSERT: about 2,300 for 1,200 rows) and, on PostgreSQL, a TRUNCATE that makes a new file
for each of ~70 tables. Both dominate a short journey. Here:

- the rows are parsed once per run and written back raw with one INSERT per table (updating a
  row already there, as save() by primary key does);
  the pre_save/post_save signals a raw save sends still go out for models that have receivers
  (the programme cache's upkeep), so nothing that listens misses a restore;
- on PostgreSQL the tables are emptied with DELETE in one transaction (the foreign keys Django
  makes are deferred to the commit), which leaves the same empty tables as TRUNCATE.

The result is the same database as Django's restore: same rows, same primary keys, the same
constraint check at the end.

The rows go back when a transactional test ends (after Django's flush), not when the next one
starts. Django restores at the start and leaves the tables empty at the end, which is safe only
while every transactional test runs after every other test that reads the seeded rows (Django's
runner and pytest-django order them so). pytest-xdist's `--dist worksteal` breaks that order: a
worker that has finished its own share, transactional tests included, takes the untouched tail
of the other worker's share, ordinary database tests, which then found no phases, pools or
exercises (54 failures in the SQLite pass). Left as the migrations left it, the database is the
same for whatever test comes next, so the order no longer matters; and the start of the next
transactional test need not restore again, unless one without serialized rollback emptied it.

Used only by the test suite (installed from tests/conftest.py).
"""

from django.apps import apps
from django.core import serializers
from django.db import connections, models, transaction
from django.db.backends.base.creation import BaseDatabaseCreation
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations
from django.db.models.constants import OnConflict
from django.db.models.signals import post_save, pre_save
from django.test import TransactionTestCase

_parsed: dict[tuple[str, int], list] = {}
_postgres_sql_flush = PostgresOperations.sql_flush
_django_fixture_setup = TransactionTestCase.__dict__["_fixture_setup"].__func__
_django_fixture_teardown = TransactionTestCase._fixture_teardown
# Aliases whose seeded rows a transactional test without serialized rollback flushed away.
_emptied: set[str] = set()


def _objects(alias: str, data: str) -> list:
    key = (alias, id(data))
    if key not in _parsed:
        _parsed[key] = [data, list(serializers.deserialize("json", data, using=alias))]
    return _parsed[key][1]


def deserialize_db_from_string(self, data: str) -> None:
    alias = self.connection.alias
    rows: dict[type[models.Model], list[models.Model]] = {}
    links: dict[type[models.Model], list[models.Model]] = {}
    one_by_one = []
    for deserialized in _objects(alias, data):
        instance = deserialized.object
        model = type(instance)
        if model._meta.parents:  # multi-table inheritance: bulk_create cannot write these
            one_by_one.append(deserialized)
            continue
        rows.setdefault(model, []).append(instance)
        for name, targets in (deserialized.m2m_data or {}).items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            links.setdefault(through, []).extend(
                through(**{source: instance.pk, target: pk}) for pk in targets
            )
    tables = set()
    with transaction.atomic(using=alias), self.connection.constraint_checks_disabled():
        for model, instances in (rows | links).items():
            listened = pre_save.has_listeners(model) or post_save.has_listeners(model)
            if listened:
                for instance in instances:
                    pre_save.send(
                        model, instance=instance, raw=True, using=alias, update_fields=None
                    )
            _write(model, instances, alias, is_link=model in links)
            if listened:
                for instance in instances:
                    post_save.send(
                        model,
                        instance=instance,
                        created=True,
                        raw=True,
                        using=alias,
                        update_fields=None,
                    )
            tables.add(model._meta.db_table)
        for deserialized in one_by_one:
            deserialized.save()
            tables.add(type(deserialized.object)._meta.db_table)
        self.connection.check_constraints(table_names=tables)


def _write(model, instances, alias: str, *, is_link: bool) -> None:
    """A raw INSERT, as a raw save() writes: the stored values as they are (auto_now fields
    keep theirs). A row already there is updated, as save() by primary key does (the first
    restore meets the migrated rows); a link row already there is kept."""
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not (is_link and f.primary_key)]
    others = [f for f in meta.local_concrete_fields if not f.primary_key]
    if is_link or not others:
        conflict = {"on_conflict": OnConflict.IGNORE}
    else:
        conflict = {
            "on_conflict": OnConflict.UPDATE,
            "update_fields": others,
            "unique_fields": [meta.pk],
        }
    size = max(1, connections[alias].ops.bulk_batch_size(fields, instances))
    for start in range(0, len(instances), size):
        model._base_manager._insert(
            instances[start : start + size], fields=fields, raw=True, using=alias, **conflict
        )


def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if not tables or reset_sequences or allow_cascade:
        return _postgres_sql_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(table)};" for table in tables]


def _restores(case, alias: str) -> bool:
    return case.serialized_rollback and hasattr(connections[alias], "_test_serialized_contents")


def fixture_setup(cls) -> None:
    """Django's, without the restore when the rows are already there: the migrations left
    them, and every transactional test with serialized rollback puts them back as it ends."""
    aliases = cls._databases_names(include_mirrors=False)
    if not cls.serialized_rollback or _emptied.intersection(aliases):
        _django_fixture_setup(cls)
        _emptied.difference_update(a for a in aliases if _restores(cls, a))
        return
    own = "serialized_rollback" in vars(cls)
    cls.serialized_rollback = False
    try:
        _django_fixture_setup(cls)  # sequences and fixtures, as Django does
    finally:
        if own:
            cls.serialized_rollback = True
        else:
            del cls.serialized_rollback


def fixture_teardown(self) -> None:
    """Django's flush, then the seeded rows back, so the next test finds them whatever it is."""
    _django_fixture_teardown(self)
    for alias in self._databases_names(include_mirrors=False):
        if not _restores(self, alias):
            _emptied.add(alias)
            continue
        if self.available_apps is not None:
            apps.unset_available_apps()
        try:
            connection = connections[alias]
            connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
        finally:
            if self.available_apps is not None:
                apps.set_available_apps(self.available_apps)
        _emptied.discard(alias)


def install() -> None:
    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string
    PostgresOperations.sql_flush = sql_flush
    TransactionTestCase._fixture_setup = classmethod(fixture_setup)
    TransactionTestCase._fixture_teardown = fixture_teardown
