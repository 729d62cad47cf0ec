"""CPU time per request, in-process, for pages of a bench database: a figure that holds on a
shared, loaded machine where wrk's req/s does not.

    DATABASE_URL=postgres://…/backcore_bench .venv/bin/python bench/cpu_pages.py [--rounds 30]
        [--only "/exercises/;category"] [--profile "thread, last page"]

Logs the bench people in with Django's test Client (production settings, DEBUG off, cached
templates), then requests every page of `bench/run.py`'s list in rounds (page after page, so a
burst of load hits them all alike) and times each request with `time.process_time` (this
process only: Python, templates, the driver's share of the queries) and the wall time spent in
the database. Prints, per page: CPU median and p95 in ms, the ratio bare ÷ page (what req/s
÷ bare would be if CPU bound), queries, and database wall ms. `--profile NAME` runs
cProfile (CPU time) over that page's requests instead.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    os.environ.update(
        {
            "DJANGO_ENV": "production",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
            "DEBUG": "false",
            "BENCH_BARE_VIEW": "true",
            "LOG_LEVEL": "ERROR",
            "MFA_REQUIRED_FOR_STAFF": "false",
            "CONN_MAX_AGE": "60",
        }
    )
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcore.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    from django.core.cache import cache

    cache.clear()  # nothing kept from another version of the code (use a cache of your own)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from run import people, targets

    who = people()
    pages = targets()
    if args.only:
        wanted = set(args.only.split(";"))
        pages = [p for p in pages if p[0] in wanted or p[0] == "bare view"]
    clients = {}
    for key, user in who.items():
        clients[key] = Client(HTTP_HOST="testserver")
        clients[key].force_login(user)
    db_ms = [0.0]

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_ms[0] += (time.perf_counter() - started) * 1000

    info = {}
    for name, url, key in pages:
        for _ in range(2):  # warm caches
            response = clients[key].get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = clients[key].get(url)
        info[name] = {"queries": len(ctx), "status": response.status_code, "cpu": [], "db": []}
    if args.profile:
        import cProfile
        import pstats

        name, url, key = next(p for p in pages if p[0] == args.profile)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.rounds):
            clients[key].get(url)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumulative").print_stats(60)
        return
    with connection.execute_wrapper(timer):
        for _ in range(args.rounds):
            for name, url, key in pages:
                db_ms[0] = 0.0
                started = time.process_time()
                clients[key].get(url)
                info[name]["cpu"].append((time.process_time() - started) * 1000)
                info[name]["db"].append(db_ms[0])
    bare = statistics.median(info["bare view"]["cpu"])
    print(f"rounds: {args.rounds}; load average: {os.getloadavg()}")
    print(
        "| page | CPU p50 ms | CPU p95 ms | bare ÷ page (CPU) | queries | DB wall p50 ms | status |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, data in info.items():
        cpu = sorted(data["cpu"])
        p50 = statistics.median(cpu)
        p95 = cpu[min(len(cpu) - 1, int(len(cpu) * 0.95))]
        print(
            f"| {name} | {p50:.2f} | {p95:.2f} | {bare / p50:.3f} | {data['queries']} "
            f"| {statistics.median(data['db']):.1f} | {data['status']} |"
        )


if __name__ == "__main__":
    main()
