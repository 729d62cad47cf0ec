"""Forms for doing a session: one exercise done, the pain before, the finish and the next
morning's check-in, and the day a late session is for. They turn posted text into ints, dates
and booleans with one clear message per field; the services they feed take typed values."""

from __future__ import annotations

import re
from datetime import date

from django import forms

from backcore.params import IdField
from programs.services.sessions import (
    LATE_LOG_DAYS,
    MAX_HOLD_SECONDS,
    MAX_REPS,
    MAX_SETS,
    NOTES_MAX,
    late_log_window,
)

# ASCII digits only: int() also reads "١٢" (Arabic-Indic), which nobody types on purpose.
_WHOLE = re.compile(r"-?[0-9]+")
_LONGEST = 9  # more digits than this is out of every range here; int() never sees a megabyte
YES_NO = [("no", "No"), ("yes", "Yes")]


class WholeNumberField(forms.Field):
    """A whole number in [low, high], with messages that name what is being counted."""

    def __init__(self, *, noun: str, low: int, high: int, unit: str = "", **kwargs):
        self.noun, self.low, self.high, self.unit = noun, low, high, unit
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _WHOLE.fullmatch(text):
            raise forms.ValidationError(f"{self.noun} must be a whole number.", code="invalid")
        if len(text.lstrip("-")) > _LONGEST:
            return -(10**_LONGEST) if text.startswith("-") else 10**_LONGEST
        return int(text)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < 0:
            message = f"{self.noun} cannot be negative."
        elif value < self.low:
            message = f"{self.noun} must be at least {self.low}{self.unit}."
        elif value > self.high:
            message = f"{self.noun} can be at most {self.high}{self.unit}."
        else:
            return
        raise forms.ValidationError(message, code="range")


def zero_to_ten(noun: str, *, required: str) -> WholeNumberField:
    """A 0–10 answer (pain, effort); `required` is said when it is left out."""
    return WholeNumberField(noun=noun, low=0, high=10, error_messages={"required": required})


class _Echo:
    """For re-showing a form by hand-written markup: what was chosen, and one line per error."""

    def echo(self) -> dict[str, str]:
        values = {}
        for name in self.fields:
            value = self[name].value()
            values[name] = "" if value is None else str(value)
        return values

    def error_texts(self) -> dict[str, str]:
        return {field: " ".join(messages) for field, messages in self.errors.items()}


class ItemDoneForm(_Echo, forms.Form):
    """One exercise done: seconds held (a hold) or reps (the rest), sets and sides."""

    actual_seconds = WholeNumberField(
        noun="Hold time", low=1, high=MAX_HOLD_SECONDS, unit=" seconds", required=False
    )
    actual_reps = WholeNumberField(noun="Reps", low=1, high=MAX_REPS, required=False)
    actual_sets = WholeNumberField(
        noun="Sets",
        low=1,
        high=MAX_SETS,
        error_messages={"required": "Enter how many sets you did."},
    )
    sides_done = WholeNumberField(noun="Sides", low=1, high=2, required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        if item.hold_seconds is not None:
            measured, message = "actual_seconds", "Enter how many seconds you held."
        else:
            measured, message = "actual_reps", "Enter how many reps you did."
        self.fields[measured].required = True
        self.fields[measured].error_messages["required"] = message


class PainBeforeForm(_Echo, forms.Form):
    """One tap before the first exercise: how the back feels now (0–10)."""

    pain_before = zero_to_ten(
        "Pain", required="Choose how much your back hurts right now, from 0 to 10."
    )


def _yes(value: str) -> bool:
    return value == "yes"


class FinishForm(_Echo, forms.Form):
    """The end of a session: pain during it, effort, sharp pain, (sciatica) spread, notes."""

    pain_during = zero_to_ten(
        "Pain", required="Choose how much it hurt during the session, from 0 to 10."
    )
    effort = zero_to_ten("Effort", required="Choose how hard it felt, from 0 to 10.")
    sharp_pain = forms.TypedChoiceField(
        choices=YES_NO, coerce=_yes, required=False, empty_value=False
    )
    pain_spread = forms.TypedChoiceField(
        choices=YES_NO, coerce=_yes, required=False, empty_value=None
    )
    notes = forms.CharField(
        max_length=NOTES_MAX,
        required=False,
        error_messages={"max_length": f"Notes can be at most {NOTES_MAX} characters."},
    )

    def __init__(self, *args, ask_spread: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_spread:  # only members with leg pain are asked; the others answer nothing
            del self.fields["pain_spread"]

    @staticmethod
    def initial_from(session) -> dict[str, str]:
        return {
            "pain_during": session.pain_during,
            "effort": session.effort,
            "sharp_pain": "yes" if session.sharp_pain else "no",
            "pain_spread": {True: "yes", False: "no"}.get(session.pain_spread, ""),
            "notes": session.notes,
        }

    def to_service(self) -> dict:
        data = self.cleaned_data
        return {
            "pain_during": data["pain_during"],
            "effort": data["effort"],
            "sharp_pain": data["sharp_pain"],
            "pain_spread": data.get("pain_spread"),
            "notes": data["notes"],
        }


class MorningCheckinForm(_Echo, forms.Form):
    """The next-morning answer: which session it is for, and the pain this morning."""

    session = IdField(error_messages={"required": "Which session is this answer for?"})
    morning_pain = zero_to_ten(
        "Morning pain", required="Choose how your back feels this morning, from 0 to 10."
    )


class SessionDayForm(forms.Form):
    """The day a session is for: today, or (late logging) one of the previous seven days."""

    day = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "That date is not valid."},
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_day(self) -> date:
        day = self.cleaned_data["day"] or self.today
        first, last = late_log_window(today=self.today)
        if day != self.today and not first <= day <= last:
            raise forms.ValidationError(
                f"Sessions can be logged for today or up to {LATE_LOG_DAYS} days back."
            )
        return day

    def error_text(self) -> str:
        return " ".join(message for messages in self.errors.values() for message in messages)
