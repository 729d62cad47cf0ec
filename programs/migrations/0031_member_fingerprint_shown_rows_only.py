"""The member fingerprint hashes only the progression decisions Progress lists (the newest
8, in its order) instead of the member's whole history of them: no page shows an older one,
and a long-standing member's hundreds of decisions were a third of the fingerprint's cost.
Exercise steps and images leave it: only the player shows them, and it has had its own
fingerprint since 0030 (for a member with a long plan window they were the costliest part).
The body must equal programs.selectors.page_cache.fingerprint_function_body() (a test checks)."""

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
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_progressiondecision" t WHERE t.id IN (SELECT d.id FROM programs_progressiondecision d WHERE d.member_id = p_member ORDER BY d.week_start DESC, d.id LIMIT 8)),
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
    (SELECT count(*)::text || '.' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0)::text FROM "programs_goalrating" t WHERE t.goal_id IN (SELECT g.id FROM programs_goal g WHERE g.member_id = p_member)))
);
END
$fingerprint$;
"""


def replace(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def restore(apps, schema_editor):
    """Back to migration 0025's function (every decision of the member)."""
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        previous = import_module("programs.migrations.0025_member_fingerprint_function")
        schema_editor.execute(previous.FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("programs", "0030_player_fingerprint_function")]

    operations = [migrations.RunPython(replace, restore)]
