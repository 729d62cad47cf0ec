"""The forum search version: one number the database moves on whenever anything a search can
show changes, so a process may keep a ranked result page until then (community.selectors).

Moved by a deferred constraint trigger, at commit and once per transaction (a transaction-local
flag skips the rest: a bulk statement of 100,000 rows moves it once). At commit the writer holds
every lock it will hold already, so the version row's lock, taken last and for an instant, never
makes two writers wait on each other mid-transaction (a post insert bumping it and then updating
its thread while a coach hiding that thread waits for the version would deadlock). Since the new
number commits with the change, a reader that reads the version and ranks in one statement
(one snapshot) never keeps an old ranking under a new number.

A statement-level trigger marks at once, in the same transaction-local flag, that the
transaction changed what search shows: a search later in that transaction (before the version
moves at its commit) ranks afresh and keeps nothing.

What counts: a post inserted or deleted, or its body, approval, hiding, deletion, thread,
creation time or stored vector changed; a thread deleted, or its approval, hiding, title or
category changed (a retitle also rewrites its posts' vectors). Not categories: a category's name
is read with each shown result, and no category rule decides what search finds (deleting one
deletes nothing it protects). Not `notified_at`, `last_post_at`, counters or reactions.

PostgreSQL only, like the search vector (0004); SQLite keeps its plain contains-search.
"""

from django.db import migrations

POST_COLUMNS = "body, is_approved, is_hidden, is_deleted, thread_id, created_at, search_vector"
THREAD_COLUMNS = "is_approved, is_hidden, title, category_id"


def _changed(columns: str) -> str:
    return " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns.split(", "))


FORWARDS = f"""
CREATE TABLE community_search_version (
  id smallint PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO community_search_version (id, version) VALUES (1, 1);

CREATE FUNCTION community_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('community.search_changed', true), '') = '' THEN
    PERFORM set_config('community.search_changed', 'changed', true);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION community_search_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('community.search_changed', true), '') <> 'bumped' THEN
    PERFORM set_config('community.search_changed', 'bumped', true);
    UPDATE community_search_version SET version = version + 1 WHERE id = 1;
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER community_post_search_version_new
  AFTER INSERT OR DELETE ON community_post
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION community_search_version_bump();
CREATE CONSTRAINT TRIGGER community_post_search_version_edit
  AFTER UPDATE OF {POST_COLUMNS} ON community_post
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN ({_changed(POST_COLUMNS)})
  EXECUTE FUNCTION community_search_version_bump();
CREATE TRIGGER community_post_search_changed
  AFTER INSERT OR DELETE OR UPDATE OF {POST_COLUMNS} ON community_post
  FOR EACH STATEMENT EXECUTE FUNCTION community_search_changed();

CREATE CONSTRAINT TRIGGER community_thread_search_version_gone
  AFTER DELETE ON community_thread
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION community_search_version_bump();
CREATE CONSTRAINT TRIGGER community_thread_search_version_edit
  AFTER UPDATE OF {THREAD_COLUMNS} ON community_thread
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN ({_changed(THREAD_COLUMNS)})
  EXECUTE FUNCTION community_search_version_bump();
CREATE TRIGGER community_thread_search_changed
  AFTER DELETE OR UPDATE OF {THREAD_COLUMNS} ON community_thread
  FOR EACH STATEMENT EXECUTE FUNCTION community_search_changed();

-- TRUNCATE fires no row trigger (nor a deferred one): it moves the version itself, under the
-- table's exclusive lock anyway.
CREATE FUNCTION community_search_version_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('community.search_changed', 'bumped', true);
  UPDATE community_search_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END $$;
CREATE TRIGGER community_post_search_version_truncated
  AFTER TRUNCATE ON community_post
  FOR EACH STATEMENT EXECUTE FUNCTION community_search_version_truncated();
CREATE TRIGGER community_thread_search_version_truncated
  AFTER TRUNCATE ON community_thread
  FOR EACH STATEMENT EXECUTE FUNCTION community_search_version_truncated();
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS community_thread_search_version_truncated ON community_thread;
DROP TRIGGER IF EXISTS community_post_search_version_truncated ON community_post;
DROP TRIGGER IF EXISTS community_thread_search_changed ON community_thread;
DROP TRIGGER IF EXISTS community_thread_search_version_edit ON community_thread;
DROP TRIGGER IF EXISTS community_thread_search_version_gone ON community_thread;
DROP TRIGGER IF EXISTS community_post_search_changed ON community_post;
DROP TRIGGER IF EXISTS community_post_search_version_edit ON community_post;
DROP TRIGGER IF EXISTS community_post_search_version_new ON community_post;
DROP FUNCTION IF EXISTS community_search_version_truncated();
DROP FUNCTION IF EXISTS community_search_version_bump();
DROP FUNCTION IF EXISTS community_search_changed();
DROP TABLE IF EXISTS community_search_version;
"""


class PostgresOnlySQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("community", "0008_post_recent_index")]

    operations = [PostgresOnlySQL(FORWARDS, BACKWARDS)]
