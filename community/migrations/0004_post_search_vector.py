"""Forum search on PostgreSQL: a stored tsvector per post with a GIN index.

Each post's vector holds its thread's title (weight A) and its body (weight B), the same document
the search ranked before, now computed once on write by triggers instead of on every search.
The column lives only in PostgreSQL (the model does not declare it, so ordinary reads never load
it); SQLite keeps its plain contains-search and this migration does nothing there.
"""

from django.db import migrations

FORWARDS = """
ALTER TABLE community_post ADD COLUMN search_vector tsvector;

CREATE FUNCTION community_post_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
    setweight(to_tsvector('english', coalesce(
      (SELECT title FROM community_thread WHERE id = NEW.thread_id), '')), 'A')
    || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B');
  RETURN NEW;
END $$;

CREATE TRIGGER community_post_search_vector
  BEFORE INSERT OR UPDATE OF body, thread_id ON community_post
  FOR EACH ROW EXECUTE FUNCTION community_post_search_vector();

CREATE FUNCTION community_thread_title_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.title IS DISTINCT FROM OLD.title THEN
    UPDATE community_post
       SET search_vector = setweight(to_tsvector('english', NEW.title), 'A')
                           || setweight(to_tsvector('english', body), 'B')
     WHERE thread_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER community_thread_title_search_vector
  AFTER UPDATE OF title ON community_thread
  FOR EACH ROW EXECUTE FUNCTION community_thread_title_search_vector();

UPDATE community_post AS p
   SET search_vector = setweight(to_tsvector('english', t.title), 'A')
                       || setweight(to_tsvector('english', p.body), 'B')
  FROM community_thread AS t
 WHERE t.id = p.thread_id;

CREATE INDEX community_post_search ON community_post USING gin (search_vector);
"""

BACKWARDS = """
DROP TRIGGER IF EXISTS community_thread_title_search_vector ON community_thread;
DROP FUNCTION IF EXISTS community_thread_title_search_vector();
DROP TRIGGER IF EXISTS community_post_search_vector ON community_post;
DROP FUNCTION IF EXISTS community_post_search_vector();
DROP INDEX IF EXISTS community_post_search;
ALTER TABLE community_post DROP COLUMN IF EXISTS search_vector;
"""


class PostgresOnlySQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("community", "0003_notifications_move_to_backcore")]

    operations = [PostgresOnlySQL(FORWARDS, BACKWARDS)]
