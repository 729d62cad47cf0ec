"""The pain thresholds (green up to 3, red above 5, severe at 8, ...) live in the engine
(programs/engine/pain.py). Views, selectors, services, templates and scripts ask for its
verdict (PainLight) instead of comparing a pain answer with a number of their own."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A pain or effort answer compared with a number: `pain_during >= 6`, `6 < s.morning_pain`,
# `pain_before__gte=5` (a query filter is a comparison too, unless it compares two answers:
# `pain_worst__gte=F("pain_now")`).
PAIN = r"[\w.]*(?:pain|effort)[\w.]*"
COMPARES = re.compile(
    rf"{PAIN}\s*(?:[<>]=?|==)\s*\d+|\d+\s*(?:[<>]=?|==)\s*{PAIN}|{PAIN}__(?:gt|gte|lt|lte)\b(?!\s*=\s*F\()"
)


def _files() -> list[Path]:
    code = [
        p
        for p in sorted((ROOT / "programs").rglob("*.py"))
        if not {"engine", "migrations", "management"} & set(p.relative_to(ROOT / "programs").parts)
    ]
    code += [p for app in ("community", "backcore") for p in sorted((ROOT / app).rglob("*.py"))]
    return (
        code
        + sorted((ROOT / "templates").rglob("*.html"))
        + sorted((ROOT / "static").rglob("*.js"))
    )


def test_no_pain_threshold_is_copied_outside_the_engine():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "migrations" not in path.parts and COMPARES.search(line)
    ]
    assert offenders == []


def test_the_pattern_catches_a_copied_threshold():
    for line in (
        "{% if s.pain_during >= 6 or s.sharp_pain %}",
        "if session.pain_during > 5:",
        "if 8 <= record.morning_pain:",
        "PlannedSession.objects.filter(pain_during__gte=6)",
        "Q(morning_pain__gt=RED)",
    ):
        assert COMPARES.search(line), line
    assert not COMPARES.search('Q(pain_worst__gte=F("pain_now"))')  # two answers, no threshold
    assert not COMPARES.search("if light is PainLight.RED:")
