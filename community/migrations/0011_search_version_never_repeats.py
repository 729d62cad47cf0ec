"""The forum search version never takes a number it had before.

A process keeps a ranked page under the version it was ranked at and serves it while the
version is that number (community.selectors). Counting up by one from 1 broke that promise
whenever the count started again: the table re-created (migrations rolled back and forward), or
the database restored from a backup taken a few writes earlier. The count then climbed back
through numbers a process had already kept pages under, for other data, and served them (a new
post missing from its results).

Now each move takes the clock in microseconds when that is larger than the next count, and the
version starts from the clock: a number is issued at most once in the database's life, so a
restored database's first write moves past every number issued before the restore. (Versions
move once per committing transaction: far fewer than a million a second, so the count never
runs ahead of the clock.)
"""

from django.db import migrations

NEXT = "GREATEST(version + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)"


def _moving_to(next_version: str) -> str:
    """Migration 0009's two functions that move the version, moving it to `next_version`."""
    return f"""
CREATE OR REPLACE FUNCTION community_search_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('community.search_changed', true), '') <> 'bumped' THEN
    PERFORM set_config('community.search_changed', 'bumped', true);
    UPDATE community_search_version SET version = {next_version} WHERE id = 1;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION community_search_version_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('community.search_changed', 'bumped', true);
  UPDATE community_search_version SET version = {next_version} WHERE id = 1;
  RETURN NULL;
END $$;
"""


FORWARDS = _moving_to(NEXT) + f"UPDATE community_search_version SET version = {NEXT} WHERE id = 1;"
BACKWARDS = _moving_to("version + 1")  # as migration 0009 made them


def _on_postgres(sql: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":  # SQLite has no search version
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("community", "0010_counted_indexes")]

    operations = [migrations.RunPython(_on_postgres(FORWARDS), _on_postgres(BACKWARDS))]
