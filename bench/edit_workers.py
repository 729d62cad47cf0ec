"""Time the replanning after a coach's programme-wide edit on real Celery workers: record an edit
of every phase that visits every active member (as a lowered weekly cap does), wait until its
last chunk is done.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/edit_workers.py [workers]

Starts `celery worker -c <workers>`, records the edit as the admin does (its fan-out task sent
after commit), and prints wall time, members, chunks, each worker process's CPU seconds and the
load. It writes (plans are made again): use a bench database of its own. Not part of
`make bench` (it needs a Redis db no test suite clears meanwhile).
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.weekly_workers import celery_workers, cpu_seconds


def main() -> None:
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcore.settings")
    import django

    django.setup()
    from django.db import transaction

    from programs.models import Phase, ProgrammeEdit
    from programs.services import programme_edits

    with celery_workers(workers) as worker:
        phases = list(Phase.objects.values_list("pk", flat=True))
        load_at_start = os.getloadavg()
        cpu_at_start = sum(cpu_seconds(worker.pid))
        started = time.perf_counter()
        with transaction.atomic():
            edit = programme_edits.programme_edit_record(
                summary="bench: every phase", phase_ids=phases, every_member_of_phases=True
            )
        while edit.finished_at is None and edit.failed_at is None:
            time.sleep(0.2)
            edit.refresh_from_db()
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds(worker.pid)
    edit = ProgrammeEdit.objects.get(pk=edit.pk)
    chunks = edit.chunks.count()
    report = {
        "members": edit.members,
        "members_replanned": edit.members_replanned,
        "workers": workers,
        "chunks": chunks,
        "chunk_size": programme_edits.REPLAN_CHUNK,
        "seconds": round(elapsed, 1),
        "cpu_seconds_per_process": cpu,
        "worker_cpu_seconds": round(sum(cpu) - cpu_at_start, 1),
        "load_at_start": load_at_start,
        "load": os.getloadavg(),
        "ms_per_member_wall": round(elapsed * 1000 / max(1, edit.members), 1),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
