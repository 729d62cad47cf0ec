"""`make bench-weekly`'s report: what an operator reads off it (no database)."""

import pytest

from bench.weekly_scale import parse_args, report


def _run(members, seconds, cpu, queries, decisions):
    return {
        "members": members,
        "workers": 2,
        "seconds": seconds,
        "cpu_seconds_per_process": [2.0, *cpu],
        "peak_rss_mb_per_process": [124, 120, 127],
        "queries_on_workers": queries,
        "queries_per_chunk": round(queries / (members / 500), 1),
        "result": {"decisions_written": decisions, "advanced": 3},
        "copy_seconds": 3.5,
    }


def test_the_report_shows_each_scale_the_workers_cpu_and_the_scaling():
    text = report(
        [
            _run(10_000, 6.5, [3.2, 3.3], 274, 33_246),
            _run(100_000, 54.8, [29.0, 28.9], 2_614, 603_477),
        ],
        {"machine": "2 cores"},
    )
    assert "| 100,000 | 2 | 54.8 | 29.0, 28.9 | 127 | 2,614 (13.1) | 603,477 | 3 | 3.5 |" in text
    assert "| 10,000 | 2 | 6.5 | 3.2, 3.3 |" in text  # the main process's 2.0 s is not a worker's
    assert "Scaling: 10.0× the members took 8.4× the time." in text
    assert '"machine": "2 cores"' in text


def test_one_scale_has_no_scaling_line():
    assert "Scaling" not in report([_run(10_000, 6.5, [3.2, 3.3], 274, 33_246)], {})


def test_scales_are_whole_multiples_of_the_base():
    assert parse_args(["--scales", "1,10"]).scales == [1, 10]
    with pytest.raises(SystemExit):
        parse_args(["--scales", "0,10"])
