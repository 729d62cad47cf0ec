"""The account export: everything every app keeps about a person, as JSON or as a zip of CSV files.

Both are written while they are read: sections an app hands over as `StreamedRows` (a member's
sessions, decisions, reminders) come from the database a chunk at a time, the JSON is sent piece
by piece, and the zip is built in a spooled temporary file. Memory stays flat however long the
member's history is.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from backcore.accounts.lifecycle import StreamedRows, personal_data
from backcore.accounts.models import User

EXPORT_FORMAT = "backcore-export-2"
CHUNK_CHARS = 64 * 1024
SPOOL_BYTES = 1024 * 1024  # a zip larger than this goes to a temporary file on disk


def account_export_sections(*, user: User) -> Iterator[tuple[str, Any]]:
    """(section, value) pairs from every app; a StreamedRows value is read only when iterated."""
    yield "format", EXPORT_FORMAT
    yield "exported_at", timezone.now().isoformat()
    seen = {"format", "exported_at"}
    for provider in personal_data:
        sections = dict(provider.export(user=user))
        missing = set(provider.sections) - set(sections)
        clash = set(sections) & seen
        if missing or clash:
            raise ValueError(f"{provider.app} export: missing {missing}, clashing {clash}")
        seen.update(sections)
        yield from sections.items()


def account_export(*, user: User) -> dict:
    """The whole export as one dict (for tests and small callers; pages stream instead)."""
    return {
        name: list(value) if isinstance(value, StreamedRows) else value
        for name, value in account_export_sections(user=user)
    }


def _indent(text: str, spaces: int) -> str:
    # json.dumps escapes newlines inside strings, so every newline here is layout.
    return text.replace("\n", "\n" + " " * spaces)


def _json_pieces(*, user: User) -> Iterator[str]:
    encoder = DjangoJSONEncoder(indent=2)
    yield "{"
    for index, (name, value) in enumerate(account_export_sections(user=user)):
        yield ("\n" if index == 0 else ",\n") + "  " + json.dumps(name) + ": "
        if not isinstance(value, StreamedRows):
            yield _indent(encoder.encode(value), 2)
            continue
        count = 0
        for row in value:
            yield ("[\n" if count == 0 else ",\n") + "    " + _indent(encoder.encode(row), 4)
            count += 1
        yield "\n  ]" if count else "[]"
    yield "\n}\n"


def account_export_json_chunks(*, user: User, size: int | None = None) -> Iterator[str]:
    """The JSON export in pieces of about `size` characters, for a streaming response."""
    size = size or CHUNK_CHARS
    pending: list[str] = []
    length = 0
    for piece in _json_pieces(user=user):
        pending.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(pending)
            pending, length = [], 0
    if pending:
        yield "".join(pending)


def _flat_rows(
    name: str, rows: Iterable[dict], *, parent: tuple[str, object] | None = None
) -> Iterator[tuple[str, dict]]:
    """(table, row) pairs: a section's rows flattened for CSV; a nested list of records becomes
    its own table carrying the parent's id, other nested values are written as JSON."""
    for row in rows:
        flat = {parent[0]: parent[1]} if parent else {}
        children = []
        for key, cell in row.items():
            if isinstance(cell, list) and cell and all(isinstance(c, dict) for c in cell):
                children.append((f"{name}-{key}", cell, (f"{name}_id", row.get("id"))))
            elif isinstance(cell, list) and not cell:
                continue  # an empty nested list is an empty child table, not a column
            elif isinstance(cell, dict | list):
                flat[key] = json.dumps(cell, cls=DjangoJSONEncoder)
            else:
                flat[key] = cell
        yield name, flat
        for child, child_rows, link in children:
            yield from _flat_rows(child, child_rows, parent=link)


class _CsvTables:
    """One spooled CSV per table of a section. Columns are given (rows already in memory) or
    fixed by the table's first row (streamed rows come from one model and share their keys)."""

    def __init__(self, columns: dict[str, list[str]] | None = None) -> None:
        self.columns = columns or {}
        self.files: dict[str, tempfile.SpooledTemporaryFile] = {}
        self.writers: dict[str, csv.DictWriter] = {}

    def _file(self, table: str) -> tempfile.SpooledTemporaryFile:
        if table not in self.files:
            self.files[table] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 closed by write_into
                max_size=SPOOL_BYTES, mode="w+", newline=""
            )
        return self.files[table]

    def add(self, table: str, row: dict) -> None:
        writer = self.writers.get(table)
        if writer is None:
            writer = csv.DictWriter(
                self._file(table), fieldnames=self.columns.get(table, list(row))
            )
            writer.writeheader()
            self.writers[table] = writer
        writer.writerow(row)  # a key the header lacks raises: a programming error, not data

    def touch(self, table: str) -> None:
        self._file(table)

    def write_into(self, bundle: zipfile.ZipFile) -> None:
        for table, handle in self.files.items():
            handle.seek(0)
            with bundle.open(f"{table}.csv", "w") as entry:
                shutil.copyfileobj(_Encoded(handle), entry)
            handle.close()


class _Encoded:
    """A text file read back as UTF-8 bytes, for copying into a zip entry."""

    def __init__(self, text) -> None:
        self._text = text

    def read(self, size: int = -1) -> bytes:
        return self._text.read(size).encode()


def _columns(name: str, rows: list[dict]) -> dict[str, list[str]]:
    """Every column of every table of a section already in memory, in first-seen order."""
    columns: dict[str, dict[str, None]] = {}
    for table, row in _flat_rows(name, rows):
        columns.setdefault(table, {}).update(dict.fromkeys(row))
    return {table: list(keys) for table, keys in columns.items()}


def account_export_zip_file(*, user: User) -> tempfile.SpooledTemporaryFile:
    """The export as a zip (data.json plus one CSV per table), rewound and ready to read."""
    archive = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 the caller closes it
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        with bundle.open("data.json", "w") as entry:
            for piece in account_export_json_chunks(user=user):
                entry.write(piece.encode())
        for name, value in account_export_sections(user=user):
            if not isinstance(value, dict | list | StreamedRows):
                continue
            rows = [value] if isinstance(value, dict) else value
            tables = _CsvTables(None if isinstance(value, StreamedRows) else _columns(name, rows))
            tables.touch(name)
            for table, row in _flat_rows(name, rows):
                tables.add(table, row)
            tables.write_into(bundle)
    archive.seek(0)
    return archive


def account_export_zip(*, user: User) -> bytes:
    """The zip as bytes (tests); the page streams account_export_zip_file instead."""
    archive = account_export_zip_file(user=user)
    try:
        return archive.read()
    finally:
        archive.close()
