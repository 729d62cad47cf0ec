"""Load phases and pools from programs/seed/phases_v1.json.

Used by data migrations (with historical models) and by demo seeding (with real models). Only
fills what is missing, so coaches' edits in admin are never overwritten. Pool entries naming an
exercise that is not in the library are skipped.
"""

import json
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "seed"


def load_json(name: str):
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def seed_phases(
    *, Phase, PoolEntry, Exercise, only_exercises: set[str] | None = None
) -> tuple[int, int, list[str]]:
    """Returns (phases created, pool entries created, skipped exercise slugs).

    `only_exercises` limits the run to the pool entries of those exercises: a later migration
    adding one exercise must not bring back entries a coach removed on purpose."""
    phases_created = entries_created = 0
    skipped: list[str] = []
    exercises = {exercise.slug: exercise for exercise in Exercise.objects.all()}
    for row in load_json("phases_v1.json"):
        phase, created = Phase.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "order": row["order"],
                "summary": row.get("summary", ""),
                "lesson": row.get("lesson", ""),
                "weekly_cap_percent": row["weekly_cap_percent"],
                "min_weeks": row["min_weeks"],
                "adherence_threshold": row["adherence_threshold"],
                "max_effort_to_progress": row["max_effort_to_progress"],
                "unlock_text": row.get("unlock_text", ""),
            },
        )
        phases_created += created
        for track, entries in row.get("pool", {}).items():
            for order, entry in enumerate(entries, start=1):
                if only_exercises is not None and entry["exercise"] not in only_exercises:
                    continue
                exercise = exercises.get(entry["exercise"])
                if exercise is None:
                    skipped.append(entry["exercise"])
                    continue
                start, ceiling = entry["start"], entry["ceiling"]
                _, created = PoolEntry.objects.get_or_create(
                    phase=phase,
                    track=track,
                    exercise=exercise,
                    defaults={
                        "order": order,
                        "start_hold_seconds": start.get("hold_seconds"),
                        "start_reps": start.get("reps"),
                        "start_sets": start.get("sets") or 1,
                        "ceiling_hold_seconds": ceiling.get("hold_seconds"),
                        "ceiling_reps": ceiling.get("reps"),
                        "ceiling_sets": ceiling.get("sets") or 1,
                    },
                )
                entries_created += created
    return phases_created, entries_created, sorted(set(skipped))
