"""Intake forms: the red-flag screen, clinician clearance, and the rest of the questions."""

from django import forms

from programs.choices import (
    CLINICIAN_FLAGS,
    EMERGENCY_FLAGS,
    WEEKDAY_NAMES,
    ActivityLevel,
    AgeBand,
    Equipment,
    Minutes,
    PainDuration,
    Track,
)
from programs.content import fear_statements, function_questionnaire
from programs.services.safety_gate import clearance_date_error, clearance_earliest_date

PAIN_AREAS = [("low_back", "Low back"), ("buttock", "Buttock"), ("leg", "Down a leg")]
AGREE = [("agree", "Agree"), ("disagree", "Disagree")]


class ScreenForm(forms.Form):
    """Eleven yes/no questions; a ticked box means "yes, this applies to me"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in {**EMERGENCY_FLAGS, **CLINICIAN_FLAGS}.items():
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def emergency_fields(self):
        return [self[key] for key in EMERGENCY_FLAGS]

    def clinician_fields(self):
        return [self[key] for key in CLINICIAN_FLAGS]


class ClearanceForm(forms.Form):
    confirm = forms.BooleanField(
        label="A doctor, physiotherapist or other clinician has checked my back and told me "
        "exercise like this is fine for me.",
    )
    cleared_on = forms.DateField(
        label="Date you were cleared",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, intake, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake, self.today = intake, today
        earliest = clearance_earliest_date(intake=intake, today=today)
        self.fields["cleared_on"].widget.attrs.update(
            {"min": earliest.isoformat(), "max": today.isoformat()}
        )
        self.fields["cleared_on"].help_text = (
            f"Between {earliest:%-d %B %Y} and today: a check-up for this pain, "
            "in the last 12 months."
        )

    def clean_cleared_on(self):
        value = self.cleaned_data["cleared_on"]
        error = clearance_date_error(intake=self.intake, cleared_on=value, today=self.today)
        if error:
            raise forms.ValidationError(error)
        return value


class DetailsForm(forms.Form):
    pain_now = forms.IntegerField(
        label="How much does your back hurt right now? (0 = no pain, 10 = the worst imaginable)",
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1}),
    )
    pain_worst = forms.IntegerField(
        label="And at its worst over the last week? (0–10)",
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1}),
        help_text="Your four-weekly check-ins ask this again, so you can see it change.",
    )
    pain_areas = forms.MultipleChoiceField(
        label="Where do you feel it?",
        choices=PAIN_AREAS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Pain that travels down a leg points us to the sciatica track.",
    )
    duration = forms.ChoiceField(
        label="How long have you had this pain?",
        choices=PainDuration.choices,
        widget=forms.RadioSelect,
    )
    # A blank first choice: a skipped question must be an error, never a recorded "Under 20".
    age_band = forms.ChoiceField(
        label="Your age", choices=[("", "Choose your age band"), *AgeBand.choices]
    )
    activity_level = forms.ChoiceField(
        label="How active are you at the moment?",
        choices=ActivityLevel.choices,
        widget=forms.RadioSelect,
    )
    equipment = forms.MultipleChoiceField(
        label="What do you have at hand? (Tick all that apply; many exercises need nothing.)",
        choices=Equipment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    minutes_per_day = forms.TypedChoiceField(
        label="Minutes a day you can give",
        choices=Minutes.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    training_days = forms.TypedMultipleChoiceField(
        label="Days you will train",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Pick at least one day."},
    )
    track_choice = forms.ChoiceField(
        label="Your track",
        choices=[("", "Suggest one from my answers (recommended)"), *Track.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=(
            "Pain down a leg always means the sciatica track: its nerve glides and leg checks "
            "are part of keeping you safe."
        ),
    )
    goals = forms.CharField(
        label="What would you like to be able to do again? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for statement in fear_statements():
            self.fields[f"fear_{statement['key']}"] = forms.ChoiceField(
                label=statement["text"], choices=AGREE, widget=forms.RadioSelect
            )
        for item in function_questionnaire()["items"]:
            choices = [("", "Skip")] + [
                (str(option["score"]), option["label"]) for option in item["options"]
            ]
            self.fields[f"function_{item['key']}"] = forms.ChoiceField(
                label=item["text"], choices=choices, required=False
            )

    def fear_fields(self):
        return [self[name] for name in self.fields if name.startswith("fear_")]

    def function_fields(self):
        return [self[name] for name in self.fields if name.startswith("function_")]

    def basic_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("fear_", "function_"))]

    def clean(self):
        data = super().clean()
        now, worst = data.get("pain_now"), data.get("pain_worst")
        if now is not None and worst is not None and worst < now:
            self.add_error(
                "pain_worst", "Your worst over the last week can't be lower than your pain now."
            )
        return data

    def clean_training_days(self):
        days = self.cleaned_data["training_days"]
        if not days:
            raise forms.ValidationError("Pick at least one day.")
        return days

    def to_intake_data(self) -> dict:
        data = self.cleaned_data
        areas = set(data["pain_areas"])
        answers = {
            name.removeprefix("function_"): int(value)
            for name, value in data.items()
            if name.startswith("function_") and value != ""
        }
        items = function_questionnaire()["items"]
        return {
            "pain_now": data["pain_now"],
            "pain_worst": data["pain_worst"],
            "pain_low_back": "low_back" in areas,
            "pain_buttock": "buttock" in areas,
            "pain_leg": "leg" in areas,
            "duration": data["duration"],
            "age_band": data["age_band"],
            "activity_level": data["activity_level"],
            "equipment": sorted(data["equipment"]),
            "minutes_per_day": data["minutes_per_day"],
            "training_days": "".join(
                "1" if day in data["training_days"] else "0" for day in range(7)
            ),
            "goals": data["goals"],
            "track_choice": data.get("track_choice") or "",
            "fear_bending_harms": data.get("fear_bending_harms") == "agree",
            "fear_pain_means_harm": data.get("fear_pain_means_harm") == "agree",
            "fear_rest_until_better": data.get("fear_rest_until_better") == "agree",
            "function_answers": answers,
            "function_score": sum(answers.values()) if len(answers) == len(items) else None,
        }

    @classmethod
    def initial_from(cls, intake) -> dict:
        if intake is None or intake.completed_at is None:
            return {"minutes_per_day": 10, "training_days": [0, 1, 2, 3, 4]}
        initial = {
            "pain_now": intake.pain_now,
            "pain_worst": intake.pain_worst,
            "pain_areas": [
                key
                for key, flag in (
                    ("low_back", intake.pain_low_back),
                    ("buttock", intake.pain_buttock),
                    ("leg", intake.pain_leg),
                )
                if flag
            ],
            "duration": intake.duration,
            "age_band": intake.age_band,
            "activity_level": intake.activity_level,
            "equipment": intake.equipment,
            "minutes_per_day": intake.minutes_per_day,
            "training_days": sorted(intake.training_weekdays),
            "goals": intake.goals,
            "track_choice": intake.track_choice,
        }
        for key in ("bending_harms", "pain_means_harm", "rest_until_better"):
            value = getattr(intake, f"fear_{key}")
            if value is not None:
                initial[f"fear_{key}"] = "agree" if value else "disagree"
        for key, score in (intake.function_answers or {}).items():
            initial[f"function_{key}"] = str(score)
        return initial


def function_choice_fields(*, required: bool) -> dict[str, forms.ChoiceField]:
    """The intake's everyday-tasks questions, as form fields named function_<key>."""
    fields = {}
    for item in function_questionnaire()["items"]:
        choices = [(str(option["score"]), option["label"]) for option in item["options"]]
        if not required:
            choices = [("", "Skip"), *choices]
        fields[f"function_{item['key']}"] = forms.ChoiceField(
            label=item["text"], choices=choices, required=required
        )
    return fields


ZERO_TO_TEN_CHOICES = [(n, str(n)) for n in range(11)]


class GoalAddForm(forms.Form):
    activity = forms.CharField(
        label="An everyday activity your back makes hard",
        max_length=80,
        help_text="In your own words, for example “tying my shoes” or “sitting through a film”.",
    )
    rating = forms.TypedChoiceField(
        label="How well can you do it now? (0 = not at all, 10 = as well as before)",
        choices=ZERO_TO_TEN_CHOICES,
        coerce=int,
    )


class GoalRateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How well can you do it now? (0 = not at all, 10 = as well as before)",
        choices=ZERO_TO_TEN_CHOICES,
        coerce=int,
    )


class RecheckForm(forms.Form):
    """The four-weekly re-check: two pain questions, the everyday tasks, each goal's rating."""

    pain_usual = forms.TypedChoiceField(
        label="Over the last week, how much did your back usually hurt? (0 = no pain)",
        choices=ZERO_TO_TEN_CHOICES,
        coerce=int,
    )
    pain_worst = forms.TypedChoiceField(
        label="And at its worst over the last week?",
        choices=ZERO_TO_TEN_CHOICES,
        coerce=int,
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(function_choice_fields(required=False))
        self.goal_ids = []
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.TypedChoiceField(
                label=f"{goal.activity}: how well can you do it now? (0–10)",
                choices=ZERO_TO_TEN_CHOICES,
                coerce=int,
            )
            self.goal_ids.append(goal.pk)

    def clean(self):
        data = super().clean()
        for name in ("pain_usual", "pain_worst"):
            if name not in data:
                return data
        if data["pain_worst"] < data["pain_usual"]:
            self.add_error("pain_worst", "Worst pain cannot be lower than usual pain.")
        return data

    def pain_fields(self):
        return [self["pain_usual"], self["pain_worst"]]

    def function_fields(self):
        return [self[name] for name in self.fields if name.startswith("function_")]

    def goal_fields(self):
        return [self[f"goal_{pk}"] for pk in self.goal_ids]

    def to_service(self) -> dict:
        data = self.cleaned_data
        return {
            "pain_usual": data["pain_usual"],
            "pain_worst": data["pain_worst"],
            "function_answers": {
                name.removeprefix("function_"): int(value)
                for name, value in data.items()
                if name.startswith("function_") and value != ""
            },
            "goal_ratings": {pk: data[f"goal_{pk}"] for pk in self.goal_ids},
        }


class IntakeGoalsForm(forms.Form):
    """The intake's optional goals section: up to three activities, each rated 0–10."""

    ROWS = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, self.ROWS + 1):
            self.fields[f"goal_activity_{n}"] = forms.CharField(
                label=f"Activity {n}", max_length=80, required=False
            )
            self.fields[f"goal_rating_{n}"] = forms.TypedChoiceField(
                label=f"How well can you do activity {n} now? (0 = not at all, 10 = as before)",
                choices=[("", "Choose 0 to 10"), *ZERO_TO_TEN_CHOICES],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def clean(self):
        data = super().clean()
        for n in range(1, self.ROWS + 1):
            activity = (data.get(f"goal_activity_{n}") or "").strip()
            if activity and data.get(f"goal_rating_{n}") is None:
                self.add_error(f"goal_rating_{n}", "Rate it from 0 to 10, or leave the row empty.")
        return data

    def rows(self):
        return [
            (self[f"goal_activity_{n}"], self[f"goal_rating_{n}"]) for n in range(1, self.ROWS + 1)
        ]

    def goals(self) -> list[tuple[str, int]]:
        data = self.cleaned_data
        return [
            (data[f"goal_activity_{n}"].strip(), data[f"goal_rating_{n}"])
            for n in range(1, self.ROWS + 1)
            if (data.get(f"goal_activity_{n}") or "").strip()
        ]
