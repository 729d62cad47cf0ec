"""Time a real weekly run on Celery workers: start a run, wait until its last chunk is done.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/weekly_workers.py [workers] [chunk size]

Starts `celery worker -c <workers>` (bench/counting_celery.py: the project's app with each
task's queries counted), starts a run for last week for every active member and prints wall
time, result, the queries the workers ran and each worker process's peak RSS and CPU. It
writes: use a copy of the bench database (`make bench-weekly` makes the copies). Not part of
`make bench` (it needs a Redis db no test suite clears meanwhile).
"""

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pids(group: int) -> list[str]:
    """The group's processes, its leader (the worker's main process) first."""
    pids = subprocess.run(["pgrep", "-g", str(group)], capture_output=True, text=True).stdout
    return sorted(pids.split(), key=lambda pid: (pid != str(group), int(pid)))


def peak_rss_mb(group: int) -> list[int]:
    peaks = []
    for pid in _pids(group):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM"):
                peaks.append(int(line.split()[1]) // 1024)
    return peaks


def cpu_seconds(group: int) -> list[float]:
    """User + system CPU of each process in the group so far (the workers' own Python work)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = []
    for pid in _pids(group):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out.append(round((int(fields[11]) + int(fields[12])) / ticks, 1))
    return out


@contextmanager
def celery_workers(count: int):
    """`celery worker -c <count>` in a process group of its own, given time to boot; stopped
    on leaving. Yields the worker's process (its pid is the group's)."""
    celery = str(Path(sys.executable).parent / "celery")
    worker = subprocess.Popen(
        [celery, "-A", "bench.counting_celery", "worker", "-c", str(count), "-l", "warning"]
        + ["--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        time.sleep(12)  # let the workers boot
        yield worker
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)


def main() -> None:
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    chunk_size = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcore.settings")
    import django

    django.setup()
    import redis
    from django.utils import timezone

    from bench.counting_celery import QUERIES_KEY
    from programs.services.progression import progression_run_result, progression_run_start

    counter = redis.Redis.from_url(os.environ["REDIS_URL"])
    counter.delete(QUERIES_KEY)
    with celery_workers(workers) as worker:
        today = timezone.localdate()
        week_start = today - timedelta(days=today.weekday() + 7)
        load_at_start = os.getloadavg()
        started = time.perf_counter()
        run = progression_run_start(week_start=week_start, chunk_size=chunk_size)
        while run.finished_at is None:
            time.sleep(0.2)
            run.refresh_from_db()
        elapsed = time.perf_counter() - started
        peaks = peak_rss_mb(worker.pid)
        cpu = cpu_seconds(worker.pid)
    chunks = run.chunks.count()
    queries = int(counter.get(QUERIES_KEY) or 0)  # every task's, the workers' (counted as run)
    report = {
        "members": run.members,
        "workers": workers,
        "chunk_size": chunk_size,
        "chunks": chunks,
        "seconds": round(elapsed, 1),
        "result": vars(progression_run_result(run=run)),
        "queries_on_workers": queries,
        "queries_per_chunk": round(queries / chunks, 1) if chunks else None,
        # each process of the worker, its main process first
        "peak_rss_mb_per_process": peaks,
        "cpu_seconds_per_process": cpu,
        "load_at_start": load_at_start,
        "load": os.getloadavg(),
        # a chunk's mean time on a worker: every worker busy from the first chunk to the last
        "seconds_per_chunk": round(elapsed * workers / chunks, 2) if chunks else None,
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
