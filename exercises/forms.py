from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from exercises import services
from exercises.choices import (
    Equipment,
    MovementType,
    Phase,
    Position,
    TagKind,
    TargetArea,
    Track,
)
from exercises.demonstrations import format_demonstration
from exercises.figures.geometry import validate_demonstration
from exercises.figures.pose import PoseError
from exercises.models import Exercise, ExerciseImage, https_only

# Admin form field name -> tag kind and vocabulary.
TAG_FIELDS = {
    "phase_tags": (TagKind.PHASE, Phase),
    "track_tags": (TagKind.TRACK, Track),
    "target_area_tags": (TagKind.TARGET_AREA, TargetArea),
    "equipment_tags": (TagKind.EQUIPMENT, Equipment),
}


class DemonstrationField(forms.JSONField):
    """Keyframes as JSON, shown one keyframe per line, checked by the figure renderer."""

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return format_demonstration(value)

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        try:
            validate_demonstration(value)
        except PoseError as error:
            raise ValidationError(error.messages) from None


class ExerciseAdminForm(forms.ModelForm):
    demonstration = DemonstrationField(
        label="Figure keyframes",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 12, "cols": 110, "class": "figure-json", "spellcheck": "false"}
        ),
        help_text=(
            "Start, optional middle and end pose for the animated figure. Angles in degrees: "
            "trunk (90 upright, 180 lying head-left, 0 lying head-right), spine (+ rounds, − arches), "
            "neck, shoulder, elbow, hip, knee, ankle; far_… for the far limbs. contacts say what rests "
            "on what (feet/hands/knees/trunk/pelvis… on floor/chair/wall/bar/bench/roller). "
            "The preview below updates as you type."
        ),
    )
    video_url = forms.URLField(
        label="Video URL",
        required=False,
        assume_scheme="https",
        validators=[https_only],
        help_text="Optional link to a video; https:// only.",
    )
    phase_tags = forms.MultipleChoiceField(
        label="Phases", choices=Phase.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    track_tags = forms.MultipleChoiceField(
        label="Tracks", choices=Track.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    target_area_tags = forms.MultipleChoiceField(
        label="Target areas",
        choices=TargetArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    equipment_tags = forms.MultipleChoiceField(
        label="Equipment",
        choices=Equipment.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Exercise
        fields = [
            "name",
            "slug",
            "is_published",
            "purpose",
            "movement_type",
            "position",
            "benefits",
            "cautions",
            "video_url",
            "hold_seconds",
            "floor_hold_seconds",
            "ceiling_hold_seconds",
            "reps",
            "floor_reps",
            "ceiling_reps",
            "sets",
            "floor_sets",
            "ceiling_sets",
            "per_side",
            "rest_seconds",
            "easier",
            "harder",
            "demonstration",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            values: dict[str, list[str]] = {}
            for tag in self.instance.tags.all():
                values.setdefault(tag.kind, []).append(tag.value)
            for name, (kind, _vocabulary) in TAG_FIELDS.items():
                self.initial.setdefault(name, values.get(kind, []))
        for name in ("easier", "harder"):
            if name in self.fields and self.instance.pk:
                self.fields[name].queryset = Exercise.objects.exclude(pk=self.instance.pk)

    def save_tags(self, exercise: Exercise) -> None:
        for name, (kind, _vocabulary) in TAG_FIELDS.items():
            if name in self.cleaned_data:
                services.exercise_tags_set(
                    exercise=exercise, kind=kind, values=self.cleaned_data[name]
                )


class ExerciseImageAdminForm(forms.ModelForm):
    # A plain FileField so our own Pillow checks (size, pixels, bombs) give the message.
    image = forms.FileField(
        label="Image",
        help_text="JPEG, PNG, WebP or GIF; at most 10 MB and 40 megapixels. Location data is removed.",
    )

    class Meta:
        model = ExerciseImage
        fields = ["image", "alt_text", "order", "is_main"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):
            try:
                return services.exercise_image_clean(upload=upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return upload


class LibraryFilterForm(forms.Form):
    """The public library's GET filters. Unknown values are dropped, never a 500."""

    q = forms.CharField(label="Search", required=False, max_length=100)
    phase = forms.MultipleChoiceField(
        label="Phase", choices=Phase.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    movement = forms.MultipleChoiceField(
        label="Movement type",
        choices=MovementType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    equipment = forms.MultipleChoiceField(
        label="Equipment",
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    position = forms.MultipleChoiceField(
        label="Position",
        choices=Position.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    track = forms.MultipleChoiceField(
        label="Track", choices=Track.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    area = forms.MultipleChoiceField(
        label="Target area",
        choices=TargetArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    FILTER_FIELDS = ("phase", "movement", "equipment", "position", "track", "area")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.ignored: list[str] = []
        if data is not None:
            # Keep the valid values of a filter and drop only the unknown ones.
            cleaned = data.copy()
            for name in self.FILTER_FIELDS:
                allowed = {value for value, _label in self.fields[name].choices}
                values = data.getlist(name)
                kept = [v for v in values if v in allowed]
                if len(kept) != len(values):
                    self.ignored.append(self.fields[name].label)
                    cleaned.setlist(name, kept)
            if len(cleaned.get("q", "")) > 100:
                cleaned["q"] = cleaned["q"][:100]
            self.data = cleaned

    def selector_filters(self) -> dict:
        # A bad field (a NUL byte in the search box, say) drops only itself, not every filter.
        self.is_valid()
        data = self.cleaned_data
        return {
            "query": data.get("q", "") or "",
            "phases": data.get("phase") or [],
            "movement_types": data.get("movement") or [],
            "equipment": data.get("equipment") or [],
            "positions": data.get("position") or [],
            "tracks": data.get("track") or [],
            "target_areas": data.get("area") or [],
        }

    def active_count(self) -> int:
        filters = self.selector_filters()
        return sum(1 for key, value in filters.items() if value and key != "query")
