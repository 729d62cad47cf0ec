from django import forms

from programs.services.conversations import BODY_MAX


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Markdown works: *italic*, **bold**, lists. Only you and our coaches see this.",
    )
    photo = forms.ImageField(
        label="Photo (optional)",
        required=False,
        help_text="A photo of your form, for example. JPEG, PNG, WebP or GIF; location data is removed.",
    )

    def clean(self):
        data = super().clean()
        if not (data.get("body") or "").strip() and not data.get("photo"):
            raise forms.ValidationError("Write a message or add a photo.")
        return data


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    note = forms.CharField(
        label="Closing note (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LiftForm(forms.Form):
    note = forms.CharField(
        label="Why it is safe to lift (who checked the member, what they found)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    message = forms.CharField(
        label="Message to the member",
        max_length=BODY_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Left empty, they get a short standard message.",
    )
    confirm = forms.BooleanField(
        label="I confirm the member has been checked and it is safe to lift the block.",
        required=False,
    )


class ClearanceForm(LiftForm):
    cleared_on = forms.DateField(
        label="Date of the clinician's clearance", widget=forms.DateInput(attrs={"type": "date"})
    )

    field_order = ["cleared_on", "note", "message", "confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = "Who cleared the member, and anything they said"
        self.fields["confirm"].label = "I confirm a clinician has cleared this member to train."
