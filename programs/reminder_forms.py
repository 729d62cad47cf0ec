"""The reminder settings form: typed values (a time, weekday numbers, a zone name) for
`reminder_settings_update`."""

from __future__ import annotations

from django import forms

from programs.choices import WEEKDAY_NAMES
from programs.services.reminders import timezone_names


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(label="Send me a daily reminder email", required=False)
    local_time = forms.TimeField(
        label="Time of day",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 07:30."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days",
        choices=list(enumerate(WEEKDAY_NAMES)),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    timezone = forms.ChoiceField(label="Timezone", choices=(), required=False)
    browser_timezone = forms.CharField(required=False, widget=forms.HiddenInput)
    morning_checkins = forms.BooleanField(
        label="Ask me the next morning whether the session settled", required=False
    )

    def __init__(self, *args, fallback_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.fallback_zone = fallback_zone
        self.fields["timezone"].choices = [(name, name) for name in sorted(timezone_names())]

    def clean(self):
        data = super().clean()
        # The chosen zone, else the browser's (filled in by JS), else the profile's.
        browser = data.get("browser_timezone", "")
        data["timezone"] = (
            data.get("timezone")
            or (browser if browser in timezone_names() else "")
            or self.fallback_zone
        )
        return data

    def to_service(self) -> dict:
        data = self.cleaned_data
        return {
            "enabled": data["enabled"],
            "local_time": data["local_time"],
            "weekdays": data["weekdays"],
            "timezone": data["timezone"],
            "morning_checkins": data["morning_checkins"],
        }
