"""`make bench`: measure BackCore as an operator would, against a bare view in the same run.

    .venv/bin/python bench/run.py --members 2000 [--reuse] [--duration 10] [--connections 32]
        [--cpu] [--no-wrk] [--only "/today/;thread, last page"]

Builds a fresh PostgreSQL database (default `backcore_bench`; `--reuse` keeps the last one),
fills it with `manage.py bench_data`, starts gunicorn (2 sync workers) with production
settings, drives each page with wrk (Debian's `wrk`) at 32 connections, and measures the rest
in-process: queries per page, search, the reminder scan, exports, the engine alone and the
weekly run (in a transaction that is rolled back). `--cpu` adds the CPU per request of every page
(`bench/cpu.py`: app and PostgreSQL CPU, ratio to the bare view; what to read on a shared,
loaded machine); `--cpu --no-wrk --skip-in-process` (`make bench-cpu`) runs only that. Prints a Markdown report (paste it into
BENCHMARKS.md) and writes the raw figures to bench/last-run.json. Not part of `make test`.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WEBHOOK_SECRET = "whsec_bench_only"


def sh(*args, env=None, quiet=True):
    out = subprocess.run(args, cwd=ROOT, env=env, capture_output=quiet, text=True)
    if out.returncode:
        raise SystemExit(f"failed: {' '.join(args)}\n{out.stdout}\n{out.stderr}")
    return out.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(func, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return {
        "p50_ms": round(statistics.median(runs), 2),
        "p95_ms": round(runs[min(len(runs) - 1, int(len(runs) * 0.95))], 2),
        "runs": repeat,
    }


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--history-days", type=int, default=28)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database", default="backcore_bench")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    parser.add_argument(
        "--only", default="", help="page names separated by ';' (the bare view always runs)"
    )
    parser.add_argument("--skip-in-process", action="store_true")
    parser.add_argument("--no-wrk", action="store_true", help="no gunicorn and wrk pass")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU per request of every page (bench/cpu.py)"
    )
    parser.add_argument("--cpu-requests", type=int, default=100, help="per page, --cpu")
    parser.add_argument("--cpu-rounds", type=int, default=5)
    return parser.parse_args()


def prepare(args, env):
    if args.reuse:
        analyze(args)
        return
    fresh_database(args.pg, args.database)
    print("migrating…", flush=True)
    sh(PY, "manage.py", "migrate", "--noinput", "-v0", env=env)
    print(f"bench_data --members {args.members} --seed {args.seed}…", flush=True)
    started = time.monotonic()
    print(
        sh(
            PY,
            "manage.py",
            "bench_data",
            f"--members={args.members}",
            f"--seed={args.seed}",
            f"--history-days={args.history_days}",
            env=env,
        ),
        flush=True,
    )
    print(f"data generated in {time.monotonic() - started:.0f} s", flush=True)
    analyze(args)


def fresh_database(pg: str, name: str, *, template: str | None = None) -> None:
    """`name` dropped if it is there and made again: empty, or a copy of `template`."""
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def analyze(args):
    """Fresh planner statistics, as autovacuum keeps them in production (it may be off on a
    test server): without them PostgreSQL plans the bulk-loaded tables as if nearly empty."""
    import psycopg

    with psycopg.connect(f"{args.pg}/{args.database}", autocommit=True) as conn:
        conn.execute("ANALYZE")


def setup_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcore.settings")
    import django

    django.setup()


def signed_in_cookie(user) -> str:
    """The Cookie header a signed-in browser sends: its session and, as after its first page,
    its CSRF cookie (without one, every page that draws a form would make a new CSRF secret
    and set the cookie again, which a member's browser does once)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.utils.crypto import get_random_string

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.set_expiry(24 * 3600)
    store.save()
    csrf = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
    session = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return f"{session}; {settings.CSRF_COOKIE_NAME}={csrf}"


def targets():
    """(name, url, who) for every page driven with wrk; who is a key of `people()`."""
    from community.models import Category, Post, Thread
    from exercises.models import Exercise

    long_thread = (
        Thread.objects.order_by("-reply_count", "pk").values_list("pk", "reply_count").first()
    )
    last_page = long_thread[1] // 20 + 1
    exercise = Exercise.objects.filter(is_published=True).order_by("slug").first()
    category = Category.objects.order_by("-post_count").first()
    assert Post.objects.exists()
    return [
        ("bare view", "/bench/bare/", "member"),
        ("/today/", "/today/", "member"),
        ("player", "/today/session/", "member"),
        ("/programme/", "/programme/", "member"),
        ("/progress/", "/progress/", "member"),
        ("/progress/ (heavy member)", "/progress/", "heavy"),
        ("/exercises/", "/exercises/", "member"),
        ("exercise page", f"/exercises/{exercise.slug}/", "member"),
        ("/community/", "/community/", "member"),
        ("category", f"/community/c/{category.slug}/", "member"),
        ("thread, last page", f"/community/t/{long_thread[0]}/?page={last_page}", "member"),
        ("search 'pain'", "/community/search/?q=pain", "member"),
        ("search 'kayak' (rare)", "/community/search/?q=kayak", "member"),
        ("/account/contributions/", "/account/contributions/", "member"),
        ("coach: decisions list", "/admin/programs/progressiondecision/", "coach"),
        ("coach: moderation queue", "/community/moderation/", "coach"),
    ]


def select(pages, only: str):
    """The pages named in `only` (';'-separated: names hold commas) and the bare view."""
    if not only:
        return pages
    wanted = {name.strip() for name in only.split(";")}
    unknown = wanted - {name for name, *_ in pages}
    if unknown:
        raise SystemExit(f"unknown pages: {sorted(unknown)}")
    return [p for p in pages if p[0] in wanted or p[0] == "bare view"]


def people():
    from backcore.accounts.models import User
    from backcore.bench import BENCH_EMAIL_DOMAIN

    bench = User.objects.filter(email__endswith=f"@{BENCH_EMAIL_DOMAIN}").order_by("pk")
    heavy = bench.first()
    member = bench.filter(enrolment__isnull=False, pk__gt=heavy.pk).order_by("pk")[5]
    coach = bench.get(email=f"coach@{BENCH_EMAIL_DOMAIN}")
    return {"member": member, "heavy": heavy, "coach": coach}


def query_counts(pages, who):
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    clients = {}
    for key, user in who.items():
        clients[key] = Client()
        clients[key].force_login(user)
        clients[key].get("/today/")  # plan today, as the first visit of the day does
    for name, url, key in pages:
        clients[key].get(url)  # warm caches
        reset_queries()  # the test client's request_started clears the log mid-capture
        with CaptureQueriesContext(connection) as ctx:
            response = clients[key].get(url)
        counts[name] = {"queries": len(ctx), "status": response.status_code}
    return counts


def wrk(url, cookie, *, connections, duration, body_file=None, signature=None):
    env = dict(os.environ)
    if body_file:
        env["BENCH_BODY_FILE"] = body_file
        env["BENCH_SIGNATURE"] = signature
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "report.lua"),
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        return {"error": out.stdout + out.stderr}
    data = json.loads(line[6:])
    data["rps"] = round(data["requests"] / data["seconds"], 1)
    return data


def in_process(who, results):
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from community import selectors as forum
    from programs.services.reminders import reminders_due

    member = who["member"]
    for word in ("pain", "kayak"):
        results[f"search '{word}' (selector)"] = timed(
            lambda w=word: list(forum.search_posts(query=w, user=member, page=1).object_list), 15
        )
    now = timezone.now()
    # Steady state: the first scan after data is loaded brings every row whose instant passed
    # unsent up to date (bounded per scan); the beat's scans every 5 minutes then find none.
    # bench/reminder_scan.py times a morning of scans on a 100k copy.
    reminders_due(now=now)
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        due = reminders_due(now=now)
    results["reminder scan"] = {
        **timed(lambda: reminders_due(now=now), 10),
        "due": len(due),
        "queries": len(ctx),
    }
    client = Client()
    client.force_login(who["heavy"])
    for name, url in (
        ("export JSON (heavy)", "/account/data/data.json"),
        ("export CSV (heavy)", "/account/data/log.csv"),
    ):

        def fetch(u=url):
            response = client.get(u)
            body = response.streaming_content if response.streaming else [response.content]
            return response, sum(len(chunk) for chunk in body)

        started = time.perf_counter()
        reset_queries()  # the test client's request_started clears the log mid-capture
        with CaptureQueriesContext(connection) as ctx:
            response, size = fetch()
        elapsed = (time.perf_counter() - started) * 1000
        tracemalloc.start()  # a second, traced run: tracemalloc slows Python down several times
        fetch()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        results[name] = {
            "ms": round(elapsed, 1),
            "peak_mb": round(peak / 2**20, 1),
            "bytes": size,
            "queries": len(ctx),
            "streaming": response.streaming,
        }
    results["engine alone"] = engine_alone()
    results["weekly run"] = weekly_run()


def engine_alone():
    from datetime import timedelta

    from django.utils import timezone

    from programs import engine
    from programs.models import Enrolment, Intake
    from programs.selectors import programme_build
    from programs.selectors.member import (
        HISTORY_DAYS,
        doses_for_members,
        history_records,
        member_state,
        sessions_for_members,
    )

    bundle = programme_build()
    today = timezone.localdate()
    week_start = today - timedelta(days=today.weekday() + 7)
    week_end = week_start + timedelta(days=7)
    enrolments = list(Enrolment.objects.select_related("phase").order_by("pk")[:1000])
    ids = [e.member_id for e in enrolments]
    intakes = {i.member_id: i for i in Intake.objects.filter(member_id__in=ids)}
    doses = doses_for_members(member_ids=ids)
    sessions = sessions_for_members(
        member_ids=ids, start=week_end - timedelta(days=HISTORY_DAYS), end=week_end
    )
    inputs = []
    for e in enrolments:
        intake = intakes[e.member_id]
        state = member_state(bundle=bundle, intake=intake, enrolment=e, doses=doses[e.member_id])
        history = history_records(
            sessions=sessions.get(e.member_id, []),
            slugs_by_id=bundle.slugs_by_id,
            training_weekdays=intake.training_weekdays,
            start=week_end - timedelta(days=HISTORY_DAYS),
            end=week_end,
            enrolled_on=e.phase_started_on,
        )
        inputs.append((state, history))
    # Wall time swings with the machine's load; CPU time (best of 3) is what to compare.
    walls, cpus = [], []
    for _ in range(3):
        wall, cpu = time.perf_counter(), time.process_time()
        for state, history in inputs:
            engine.progress_week(state, bundle.programme, history, week_start)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    count = max(1, len(inputs))
    return {
        "members": len(inputs),
        "ms_per_member": round(min(walls) * 1000 / count, 3),
        "cpu_ms_per_member": round(min(cpus) * 1000 / count, 3),
    }


def weekly_run():
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from programs.services import progression_run_week

    today = timezone.localdate()
    week_start = today - timedelta(days=today.weekday() + 7)
    import resource

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    reset_queries()
    # One process, chunk after chunk (production sends each chunk to a Celery worker).
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        result = progression_run_week(week_start=week_start)
        transaction.set_rollback(True)  # measure only: leave the bench data as it was
    elapsed = time.perf_counter() - started
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return {
        "seconds": round(elapsed, 2),
        "cpu_seconds_this_process": round(time.process_time() - cpu, 2),
        "peak_rss_growth_mb": round(grew / 1024, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "queries": len(ctx),
        "result": vars(result),
    }


def wait_until_up(url: str) -> None:
    import urllib.request

    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not come up")


def answers_ok(url: str, cookie: str) -> None:
    """The page itself must be what wrk times: a 200 to this person, not a redirect (wrk
    counts only 4xx and 5xx as failures, so a redirect to a login or two-factor page would be
    timed as the page)."""
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        status = opener.open(request, timeout=120).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise SystemExit(f"{url} answered {status}, not 200: the bench would time something else")


def drain(base: str) -> None:
    """Wait until both workers have answered everything wrk left queued (FIFO backlog)."""
    import urllib.request

    for _ in range(4):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=120).read()
        except OSError:
            time.sleep(1)


def webhook_body(tmp):
    import stripe

    payload = json.dumps({"id": "evt_bench_1", "type": "bench.ignored", "data": {"object": {}}})
    path = Path(tmp) / "event.json"
    path.write_text(payload)
    stamp = int(time.time())
    signed = stripe.WebhookSignature._compute_signature(f"{stamp}.{payload}", WEBHOOK_SECRET)
    return str(path), f"t={stamp},v1={signed}"


def main():
    args = parse_args()
    if not args.no_wrk and not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    base_env = {
        **os.environ,
        "DATABASE_URL": f"{args.pg}/{args.database}",
        "REDIS_URL": args.redis,
        "DJANGO_SETTINGS_MODULE": "backcore.settings",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "LOG_LEVEL": "ERROR",
        "DEBUG": "false",
        "BENCH_BARE_VIEW": "true",
        # one key for the sessions made here and the server that reads them
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    }
    base_env.pop("DJANGO_ENV", None)
    prepare(args, base_env)
    setup_django(base_env)
    from django.core.cache import cache

    cache.clear()  # the bench Redis db only
    who = people()
    pages = select(targets(), args.only)
    results = {"pages": {}, "in_process": {}}
    results["queries"] = query_counts(pages, who)
    if not args.no_wrk:
        drive(args, base_env, who, pages, results)
    if args.cpu:
        results["cpu"] = cpu_pass(args, base_env)
    if not args.skip_in_process:
        in_process(who, results["in_process"])
    results["conditions"] = conditions(args)
    (ROOT / "bench" / "last-run.json").write_text(json.dumps(results, indent=2, default=str))
    print(report(results))


def cpu_pass(args, env) -> dict:
    """`bench/cpu.py` in its own process (it needs production settings from the start)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cpu.json"
        command = [
            PY,
            str(ROOT / "bench" / "cpu.py"),
            f"--requests={args.cpu_requests}",
            f"--rounds={args.cpu_rounds}",
            f"--json={out}",
        ]
        if args.only:
            command.append(f"--only={args.only}")
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())


def drive(args, base_env, who, pages, results):
    """gunicorn (2 sync workers, production settings) and wrk at 32 connections, page by page."""
    cookies = {key: signed_in_cookie(user) for key, user in who.items()}
    port = free_port()
    prod_env = {
        **base_env,
        "DJANGO_ENV": "production",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_BARE_VIEW": "true",
        "CONN_MAX_AGE": "60",
        # as in bench/cpu.py and the demo logins: otherwise every coach page is a redirect to
        # the two-factor setup, which wrk would time as the page (it counts only 4xx/5xx)
        "MFA_REQUIRED_FOR_STAFF": "false",
    }
    sh(PY, "manage.py", "collectstatic", "--noinput", "-v0", env=prod_env)
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "backcore.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=prod_env,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/healthz")
        for name, url, key in pages:
            answers_ok(base + url, cookies[key])
            wrk(base + url, cookies[key], connections=4, duration=2)  # warm up both workers
            results["pages"][name] = wrk(
                base + url, cookies[key], connections=args.connections, duration=args.duration
            )
            print(name, results["pages"][name], flush=True)
            drain(base)  # requests still queued in gunicorn must not slow the next page
        with tempfile.TemporaryDirectory() as tmp:
            body, signature = webhook_body(tmp)
            results["pages"]["webhook (8 senders)"] = wrk(
                base + "/payments/stripe/webhook/",
                "none",
                connections=8,
                duration=args.duration,
                body_file=body,
                signature=signature,
            )
            results["pages"]["bare view (8 connections)"] = wrk(
                base + "/bench/bare/", cookies["member"], connections=8, duration=args.duration
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def data_set(args) -> dict:
    """The bench database's size, counted (estimates would do, but counts are a second)."""
    import psycopg

    counts = {
        "members": "SELECT count(*) FROM accounts_user WHERE NOT is_staff",
        "logged_items": "SELECT count(*) FROM programs_planneditem",
        "forum_posts": "SELECT count(*) FROM community_post",
    }
    with psycopg.connect(f"{args.pg}/{args.database}") as conn:
        found = {name: conn.execute(sql).fetchone()[0] for name, sql in counts.items()}
    return {**found, "data": "reused" if args.reuse else f"seed {args.seed}, generated"}


def conditions(args):
    load = os.getloadavg()
    return {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, load average {load[0]:.1f} at the end",
        # what the database holds: with --reuse, not what --members says
        **data_set(args),
        "connections": args.connections,
        "duration_s": args.duration,
        "server": "gunicorn, 2 sync workers, DJANGO_ENV=production",
        "database": "PostgreSQL (local), Redis cache (local)",
    }


def report(results) -> str:
    pages = results["pages"]
    bare = pages.get("bare view", {})
    lines = []
    if pages:
        lines += [
            "| page | req/s | p50 ms | p95 ms | p99 ms | ÷ bare req/s | queries | non-2xx |",
            "|---|---|---|---|---|---|---|---|",
        ]
    for name, data in pages.items():
        if "error" in data:
            lines.append(f"| {name} | error | | | | | | |")
            continue
        ratio = data["rps"] / bare["rps"] if bare.get("rps") else 0
        q = results["queries"].get(name, {}).get("queries", "")
        lines.append(
            f"| {name} | {data['rps']:.0f} | {data['p50']:.0f} | {data['p95']:.0f} | "
            f"{data['p99']:.0f} | {ratio:.2f} | {q} | {data['non_2xx']} |"
        )
    if "cpu" in results:
        from bench.cpu import report as cpu_report

        lines += ["", "CPU per request (bench/cpu.py):", "", cpu_report(results["cpu"])]
    if results["in_process"]:
        lines += ["", "| in-process | figures |", "|---|---|"]
    for name, data in results["in_process"].items():
        lines.append(f"| {name} | {json.dumps(data)} |")
    lines += ["", "Conditions: " + json.dumps(results["conditions"])]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
