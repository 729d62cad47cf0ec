"""Load exercise content from the seed JSON into the database, filling blanks only.

Used by data migrations, so it works on *historical* models passed in (never imports
exercises.models): `fill_blanks(items=load_seed("exercises_v1.json"), **historical_models(apps))`.

Rules, keyed by slug:
- a slug not in the database is created in full (steps, tags, dose, links), published;
- an existing exercise only gets fields that are empty: blank text, no steps, no tags of a kind,
  a missing floor/ceiling that fits the current dose, no easier/harder link, no figure keyframes
  (`demonstration`, from `poses_v1.json`). Anything a coach has set is left exactly as it is.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from exercises.choices import TAG_JSON_KEYS

SEED_DIR = Path(__file__).resolve().parent / "seed"
TEXT_FIELDS = ("name", "purpose", "benefits", "cautions", "movement_type", "position")
MEASURES = ("hold_seconds", "reps", "sets")


@dataclass
class ContentReport:
    created: list[str] = field(default_factory=list)
    filled: dict[str, list[str]] = field(default_factory=dict)

    def note(self, slug: str, what: str) -> None:
        self.filled.setdefault(slug, []).append(what)


def load_seed(name: str, *, demonstrations: str | None = None) -> list[dict]:
    """The seed items; with `demonstrations`, each item also gets its figure keyframes."""
    with (SEED_DIR / name).open(encoding="utf-8") as handle:
        items = json.load(handle)
    if demonstrations:
        with (SEED_DIR / demonstrations).open(encoding="utf-8") as handle:
            poses = json.load(handle)
        for item in items:
            if item["slug"] in poses:
                item["demonstration"] = poses[item["slug"]]
    return items


def seed_slugs(name: str) -> list[str]:
    return [item["slug"] for item in load_seed(name)]


def historical_models(apps) -> dict:
    return {
        "exercise_model": apps.get_model("exercises", "Exercise"),
        "step_model": apps.get_model("exercises", "ExerciseStep"),
        "tag_model": apps.get_model("exercises", "ExerciseTag"),
    }


def _dose_fields(item: dict) -> dict:
    dose, floor, ceiling = (
        item["dose"],
        item.get("dose_floor") or {},
        item.get("dose_ceiling") or {},
    )
    fields = {
        "hold_seconds": dose.get("hold_seconds"),
        "reps": dose.get("reps"),
        "sets": dose.get("sets") or 1,
        "per_side": bool(dose.get("per_side")),
        "rest_seconds": dose.get("rest_seconds") or 0,
    }
    for measure in MEASURES:
        fields[f"floor_{measure}"] = floor.get(measure)
        fields[f"ceiling_{measure}"] = ceiling.get(measure)
    return fields


def _create(item: dict, *, exercise_model, step_model, tag_model, publish: bool):
    extra = {"demonstration": item["demonstration"]} if item.get("demonstration") else {}
    exercise = exercise_model.objects.create(
        slug=item["slug"],
        **{name: item.get(name) or "" for name in TEXT_FIELDS},
        **_dose_fields(item),
        video_url=item.get("video_url") or "",
        is_published=publish,
        **extra,
    )
    _add_steps(exercise, item, step_model)
    for key, kind in TAG_JSON_KEYS.items():
        _add_tags(exercise, kind, item.get(key) or [], tag_model)
    return exercise


def _add_steps(exercise, item: dict, step_model) -> None:
    step_model.objects.bulk_create(
        step_model(exercise=exercise, order=order, text=text)
        for order, text in enumerate(item.get("steps") or [], start=1)
    )


def _add_tags(exercise, kind: str, values: list[str], tag_model) -> None:
    tag_model.objects.bulk_create(
        tag_model(exercise=exercise, kind=kind, value=value) for value in dict.fromkeys(values)
    )


def _fill_existing(exercise, item: dict, *, step_model, tag_model, report: ContentReport) -> None:
    slug = exercise.slug
    changed: list[str] = []
    for name in TEXT_FIELDS:
        if not getattr(exercise, name) and item.get(name):
            setattr(exercise, name, item[name])
            changed.append(name)
    if not exercise.video_url and item.get("video_url"):
        exercise.video_url = item["video_url"]
        changed.append("video_url")
    if item.get("demonstration") and not exercise.demonstration:
        exercise.demonstration = item["demonstration"]
        changed.append("demonstration")
    # Floors and ceilings: only where blank, only for the measure the (coach's) dose uses,
    # and only if the value still brackets that dose.
    new = _dose_fields(item)
    for measure in MEASURES:
        current = getattr(exercise, measure)
        if current is None:
            continue
        floor_name, ceiling_name = f"floor_{measure}", f"ceiling_{measure}"
        floor, ceiling = new[floor_name], new[ceiling_name]
        other_ceiling = getattr(exercise, ceiling_name)
        other_floor = getattr(exercise, floor_name)
        if (
            other_floor is None
            and floor is not None
            and floor <= current
            and (other_ceiling is None or floor <= other_ceiling)
        ):
            setattr(exercise, floor_name, floor)
            changed.append(floor_name)
            other_floor = floor
        if (
            other_ceiling is None
            and ceiling is not None
            and ceiling >= current
            and (other_floor is None or ceiling >= other_floor)
        ):
            setattr(exercise, ceiling_name, ceiling)
            changed.append(ceiling_name)
    if changed:
        exercise.save(update_fields=changed)
        for name in changed:
            report.note(slug, name)
    if item.get("steps") and not step_model.objects.filter(exercise=exercise).exists():
        _add_steps(exercise, item, step_model)
        report.note(slug, "steps")
    kinds_present = set(
        tag_model.objects.filter(exercise=exercise).values_list("kind", flat=True).distinct()
    )
    for key, kind in TAG_JSON_KEYS.items():
        if kind not in kinds_present and item.get(key):
            _add_tags(exercise, kind, item[key], tag_model)
            report.note(slug, key)


def _link_variations(items: list[dict], *, exercise_model, report: ContentReport) -> None:
    for item in items:
        wanted = {k: item.get(k) for k in ("easier", "harder") if item.get(k)}
        if not wanted:
            continue
        exercise = exercise_model.objects.get(slug=item["slug"])
        targets = dict(
            exercise_model.objects.filter(slug__in=set(wanted.values())).values_list("slug", "pk")
        )
        changed = []
        for kind, target_slug in wanted.items():
            if getattr(exercise, f"{kind}_id") is not None:
                continue  # a coach (or an earlier load) already chose this link
            target_pk = targets.get(target_slug)
            if target_pk is None or target_pk == exercise.pk:
                continue
            setattr(exercise, f"{kind}_id", target_pk)
            changed.append(f"{kind}")
        if changed:
            exercise.save(update_fields=changed)
            for name in changed:
                report.note(exercise.slug, name)


def fill_blanks(
    *,
    items: list[dict],
    exercise_model,
    step_model,
    tag_model,
    publish: bool = True,
    create_missing: bool = True,
) -> ContentReport:
    """Create missing exercises and fill only empty fields of existing ones (see module doc).

    `create_missing=False` only fills blanks: an exercise a coach deleted stays deleted.
    """
    report = ContentReport()
    existing = {
        e.slug: e for e in exercise_model.objects.filter(slug__in=[i["slug"] for i in items])
    }
    for item in items:
        exercise = existing.get(item["slug"])
        if exercise is None and not create_missing:
            continue
        if exercise is None:
            _create(
                item,
                exercise_model=exercise_model,
                step_model=step_model,
                tag_model=tag_model,
                publish=publish,
            )
            report.created.append(item["slug"])
        else:
            _fill_existing(
                exercise, item, step_model=step_model, tag_model=tag_model, report=report
            )
    # Second pass: every slug now exists, so easier/harder links can resolve.
    if create_missing:
        _link_variations(items, exercise_model=exercise_model, report=report)
    for slug in report.created:
        report.filled.pop(slug, None)  # links of a new exercise are part of creating it
    return report


def remove_seeded(*, slugs: list[str], exercise_model) -> None:
    exercise_model.objects.filter(slug__in=slugs).delete()
