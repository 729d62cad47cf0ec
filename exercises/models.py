"""The exercise library: exercises, their ordered steps, tags, images and thumbnails."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.templatetags.static import static
from django.urls import reverse

from exercises.choices import TAG_VOCABULARY, MovementType, Position, TagKind

https_only = URLValidator(schemes=["https"], message="Enter a full https:// address.")

DOSE_MEASURES = ("hold_seconds", "reps", "sets")


def _dose_constraints() -> list[models.CheckConstraint]:
    constraints = []
    for measure in DOSE_MEASURES:
        default, floor, ceiling = measure, f"floor_{measure}", f"ceiling_{measure}"
        minimum = 1
        constraints += [
            models.CheckConstraint(
                condition=Q(**{f"{default}__isnull": True}) | Q(**{f"{default}__gte": minimum}),
                name=f"exercise_{default}_positive",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{floor}__isnull": True}) | Q(**{f"{floor}__gte": minimum}),
                name=f"exercise_{floor}_positive",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{ceiling}__isnull": True}) | Q(**{f"{ceiling}__gte": minimum}),
                name=f"exercise_{ceiling}_positive",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{floor}__isnull": True})
                | Q(**{f"{default}__isnull": True})
                | Q(**{f"{floor}__lte": F(default)}),
                name=f"exercise_{floor}_lte_default",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{ceiling}__isnull": True})
                | Q(**{f"{default}__isnull": True})
                | Q(**{f"{ceiling}__gte": F(default)}),
                name=f"exercise_{ceiling}_gte_default",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{floor}__isnull": True})
                | Q(**{f"{ceiling}__isnull": True})
                | Q(**{f"{floor}__lte": F(ceiling)}),
                name=f"exercise_{floor}_lte_{ceiling}",
            ),
        ]
        if measure != "sets":
            # A floor or ceiling only makes sense for the measure the default uses.
            constraints.append(
                models.CheckConstraint(
                    condition=Q(**{f"{default}__isnull": False})
                    | Q(**{f"{floor}__isnull": True, f"{ceiling}__isnull": True}),
                    name=f"exercise_{measure}_range_needs_default",
                )
            )
    return constraints


class Exercise(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=240, help_text="One line: what this exercise is for.")
    benefits = models.TextField(blank=True)
    cautions = models.TextField(blank=True, help_text='When to stop: "Stop if …".')
    movement_type = models.CharField(max_length=24, choices=MovementType.choices)
    position = models.CharField(max_length=16, choices=Position.choices)

    # Default dose: exactly one of hold_seconds / reps.
    hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    sets = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    per_side = models.BooleanField(default=False, help_text="The dose is for each side.")
    rest_seconds = models.PositiveSmallIntegerField(default=30)
    floor_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    floor_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    floor_sets = models.PositiveSmallIntegerField(null=True, blank=True)
    ceiling_hold_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    ceiling_reps = models.PositiveSmallIntegerField(null=True, blank=True)
    ceiling_sets = models.PositiveSmallIntegerField(null=True, blank=True)

    easier = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="easier_of",
        help_text="A gentler variation to step back to.",
    )
    harder = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="harder_of",
        help_text="A tougher variation to progress to.",
    )

    video_url = models.URLField(blank=True, validators=[https_only])
    demonstration = models.JSONField(
        default=dict,
        blank=True,
        help_text="Keyframes (start, optional middle, end) and props the animated figure is drawn from.",
    )
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(movement_type__in=MovementType.values),
                name="exercise_movement_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(position__in=Position.values), name="exercise_position_valid"
            ),
            models.CheckConstraint(
                condition=Q(hold_seconds__isnull=False, reps__isnull=True)
                | Q(hold_seconds__isnull=True, reps__isnull=False),
                name="exercise_dose_hold_xor_reps",
            ),
            models.CheckConstraint(condition=Q(rest_seconds__gte=0), name="exercise_rest_nonneg"),
            models.CheckConstraint(
                condition=Q(easier__isnull=True) | ~Q(easier=F("pk")),
                name="exercise_easier_not_self",
            ),
            models.CheckConstraint(
                condition=Q(harder__isnull=True) | ~Q(harder=F("pk")),
                name="exercise_harder_not_self",
            ),
            models.CheckConstraint(
                condition=Q(video_url="") | Q(video_url__startswith="https://"),
                name="exercise_video_https",
            ),
            *_dose_constraints(),
        ]
        indexes = [models.Index(fields=["is_published", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("exercises:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, str | list[str]] = {}
        if (self.hold_seconds is None) == (self.reps is None):
            errors["hold_seconds"] = "Give either a hold in seconds or a number of reps, not both."
        for measure in DOSE_MEASURES:
            default = getattr(self, measure)
            floor = getattr(self, f"floor_{measure}")
            ceiling = getattr(self, f"ceiling_{measure}")
            for field, value in (
                (measure, default),
                (f"floor_{measure}", floor),
                (f"ceiling_{measure}", ceiling),
            ):
                if value is not None and value < 1:
                    errors.setdefault(field, "Must be at least 1.")
            if default is None and (floor is not None or ceiling is not None):
                errors.setdefault(
                    f"floor_{measure}", "Set a floor or ceiling only for the measure the dose uses."
                )
            if default is not None and floor is not None and floor > default:
                errors.setdefault(f"floor_{measure}", "The floor cannot be above the default.")
            if default is not None and ceiling is not None and ceiling < default:
                errors.setdefault(f"ceiling_{measure}", "The ceiling cannot be below the default.")
            if floor is not None and ceiling is not None and floor > ceiling:
                errors.setdefault(f"ceiling_{measure}", "The ceiling cannot be below the floor.")
        if self.demonstration:
            from exercises.figures.geometry import validate_demonstration
            from exercises.figures.pose import PoseError

            try:
                validate_demonstration(self.demonstration)
            except PoseError as error:
                errors["demonstration"] = error.messages
        if self.pk is not None:
            if self.easier_id == self.pk:
                errors["easier"] = "An exercise cannot be its own easier variation."
            if self.harder_id == self.pk:
                errors["harder"] = "An exercise cannot be its own harder variation."
        if errors:
            raise ValidationError(errors)

    # --- tags (use the prefetched `tags` when present: no extra queries) ---
    def _tag_values(self, kind: str) -> list[str]:
        return sorted(t.value for t in self.tags.all() if t.kind == kind)

    @property
    def phases(self) -> list[str]:
        return self._tag_values(TagKind.PHASE)

    @property
    def tracks(self) -> list[str]:
        return self._tag_values(TagKind.TRACK)

    @property
    def target_areas(self) -> list[str]:
        return self._tag_values(TagKind.TARGET_AREA)

    @property
    def equipment(self) -> list[str]:
        return self._tag_values(TagKind.EQUIPMENT)

    def tag_labels(self, kind: str) -> list[str]:
        vocabulary = TAG_VOCABULARY[kind]
        return [vocabulary(v).label for v in self._tag_values(kind)]

    @property
    def phase_labels(self) -> list[str]:
        return self.tag_labels(TagKind.PHASE)

    @property
    def track_labels(self) -> list[str]:
        return self.tag_labels(TagKind.TRACK)

    @property
    def target_area_labels(self) -> list[str]:
        return self.tag_labels(TagKind.TARGET_AREA)

    @property
    def equipment_labels(self) -> list[str]:
        return self.tag_labels(TagKind.EQUIPMENT)

    # --- images ---
    @property
    def placeholder_path(self) -> str:
        return f"exercises/placeholders/{self.movement_type}.svg"

    @property
    def placeholder_url(self) -> str:
        return static(self.placeholder_path)

    @property
    def main_image(self) -> "ExerciseImage | None":
        """The image marked main, else the first gallery image (uses prefetched `images`)."""
        images = list(self.images.all())
        for image in images:
            if image.is_main:
                return image
        return images[0] if images else None

    @property
    def card_image_url(self) -> str:
        image = self.main_image
        return image.small_url if image else self.placeholder_url

    @property
    def hero_image_url(self) -> str:
        image = self.main_image
        return image.large_url if image else self.placeholder_url

    @property
    def hero_image_alt(self) -> str:
        image = self.main_image
        if image:
            return image.alt_text
        return f"Illustration for a {self.get_movement_type_display().lower()} exercise"


class ExerciseStep(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["exercise", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "order"], name="exercise_step_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:40]}"


def _tag_pairs_condition() -> Q:
    condition = Q()
    for kind, vocabulary in TAG_VOCABULARY.items():
        condition |= Q(kind=kind, value__in=vocabulary.values)
    return condition


class ExerciseTag(models.Model):
    """One value of a multi-valued attribute: phase, track, target area or equipment."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="tags")
    kind = models.CharField(max_length=16, choices=TagKind.choices)
    value = models.CharField(max_length=32)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "kind", "value"], name="exercise_tag_unique"
            ),
            models.CheckConstraint(condition=_tag_pairs_condition(), name="exercise_tag_valid"),
        ]
        indexes = [models.Index(fields=["kind", "value"])]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"

    @property
    def label(self) -> str:
        vocabulary = TAG_VOCABULARY.get(self.kind)
        if vocabulary is None or self.value not in vocabulary.values:
            return self.value
        return vocabulary(self.value).label

    def clean(self) -> None:
        vocabulary = TAG_VOCABULARY.get(self.kind)
        if vocabulary is None or self.value not in vocabulary.values:
            raise ValidationError({"value": f"{self.value!r} is not a valid {self.kind}."})


def exercise_image_path(instance: "ExerciseImage", filename: str) -> str:
    return f"exercises/{instance.exercise_id}/{filename}"


def exercise_thumb_path(instance: "ExerciseImage", filename: str) -> str:
    return f"exercises/{instance.exercise_id}/thumbs/{filename}"


class ExerciseImage(models.Model):
    THUMB_WIDTHS = (320, 960)

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=exercise_image_path)
    alt_text = models.CharField(
        max_length=200, help_text="Describe the picture for screen readers."
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_main = models.BooleanField(
        default=False, help_text="Show this image on cards and at the top."
    )
    thumb_320 = models.ImageField(upload_to=exercise_thumb_path, blank=True, editable=False)
    thumb_960 = models.ImageField(upload_to=exercise_thumb_path, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise"],
                condition=Q(is_main=True),
                name="exercise_one_main_image",
            ),
        ]

    def __str__(self) -> str:
        return self.alt_text or self.image.name

    @property
    def small_url(self) -> str:
        return (self.thumb_320 or self.image).url

    @property
    def large_url(self) -> str:
        return (self.thumb_960 or self.image).url
