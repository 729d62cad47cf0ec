"""Time the reminder scan on a large copy of the bench database:

    DATABASE_URL=… .venv/bin/python bench/reminder_scan.py [runs] [first hour, UTC]

`reminders_due` as the beat calls it, every 5 minutes for 4 hours (from 05:00 UTC unless told;
a second run on the same copy must start where the last one ended): each moment
scanned `runs` times, then what it found is recorded as sent and each found member's next
reminder stored, as the send task does (outside the timing), so the next moment finds only the
newly due. Prints the median and p95 of the scans, the members due, the queries a scan makes
and the plan of its indexed read. The tables are analyzed once an hour of scans, as
autovacuum would. It writes: use a copy (bench/copy_members.py makes 100k).
"""

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    first_hour = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcore.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from programs.models import ReminderSent, ReminderSettings
    from programs.services.reminders import (
        reminder_candidates,
        reminder_next_store,
        reminders_due,
    )

    day = timezone.localdate()
    start = datetime.combine(day, clock(first_hour, 0), tzinfo=UTC)
    scans, due, queries, slowest = [], [], set(), []
    reminders_due(now=start)  # the first scan brings every stale row up to date
    first_started = time.perf_counter()
    for step in range(48):
        now = start + timedelta(minutes=5 * step)
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                found = reminders_due(now=now)
                scans.append((time.perf_counter() - began) * 1000)
            queries.add(len(ctx))
            slowest.append((round(scans[-1], 1), now.strftime("%H:%M"), len(ctx), len(found)))
        due.append(len(found))
        ReminderSent.objects.bulk_create(
            [ReminderSent(member_id=r.member_id, local_date=r.local_date) for r in found],
            ignore_conflicts=True,
        )
        for reminder in ReminderSettings.objects.filter(member_id__in=[r.member_id for r in found]):
            reminder_next_store(reminder=reminder, now=now)
        if step % 12 == 11:
            # About what autovacuum does to a table whose rows all change in a day. Machines
            # here may run PostgreSQL with autovacuum off, and stale statistics make the
            # planner read every row to find a few.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE programs_remindersettings, programs_remindersent")
    total = time.perf_counter() - first_started
    scans.sort()
    sql, params = reminder_candidates(now=start).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print(
        json.dumps(
            {
                "members_with_reminders_on": ReminderSettings.objects.filter(enabled=True).count(),
                "scans": len(scans),
                "p50_ms": round(statistics.median(scans), 2),
                "p95_ms": round(scans[int(len(scans) * 0.95)], 2),
                "max_ms": round(scans[-1], 2),
                "due_per_scan": {"min": min(due), "max": max(due)},
                "queries_per_scan": sorted(queries),
                "seconds_in_all": round(total, 1),
                "slowest_scans_ms_at_queries_due": sorted(slowest, reverse=True)[:8],
                "load": os.getloadavg(),
                "plan": plan,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
