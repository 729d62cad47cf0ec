"""The weekly run's Python work alone, without the database: CPU a member for each step.

    DATABASE_URL=… .venv/bin/python bench/weekly_engine.py [members] [repeats]

Reads the first `members` active enrolments' chunk inputs once (the run's own selectors), then
times, best of `repeats`, in this process: building the engine's records (member_state,
member_history), the engine's review (progress_week) and the rows a chunk writes (decision
and dose tuples), and prints an md5 of every decision so that two versions of the engine can
be compared on the same members. Writes nothing.
"""

import gc
import hashlib
import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    members = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcore.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from programs import engine
    from programs.selectors.programme import programme_build
    from programs.services import progression

    bundle = programme_build()
    today = timezone.localdate()
    week_start = today - timedelta(days=today.weekday() + 7)
    ids = list(
        progression._active_enrolments().order_by("pk").values_list("pk", flat=True)[:members]
    )
    now = timezone.now()
    # The chunk's own reads, captured by running the real chunk code up to the engine.
    with transaction.atomic():
        captured = progression.chunk_inputs(enrolment_ids=ids, week_start=week_start, bundle=bundle)

    def build():
        return list(progression.engine_inputs_of(captured, bundle=bundle, now=now))

    def review(inputs):
        return [
            engine.progress_week(state, bundle.programme, history, week_start)
            for _enrolment, state, history in inputs
        ]

    def rows(inputs, weeks):
        return progression.rows_of(inputs, weeks, bundle=bundle, week_start=week_start, now=now)

    timings: dict[str, float] = {}
    gc.disable()  # as in a chunk (backcore.bulk.gc_paused)
    for _ in range(repeats):
        cpu = time.process_time()
        inputs = build()
        built = time.process_time()
        weeks = review(inputs)
        reviewed = time.process_time()
        out = rows(inputs, weeks)
        done = time.process_time()
        for name, seconds in (
            ("build", built - cpu),
            ("engine", reviewed - built),
            ("rows", done - reviewed),
        ):
            timings[name] = min(timings.get(name, seconds), seconds)
    digest = hashlib.md5()
    for week in weeks:
        for decision in week.decisions:
            digest.update(repr(decision).encode())
        digest.update(repr(week.state).encode())
    count = max(1, len(inputs))
    print(
        json.dumps(
            {
                "members": len(inputs),
                "cpu_ms_per_member": {k: round(v * 1000 / count, 4) for k, v in timings.items()},
                "decision_rows": len(out[0]),
                "md5": digest.hexdigest(),
                "load": os.getloadavg(),
            }
        )
    )


if __name__ == "__main__":
    main()
