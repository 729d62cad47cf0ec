"""The member fingerprint as a PL/pgSQL function: PostgreSQL keeps its plan per connection, so
a kept page no longer pays for planning a twenty-subquery statement on every request.
The body must equal programs.selectors.page_cache.fingerprint_function_body() (a test checks);
a change to the fingerprinted tables comes with a migration that replaces the function."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION programs_member_fingerprint(p_member bigint, p_since date, p_until date)
RETURNS text LANGUAGE plpgsql STABLE AS $fingerprint$
BEGIN
RETURN (
SELECT concat_ws(':',
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_intake" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_enrolment" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_memberdose" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_safetyscreen" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_emergencylift" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_painescalation" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_progressiondecision" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_milestone" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_coachalert" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_conversation" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_goal" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_outcomecheck" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_recheckskip" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_progresstotals" t WHERE t.member_id = p_member),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_plannedsession" t WHERE t.member_id = p_member AND t.date BETWEEN p_since AND p_until),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_planneditem" t WHERE t.session_id IN (SELECT s.id FROM programs_plannedsession s WHERE s.member_id = p_member AND s.date BETWEEN p_since AND p_until)),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_message" t WHERE t.conversation_id IN (SELECT c.id FROM programs_conversation c WHERE c.member_id = p_member)),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_goalrating" t WHERE t.goal_id IN (SELECT g.id FROM programs_goal g WHERE g.member_id = p_member)),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "exercises_exercisestep" t WHERE t.exercise_id IN (SELECT i.exercise_id FROM programs_planneditem i JOIN programs_plannedsession s ON s.id = i.session_id WHERE s.member_id = p_member AND s.date BETWEEN p_since AND p_until)),
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "exercises_exerciseimage" t WHERE t.exercise_id IN (SELECT i.exercise_id FROM programs_planneditem i JOIN programs_plannedsession s ON s.id = i.session_id WHERE s.member_id = p_member AND s.date BETWEEN p_since AND p_until)))
);
END
$fingerprint$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS programs_member_fingerprint(bigint, date, date)"
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0024_reminder_next_local_date")]

    operations = [migrations.RunPython(create, drop)]
