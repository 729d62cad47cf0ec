"""CPU per request of the member pages, in-process, against the bare view in the same run.

    .venv/bin/python bench/cpu.py [--requests 200] [--rounds 5] [--only "/today/,player"]

On a machine shared with other work, wall-clock req/s swings with everyone else's load; CPU
time spent on a request does not. This drives Django's own WSGI handler (the same middleware
gunicorn runs, production settings, Redis cache) with a real session cookie against the
database in DATABASE_URL (bench data: `manage.py bench_data --members N`), and counts, per
request: CPU of this Python process (`time.process_time`), CPU of its PostgreSQL backend (from
/proc, when the server runs on this machine), and queries. Pages take turns in `--rounds`
rounds, so drift in the machine's state touches every page alike. Not part of `make test`.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    ("bare view", "/bench/bare/", "member"),
    ("/today/", "/today/", "member"),
    ("player", "/today/session/", "member"),
    ("/programme/", "/programme/", "member"),
    ("/progress/", "/progress/", "member"),
    ("/progress/ (heavy member)", "/progress/", "heavy"),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per page, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--profile", default="", help="page name: print a cProfile of it")
    return parser.parse_args()


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


def environ(path: str, cookie: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": f"sessionid={cookie}",
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


def main():
    args = parse_args()
    setup()
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    from bench.run import people, session_cookie

    handler = WSGIHandler()
    who = people()
    cookies = {key: session_cookie(user) for key, user in who.items()}
    pages = PAGES
    if args.only:
        wanted = set(args.only.split(","))
        pages = [p for p in PAGES if p[0] in wanted or p[0] == "bare view"]

    def get(path, key):
        status = []
        body = handler(environ(path, cookies[key]), lambda s, h, *a: status.append(s))
        content = b"".join(body)
        if hasattr(body, "close"):
            body.close()
        if not status[0].startswith("200"):
            raise SystemExit(f"{path}: {status[0]}")
        return content

    cache.clear()
    for _name, path, key in pages:  # plan today and warm every cache
        for _ in range(3):
            get(path, key)

    if args.profile:
        import cProfile
        import pstats

        name, path, key = next(p for p in pages if p[0] == args.profile)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(args.requests):
            get(path, key)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(r"/(programs|backcore|exercises|community|payments)/", 60)
        stats.print_stats(25)
        return

    counter = Counter()
    totals = {name: {"py": 0.0, "pg": 0, "wall": 0.0, "n": 0, "q": 0} for name, *_ in pages}
    per_round = max(1, args.requests // args.rounds)
    hz = os.sysconf("SC_CLK_TCK")
    with connection.execute_wrapper(counter):
        for _ in range(args.rounds):
            for name, path, key in pages:
                counter.queries = 0
                ticks = backend_cpu_ticks()
                cpu, wall = time.process_time(), time.perf_counter()
                for _ in range(per_round):
                    get(path, key)
                row = totals[name]
                row["py"] += time.process_time() - cpu
                row["wall"] += time.perf_counter() - wall
                after = backend_cpu_ticks()
                row["pg"] += (after - ticks) if ticks is not None and after is not None else 0
                row["n"] += per_round
                row["q"] += counter.queries

    bare = totals["bare view"]
    bare_py = bare["py"] / bare["n"]
    bare_all = bare_py + bare["pg"] / hz / bare["n"]
    print(
        f"load average {os.getloadavg()[0]:.1f}; {per_round * args.rounds} requests a page "
        f"in {args.rounds} rounds\n"
    )
    print(
        "| page | Python CPU ms | PostgreSQL CPU ms | queries | ÷ bare (Python) | ÷ bare (both) |"
    )
    print("|---|---|---|---|---|---|")
    for name, row in totals.items():
        py = row["py"] / row["n"]
        pg = row["pg"] / hz / row["n"]
        print(
            f"| {name} | {py * 1000:.2f} | {pg * 1000:.2f} | {row['q'] / row['n']:.0f} "
            f"| {bare_py / py:.3f} | {bare_all / (py + pg):.3f} |"
        )


if __name__ == "__main__":
    main()
