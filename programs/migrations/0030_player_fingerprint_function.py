"""The session player's own fingerprint: the version of exactly the rows it draws (the day's
session, its items, their exercises, steps and images), five small subqueries instead of the
member pages' twenty. The body must equal
programs.selectors.page_cache.fingerprint_function_body("player") (a test checks)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION programs_player_fingerprint(p_member bigint, p_day date)
RETURNS text LANGUAGE plpgsql STABLE AS $fingerprint$
BEGIN
RETURN (
SELECT concat_ws(':',
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_plannedsession" t WHERE t.member_id = p_member AND t.date = p_day),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_planneditem" t WHERE t.session_id IN (SELECT s.id FROM programs_plannedsession s WHERE s.member_id = p_member AND s.date = p_day)),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "exercises_exercise" t WHERE t.id IN (SELECT i.exercise_id FROM programs_planneditem i JOIN programs_plannedsession s ON s.id = i.session_id WHERE s.member_id = p_member AND s.date = p_day)),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "exercises_exercisestep" t WHERE t.exercise_id IN (SELECT i.exercise_id FROM programs_planneditem i JOIN programs_plannedsession s ON s.id = i.session_id WHERE s.member_id = p_member AND s.date = p_day)),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "exercises_exerciseimage" t WHERE t.exercise_id IN (SELECT i.exercise_id FROM programs_planneditem i JOIN programs_plannedsession s ON s.id = i.session_id WHERE s.member_id = p_member AND s.date = p_day)))
);
END
$fingerprint$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS programs_player_fingerprint(bigint, date)")


class Migration(migrations.Migration):
    dependencies = [("programs", "0029_member_dose_variation_protected")]

    operations = [migrations.RunPython(create, drop)]
