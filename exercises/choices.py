"""Choice vocabularies for the exercise library.

`Phase` and `Track` slugs are shared with the programs app (it imports them from here);
exercises never imports programs.
"""

from django.db import models


class Phase(models.TextChoices):
    RECONNECT = "reconnect", "Reconnect"
    ISOMETRIC_HOLDS = "isometric-holds", "Isometric holds"
    PARTIAL_RANGE = "partial-range", "Partial range"
    COMPRESSION_DECOMPRESSION = "compression-decompression", "Compression and decompression"
    FUNCTIONAL_STRENGTH = "functional-strength", "Functional strength"


class Track(models.TextChoices):
    GENERAL = "general", "General"
    SCIATICA = "sciatica", "Sciatica"
    ACTIVE_AGEING = "active-ageing", "Active ageing"


class MovementType(models.TextChoices):
    ISOMETRIC_HOLD = "isometric_hold", "Isometric hold"
    CONTROLLED_RANGE = "controlled_range", "Controlled range"
    STRETCH_MOBILITY = "stretch_mobility", "Stretch and mobility"
    COMPRESSION = "compression", "Compression"
    DECOMPRESSION = "decompression", "Decompression"
    BALANCE = "balance", "Balance"
    FUNCTIONAL = "functional", "Functional"
    NERVE_GLIDE = "nerve_glide", "Nerve glide"


class Position(models.TextChoices):
    PRONE = "prone", "Face down (prone)"
    SUPINE = "supine", "On your back (supine)"
    SIDE_LYING = "side_lying", "Side-lying"
    QUADRUPED = "quadruped", "Hands and knees"
    STANDING = "standing", "Standing"
    SEATED = "seated", "Seated"
    HANGING = "hanging", "Hanging"
    KNEELING = "kneeling", "Kneeling"


class TargetArea(models.TextChoices):
    SPINAL_ERECTORS = "spinal_erectors", "Spinal erectors"
    MULTIFIDUS = "multifidus", "Multifidus"
    QUADRATUS_LUMBORUM = "quadratus_lumborum", "Quadratus lumborum"
    GLUTES = "glutes", "Glutes"
    HAMSTRINGS = "hamstrings", "Hamstrings"
    OBLIQUES = "obliques", "Obliques"
    DEEP_CORE = "deep_core", "Deep core"
    HIP_FLEXORS = "hip_flexors", "Hip flexors"
    PIRIFORMIS = "piriformis", "Piriformis"
    THORACIC_SPINE = "thoracic_spine", "Upper back (thoracic spine)"
    SCIATIC_NERVE = "sciatic_nerve", "Sciatic nerve"
    CALVES = "calves", "Calves"
    GRIP = "grip", "Grip"


class Equipment(models.TextChoices):
    NONE = "none", "No equipment"
    WALL = "wall", "Wall"
    CHAIR = "chair", "Chair"
    BENCH = "bench", "Back-extension bench"
    PULL_UP_BAR = "pull_up_bar", "Pull-up bar"
    FOAM_ROLLER = "foam_roller", "Foam roller"
    LIGHT_WEIGHTS = "light_weights", "Light weights"
    RESISTANCE_BAND = "resistance_band", "Resistance band"


class TagKind(models.TextChoices):
    PHASE = "phase", "Phase"
    TRACK = "track", "Track"
    TARGET_AREA = "target_area", "Target area"
    EQUIPMENT = "equipment", "Equipment"


# Which vocabulary each tag kind draws from.
TAG_VOCABULARY: dict[str, type[models.TextChoices]] = {
    TagKind.PHASE: Phase,
    TagKind.TRACK: Track,
    TagKind.TARGET_AREA: TargetArea,
    TagKind.EQUIPMENT: Equipment,
}

# Seed JSON key -> tag kind.
TAG_JSON_KEYS: dict[str, str] = {
    "phases": TagKind.PHASE,
    "tracks": TagKind.TRACK,
    "target_areas": TagKind.TARGET_AREA,
    "equipment": TagKind.EQUIPMENT,
}
