"""CPU per request of every key page, in-process, against the bare view in the same run.

    DATABASE_URL=postgres://…/backcore_bench .venv/bin/python bench/cpu.py
        [--requests 100] [--rounds 5] [--only "/today/;thread, last page"]
        [--profile "thread, last page"] [--json out.json]

or `bench/run.py --cpu` (`make bench-cpu`), which prepares the database first.

On a machine shared with other work, wall-clock req/s swings with everyone else's load; CPU
time spent on a request does not. This drives Django's own WSGI handler (the middleware
gunicorn runs) with production settings (`DJANGO_ENV=production`, DEBUG off, cached templates,
manifest static files, Redis cache, a persistent connection) and a real session cookie for
each of `bench/run.py`'s people, over `bench/run.py`'s page list (`targets()`), and counts per
request: CPU of this Python process (`time.process_time`: Python, templates, the driver's
share of the queries), CPU of its PostgreSQL backend (utime + stime from /proc, when the server
runs on this machine; 10 ms ticks, summed over a round) and queries. Pages take turns in
`--rounds` rounds after 3 warm-up requests each, so drift in the machine's load touches every
page alike. "÷ bare" is the bare view's CPU over the page's (what req/s ÷ bare would be if
every request were CPU-bound): "(both)" counts PostgreSQL's CPU too, and is the figure the
targets are read against. Every page must answer 200. Not part of `make test`.

Two-factor for staff is off here (`MFA_REQUIRED_FOR_STAFF=false`), as for the demo logins:
otherwise the coach pages would be a redirect to the two-factor setup.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="per page, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--only", default="", help="page names separated by ';' (the bare view always runs)"
    )
    parser.add_argument("--profile", default="", help="page name: print a cProfile of it")
    parser.add_argument("--profile-out", default="", help="with --profile: also dump the stats")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    return parser.parse_args(argv)


def setup():
    os.environ.update(
        {
            "DJANGO_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "BENCH_BARE_VIEW": "true",
            "CONN_MAX_AGE": "600",
            "LOG_LEVEL": "ERROR",
            "MFA_REQUIRED_FOR_STAFF": "false",
            "DJANGO_SETTINGS_MODULE": "backcore.settings",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)


def backend_cpu_ticks() -> int | None:
    """utime + stime of this connection's PostgreSQL backend, in clock ticks (None if remote)."""
    from django.db import connection

    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def environ(url: str, cookie: str) -> dict:
    path, _, query = url.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def measure(args) -> dict:
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from bench.run import people, select, signed_in_cookie, targets

    handler = WSGIHandler()
    who = people()
    cookies = {key: signed_in_cookie(user) for key, user in who.items()}
    pages = select(targets(), args.only)

    def get(url, key):
        status = []
        body = handler(environ(url, cookies[key]), lambda s, h, *a: status.append(s))
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{url}: {status[0]}")
        return content

    cache.clear()  # nothing kept from another version of the code (the bench's own Redis db)
    for _name, url, key in pages:  # plan today and warm every cache
        for _ in range(3):
            get(url, key)

    if args.profile:
        import cProfile
        import pstats

        name, url, key = next(p for p in pages if p[0] == args.profile)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.requests):
            get(url, key)
        profiler.disable()
        if args.profile_out:
            profiler.dump_stats(args.profile_out)
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumulative").print_stats(70)
        return {}

    counter = Counter()
    rows = {name: {"py": [], "pg": 0, "n": 0, "q": 0} for name, *_ in pages}
    per_round = max(1, args.requests // args.rounds)
    with connection.execute_wrapper(counter):
        for _ in range(args.rounds):
            for name, url, key in pages:
                row = rows[name]
                counter.queries = 0
                ticks = backend_cpu_ticks()
                for _ in range(per_round):
                    started = time.process_time()
                    get(url, key)
                    row["py"].append(time.process_time() - started)
                after = backend_cpu_ticks()
                row["pg"] += (after - ticks) if ticks is not None and after is not None else 0
                row["n"] += per_round
                row["q"] += counter.queries
    return figures(rows, per_round * args.rounds, args.rounds)


def figures(rows: dict, requests: int, rounds: int) -> dict:
    hz = os.sysconf("SC_CLK_TCK")
    pages = {}
    for name, row in rows.items():
        py = statistics.fmean(row["py"])
        pg = row["pg"] / hz / row["n"]
        pages[name] = {
            "python_ms": round(py * 1000, 2),
            "python_p50_ms": round(statistics.median(row["py"]) * 1000, 2),
            "postgres_ms": round(pg * 1000, 2),
            "queries": round(row["q"] / row["n"], 1),
        }
    bare = pages["bare view"]
    for data in pages.values():
        data["ratio_python"] = round(bare["python_ms"] / data["python_ms"], 3)
        data["ratio_both"] = round(
            (bare["python_ms"] + bare["postgres_ms"]) / (data["python_ms"] + data["postgres_ms"]),
            3,
        )
    return {
        "pages": pages,
        "conditions": {
            "load_average_end": round(os.getloadavg()[0], 1),
            "requests_a_page": requests,
            "rounds": rounds,
        },
    }


def report(result: dict) -> str:
    lines = [
        f"load average {result['conditions']['load_average_end']} at the end; "
        f"{result['conditions']['requests_a_page']} requests a page "
        f"in {result['conditions']['rounds']} rounds",
        "",
        "| page | Python CPU ms (p50) | PostgreSQL CPU ms | queries | ÷ bare (Python) "
        "| ÷ bare (both) |",
        "|---|---|---|---|---|---|",
    ]
    for name, d in result["pages"].items():
        lines.append(
            f"| {name} | {d['python_ms']:.2f} ({d['python_p50_ms']:.2f}) | {d['postgres_ms']:.2f} "
            f"| {d['queries']:g} | {d['ratio_python']:.3f} | {d['ratio_both']:.3f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    args = parse_args(argv)
    setup()
    result = measure(args)
    if not result:
        return
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print(report(result), flush=True)


if __name__ == "__main__":
    main()
