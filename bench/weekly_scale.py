"""`make bench-weekly`: the weekly run on real Celery workers at 10,000 and 100,000 members.

    .venv/bin/python bench/weekly_scale.py [--base backcore_bench10k] [--members 10000]
        [--scales 1,10] [--workers 2] [--chunk-size 500] [--redis redis://127.0.0.1:6379/8]
        [--keep]

Issue 18's weekly-run figures in one command. The base is a bench database of `--members`
members; when `--base` does not exist it is made first, as `bench/run.py` makes its own
(`bench_data --members N`, about 6–9 minutes for 10,000 here). For each scale it copies the
base (`CREATE DATABASE … TEMPLATE`), grows the copy to scale × members with
`bench/copy_members.py`, vacuums and analyses it (autovacuum may be off on a test server),
empties the Redis db (the workers' broker: use one no test suite shares), and reviews last
week on real Celery workers (`bench/weekly_workers.py`: wall time, CPU and peak RSS of each
process, the queries the workers ran). The copies are dropped afterwards unless `--keep`.

Prints a Markdown table, the scaling from the first scale to the last and the conditions
(with a fixed pure-Python workload's CPU time, to compare machines), and writes
bench/last-weekly.json. About 10 minutes for 10k and 100k on a 2-core machine, plus the
base if it has to be made. Not part of `make test`.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PY, fresh_database, prepare, sh  # noqa: E402 -- after the path

TARGETS = "100,000 members in ≤ 60 s and ≤ 500 MB a process; 10k → 100k ≤ 11×"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="backcore_bench10k")
    parser.add_argument("--members", type=int, default=10_000, help="for a new base")
    parser.add_argument("--seed", type=int, default=18, help="for a new base")
    parser.add_argument("--history-days", type=int, default=28, help="for a new base")
    parser.add_argument("--scales", default="1,10", help="multiples of the base, e.g. 1,10")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--keep", action="store_true", help="keep the grown copies")
    args = parser.parse_args(argv)
    args.scales = [int(scale) for scale in args.scales.split(",")]
    if any(scale < 1 for scale in args.scales):
        parser.error("--scales are whole multiples of the base, 1 or more")
    return args


def _admin(args):
    import psycopg

    return psycopg.connect(f"{args.pg}/postgres", autocommit=True)


def database_exists(args, name: str) -> bool:
    with _admin(args) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def make_base(args, env: dict) -> None:
    """The base bench database, made as `bench/run.py` makes its own."""
    prepare(
        argparse.Namespace(
            reuse=False,
            pg=args.pg,
            database=args.base,
            members=args.members,
            seed=args.seed,
            history_days=args.history_days,
        ),
        {**env, "DATABASE_URL": f"{args.pg}/{args.base}"},
    )


def grown_copy(args, name: str, scale: int) -> float:
    """`name`: a copy of the base with scale × its members, vacuumed and analysed. Returns the
    seconds it took."""
    import psycopg

    started = time.monotonic()
    fresh_database(args.pg, name, template=args.base)
    if scale > 1:
        sh(PY, "bench/copy_members.py", name, str(scale - 1))
    with psycopg.connect(f"{args.pg}/{name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return round(time.monotonic() - started, 1)


def drop(args, name: str) -> None:
    with _admin(args) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def weekly_on_workers(args, env: dict, database: str) -> dict:
    """`bench/weekly_workers.py` on `database`, its JSON report."""
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    out = subprocess.run(
        [PY, "bench/weekly_workers.py", str(args.workers), str(args.chunk_size)],
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"{args.pg}/{database}"},
        capture_output=True,
        text=True,
    )
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit(f"the weekly run failed on {database}:\n{out.stdout}\n{out.stderr}")


def calibration_ms() -> float:
    """CPU time of a fixed pure-Python workload (best of 3): how fast this machine is, so runs
    on different machines can be compared."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i % 7
        best = min(best, time.process_time() - started)
    return round(best * 1000, 1)


def report(runs: list[dict], conditions: dict) -> str:
    lines = [
        "| members | workers | wall s | CPU s a worker | peak RSS MB a process | queries on the "
        "workers (a chunk) | decisions | advanced | copy made in s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in runs:
        workers_cpu = run["cpu_seconds_per_process"][1:]  # the first is the main process
        lines.append(
            f"| {run['members']:,} | {run['workers']} | {run['seconds']} | "
            f"{', '.join(str(cpu) for cpu in workers_cpu)} | "
            f"{max(run['peak_rss_mb_per_process'])} | "
            f"{run['queries_on_workers']:,} ({run['queries_per_chunk']}) | "
            f"{run['result']['decisions_written']:,} | {run['result']['advanced']:,} | "
            f"{run['copy_seconds']} |"
        )
    first, last = runs[0], runs[-1]
    if len(runs) > 1 and first["seconds"]:
        lines += [
            "",
            f"Scaling: {last['members'] / first['members']:.1f}× the members took "
            f"{last['seconds'] / first['seconds']:.1f}× the time.",
        ]
    lines += ["", f"Targets: {TARGETS}.", "", "Conditions: " + json.dumps(conditions)]
    return "\n".join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    env = {
        **os.environ,
        "REDIS_URL": args.redis,
        "DJANGO_SETTINGS_MODULE": "backcore.settings",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    }
    env.pop("DJANGO_ENV", None)
    if not database_exists(args, args.base):
        print(f"making the base {args.base} ({args.members} members)…", flush=True)
        make_base(args, env)
    runs = []
    for scale in args.scales:
        name = f"{args.base}_weekly_x{scale}"
        print(f"{args.base} × {scale} into {name}…", flush=True)
        try:
            copy_seconds = grown_copy(args, name, scale)
            run = weekly_on_workers(args, env, name)
        finally:
            if not args.keep:
                drop(args, name)
        run["copy_seconds"] = copy_seconds
        print(json.dumps(run), flush=True)
        runs.append(run)
    load = os.getloadavg()
    conditions = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, load average {load[0]:.1f} at the end",
        "calibration_cpu_ms": calibration_ms(),
        "base": args.base,
        "chunk_size": args.chunk_size,
        "workers": f"celery worker -c {args.workers} (prefork), Redis broker",
        "database": "PostgreSQL (local), each scale on a fresh copy",
    }
    (ROOT / "bench" / "last-weekly.json").write_text(
        json.dumps({"runs": runs, "conditions": conditions}, indent=2)
    )
    print(report(runs, conditions))


if __name__ == "__main__":
    main()
