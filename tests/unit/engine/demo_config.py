"""A realistic five-phase BackCore programme for tests (tests only, not part of the engine)."""

from __future__ import annotations

from programs.engine import Dose, ExerciseSpec, PhaseRules, PoolEntry, Programme

PHASE_SLUGS = (
    "reconnect",
    "isometric-holds",
    "partial-range",
    "compression-decompression",
    "functional-strength",
)


def _spec(
    slug,
    name,
    kind,
    equipment=("none",),
    *,
    per_side=False,
    rest=30,
    easier=None,
    harder=None,
    opening=None,
):
    return ExerciseSpec(
        opening=opening,
        slug=slug,
        name=name,
        movement_type=kind,
        equipment=frozenset(equipment),
        per_side=per_side,
        rest_seconds=rest,
        easier_slug=easier,
        harder_slug=harder,
    )


def demo_exercises() -> list[ExerciseSpec]:
    return [
        # Warm-ups
        _spec("cat-camel", "Cat-camel", "stretch_mobility", rest=10),
        _spec("knee-to-chest", "Knee to chest", "stretch_mobility", per_side=True, rest=10),
        _spec(
            "piriformis-stretch", "Piriformis stretch", "stretch_mobility", per_side=True, rest=10
        ),
        _spec(
            "hamstring-stretch",
            "Hamstring stretch",
            "stretch_mobility",
            ["chair"],
            per_side=True,
            rest=10,
        ),
        _spec(
            "sciatic-nerve-glide",
            "Sciatic nerve glide",
            "nerve_glide",
            ["chair"],
            per_side=True,
            rest=15,
        ),
        _spec(
            "supine-nerve-glide",
            "Lying nerve glide",
            "nerve_glide",
            per_side=True,
            rest=15,
            opening=Dose.of_reps(8),
        ),
        _spec("thoracic-roll", "Thoracic roll", "stretch_mobility", ["foam_roller"], rest=10),
        # Reconnect
        _spec("pelvic-tilt", "Pelvic tilt", "controlled_range", rest=20),
        _spec("breathing-brace", "360° breathing brace", "isometric_hold", rest=20),
        _spec(
            "supported-weight-shift",
            "Supported weight shift",
            "balance",
            ["chair"],
            per_side=True,
            rest=20,
        ),
        # Isometric holds
        _spec(
            "quadruped-arm-reach",
            "Quadruped arm reach",
            "isometric_hold",
            per_side=True,
            opening=Dose.of_reps(6, sets=2),
            harder="bird-dog-hold",
        ),
        _spec(
            "bird-dog-hold",
            "Bird dog hold",
            "isometric_hold",
            per_side=True,
            easier="quadruped-arm-reach",
        ),
        _spec("glute-bridge-hold", "Glute bridge hold", "isometric_hold"),
        _spec("wall-sit", "Wall sit", "isometric_hold", ["wall"], rest=45),
        _spec("side-plank-knees", "Side plank on knees", "isometric_hold", per_side=True),
        _spec(
            "single-leg-stand", "Single-leg stand with support", "balance", ["chair"], per_side=True
        ),
        # Partial range
        _spec("glute-bridge", "Glute bridge", "controlled_range"),
        _spec(
            "partial-back-extension",
            "Partial back extension",
            "controlled_range",
            ["bench"],
            rest=45,
        ),
        _spec("hip-hinge-dowel", "Hip hinge", "controlled_range"),
        _spec("sit-to-stand", "Sit to stand", "functional", ["chair"]),
        # Compression and decompression
        _spec("goblet-squat", "Goblet squat", "compression", ["light_weights"], rest=60),
        _spec("farmers-carry", "Farmer's carry", "compression", ["light_weights"], rest=60),
        _spec("dead-hang", "Dead hang", "decompression", ["pull_up_bar"], rest=60),
        _spec("childs-pose", "Child's pose", "decompression", rest=15),
        _spec("reverse-hyper", "Reverse hyper on a bench", "controlled_range", ["bench"], rest=45),
        # Functional strength
        _spec("romanian-deadlift", "Romanian deadlift", "functional", ["light_weights"], rest=60),
        _spec(
            "banded-good-morning", "Banded good morning", "functional", ["resistance_band"], rest=45
        ),
        _spec("step-up", "Step-up", "functional", ["bench"], per_side=True, rest=45),
        _spec("tai-chi-weight-shift", "Tai chi weight shift", "balance", rest=20),
    ]


def hold(start: int, sets: int, top: int, top_sets: int, low: int = 5, low_sets: int = 1):
    return (
        Dose.of_hold(start, sets=sets),
        Dose.of_hold(top, sets=top_sets),
        Dose.of_hold(low, sets=low_sets),
    )


def reps(start: int, sets: int, top: int, top_sets: int, low: int = 4, low_sets: int = 1):
    return (
        Dose.of_reps(start, sets=sets),
        Dose.of_reps(top, sets=top_sets),
        Dose.of_reps(low, sets=low_sets),
    )


def entry(exercise: str, doses) -> PoolEntry:
    start, ceiling, floor = doses
    return PoolEntry(exercise=exercise, start=start, ceiling=ceiling, floor=floor)


def demo_phases() -> list[PhaseRules]:
    general_warm = [
        entry("cat-camel", reps(6, 1, 10, 1)),
        entry("knee-to-chest", hold(15, 1, 30, 1)),
    ]
    sciatica_warm = [
        entry("sciatic-nerve-glide", reps(8, 1, 10, 1)),
        entry("piriformis-stretch", hold(20, 1, 30, 1)),
        entry("hamstring-stretch", hold(20, 1, 30, 1)),
    ]
    ageing_warm = [
        entry("cat-camel", reps(6, 1, 10, 1)),
        entry("tai-chi-weight-shift", reps(6, 1, 12, 2)),
    ]

    def phase(slug, name, *, order, cap, min_weeks, general, sciatica, ageing):
        return PhaseRules(
            slug=slug,
            name=name,
            order=order,
            weekly_cap_percent=cap,
            min_weeks=min_weeks,
            adherence_threshold=0.8,
            max_effort_to_progress=7,
            pools={
                "general": tuple(general_warm + general),
                "sciatica": tuple(sciatica_warm + sciatica),
                "active-ageing": tuple(ageing_warm + ageing),
            },
        )

    reconnect = [
        entry("pelvic-tilt", reps(8, 1, 15, 2)),
        entry("breathing-brace", hold(10, 2, 20, 3)),
    ]
    bird_dog = entry("bird-dog-hold", hold(8, 2, 10, 4))
    bridge_hold = entry("glute-bridge-hold", hold(10, 2, 20, 3))
    side_plank = entry("side-plank-knees", hold(10, 2, 20, 3))
    wall_sit = entry("wall-sit", hold(15, 2, 40, 3))
    childs_pose = entry("childs-pose", hold(20, 1, 40, 2))
    farmers_carry = entry("farmers-carry", hold(20, 2, 40, 3, low=10))
    return [
        phase(
            "reconnect",
            "Reconnect",
            order=1,
            cap=5,
            min_weeks=2,
            general=reconnect,
            sciatica=reconnect,
            ageing=[*reconnect, entry("supported-weight-shift", hold(10, 1, 20, 2))],
        ),
        phase(
            "isometric-holds",
            "Isometric holds",
            order=2,
            cap=5,
            min_weeks=3,
            general=[bird_dog, bridge_hold, side_plank, wall_sit],
            sciatica=[bridge_hold, bird_dog],
            ageing=[bird_dog, bridge_hold, entry("single-leg-stand", hold(10, 2, 30, 3))],
        ),
        phase(
            "partial-range",
            "Partial range",
            order=3,
            cap=7,
            min_weeks=3,
            general=[
                entry("glute-bridge", reps(8, 2, 15, 3)),
                entry("partial-back-extension", reps(6, 2, 12, 3)),
                entry("hip-hinge-dowel", reps(8, 2, 12, 3)),
            ],
            sciatica=[
                entry("glute-bridge", reps(8, 2, 15, 3)),
                entry("hip-hinge-dowel", reps(6, 2, 10, 3)),
            ],
            ageing=[
                entry("hip-hinge-dowel", reps(8, 2, 12, 3)),
                entry("sit-to-stand", reps(6, 2, 12, 3)),
            ],
        ),
        phase(
            "compression-decompression",
            "Compression and decompression",
            order=4,
            cap=8,
            min_weeks=3,
            general=[
                entry("goblet-squat", reps(6, 2, 12, 3)),
                entry("dead-hang", hold(10, 2, 30, 3)),
                farmers_carry,
                childs_pose,
                entry("reverse-hyper", reps(8, 2, 12, 3)),
            ],
            sciatica=[
                entry("goblet-squat", reps(6, 2, 10, 3)),
                childs_pose,
                entry("glute-bridge", reps(10, 2, 15, 3)),
            ],
            ageing=[farmers_carry, childs_pose, entry("sit-to-stand", reps(8, 2, 12, 3))],
        ),
        phase(
            "functional-strength",
            "Functional strength",
            order=5,
            cap=10,
            min_weeks=4,
            general=[
                entry("romanian-deadlift", reps(8, 2, 12, 3)),
                entry("banded-good-morning", reps(10, 2, 15, 3)),
                entry("step-up", reps(6, 2, 12, 3)),
                childs_pose,
            ],
            sciatica=[
                entry("step-up", reps(6, 2, 10, 3)),
                entry("glute-bridge", reps(12, 2, 20, 3)),
            ],
            ageing=[entry("step-up", reps(6, 2, 10, 3)), farmers_carry],
        ),
    ]


def demo_programme() -> Programme:
    return Programme(phases=demo_phases(), exercises=demo_exercises())


ALL_EQUIPMENT = frozenset(
    {
        "none",
        "wall",
        "chair",
        "bench",
        "pull_up_bar",
        "foam_roller",
        "light_weights",
        "resistance_band",
    }
)
