import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError

from backcore.accounts.services import AVATAR_MAX_BYTES, AVATAR_MAX_PIXELS
from backcore.images import clean_uploaded_image

TIMEZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class SignupForm(AllauthSignupForm):
    """Allauth's sign-up plus the name other members will see, asked up front."""

    display_name = forms.CharField(
        label="Your name in the community",
        max_length=60,
        required=False,
        help_text="A first name or nickname is fine. You can change it later on your profile.",
    )
    field_order = ["display_name", "email", "password1", "password2"]


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        max_length=60,
        required=False,
        help_text="Shown to other members in the community. Leave blank to stay 'Member'.",
    )
    timezone = forms.ChoiceField(
        choices=TIMEZONE_CHOICES, help_text="Used for reminders and your daily plan."
    )
    avatar = forms.FileField(
        required=False,
        help_text="JPEG, PNG, WebP or GIF, at most 5 MB. We shrink it and remove photo metadata.",
    )
    remove_avatar = forms.BooleanField(required=False, label="Remove my current picture")

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if upload:
            # Validate now so a bad file is a form error; the service re-encodes the original.
            try:
                clean_uploaded_image(
                    upload, max_bytes=AVATAR_MAX_BYTES, max_pixels=AVATAR_MAX_PIXELS, max_side=8
                )
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from None
            upload.seek(0)
        return upload


class AccountDeleteForm(forms.Form):
    confirm_email = forms.CharField(max_length=254)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_confirm_email(self):
        typed = self.cleaned_data["confirm_email"].strip().lower()
        if typed != self.user.email.lower():
            raise forms.ValidationError("That is not your email address, so nothing was deleted.")
        return typed
