"""Where a weekly run's time goes, in one process, rolled back:

    DATABASE_URL=… .venv/bin/python bench/weekly_profile.py [members] [chunk size]

Runs `progression_run_week` for last week over the first `members` active enrolments (all by
default) inside a transaction that is rolled back, and prints: wall time, the app's CPU, the
CPU of the PostgreSQL backend serving it (read from /proc: the database must run on this
machine), each statement's total time, and checksums of what the run wrote (decisions, doses,
enrolments, milestones) so that two versions of the code can be compared on the same data.
On a loaded machine wall and statement times include waiting for a core; compare the CPUs.
"""

import collections
import json
import os
import re
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHECKSUMS = {
    "decisions": """
        SELECT count(*) || ' ' || md5(string_agg(md5(concat_ws('|', member_id, week_start,
            exercise_id, kind, reason, before_hold_seconds, before_reps, before_sets,
            after_hold_seconds, after_reps, after_sets)), '' ORDER BY member_id, exercise_id))
        FROM programs_progressiondecision WHERE week_start = %s""",
    "doses": """
        SELECT md5(string_agg(md5(concat_ws('|', member_id, exercise_id, hold_seconds, reps,
            sets, carried, variation_id, kind, reason, weeks_at_dose)), ''
            ORDER BY member_id, exercise_id)) FROM programs_memberdose""",
    "enrolments": """
        SELECT md5(string_agg(md5(concat_ws('|', member_id, phase_id, phase_started_on, status,
            weeks_in_phase, weeks_away, red_weeks, red_weeks_at_floor, weeks_trained,
            last_reviewed_week, contact_coach_suggested_on)), '' ORDER BY member_id))
        FROM programs_enrolment""",
    "decision_kinds": """
        SELECT string_agg(kind || '=' || n, ' ' ORDER BY kind) FROM (SELECT kind, count(*) n
        FROM programs_progressiondecision WHERE week_start = %s GROUP BY kind) k""",
    "escalations": """
        SELECT count(*) || ' ' || md5(coalesce(string_agg(concat_ws('|', member_id, kind, day),
            ',' ORDER BY member_id, kind, day), '')) FROM programs_painescalation""",
    "milestones": """
        SELECT count(*) || ' ' || md5(string_agg(concat_ws('|', member_id, kind, phase_id,
            week_start, reached_on), ',' ORDER BY member_id, kind, phase_id))
        FROM programs_milestone""",
}


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    chunk_size = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcore.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from programs.services import progression

    statements: dict[str, list] = collections.defaultdict(lambda: [0, 0.0])

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements[re.sub(r"\s+", " ", sql)[:80]]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    if members:
        active = progression._active_enrolments
        last = list(active().order_by("pk").values_list("pk", flat=True)[:members])[-1]
        progression._active_enrolments = lambda: active().filter(pk__lte=last)
    today = timezone.localdate()
    week_start = today - timedelta(days=today.weekday() + 7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with transaction.atomic():
        with connection.execute_wrapper(timed):
            cpu, pg_cpu, wall = time.process_time(), backend_cpu(pid), time.perf_counter()
            result = progression.progression_run_week(week_start=week_start, chunk_size=chunk_size)
            wall = time.perf_counter() - wall
            cpu, pg_cpu = time.process_time() - cpu, backend_cpu(pid) - pg_cpu
        sums = {}
        with connection.cursor() as cursor:
            for name, sql in CHECKSUMS.items():
                cursor.execute(sql, [week_start + timedelta(days=7)] if "%s" in sql else [])
                sums[name] = cursor.fetchone()[0]
        transaction.set_rollback(True)
    report = {
        "result": vars(result),
        "wall_s": round(wall, 2),
        "app_cpu_s": round(cpu, 2),
        "postgres_backend_cpu_s": round(pg_cpu, 2),
        "statements_s": round(sum(total for _, total in statements.values()), 2),
        "queries": sum(count for count, _ in statements.values()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "checksums": sums,
        "load": os.getloadavg(),
    }
    print(json.dumps(report))
    for sql, (count, total) in sorted(statements.items(), key=lambda kv: -kv[1][1])[:15]:
        print(f"{total:8.2f} s {count:5d}  {sql}")


if __name__ == "__main__":
    main()
