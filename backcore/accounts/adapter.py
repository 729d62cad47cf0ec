from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from backcore.accounts.services import profile_ensure, profile_name_set


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.email = (user.email or "").lower()
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
            display_name = (getattr(form, "cleaned_data", None) or {}).get("display_name", "")
            if display_name:
                profile_name_set(user=user, display_name=display_name)
        return user

    def send_mail(self, template_prefix, email, context):
        # Allauth's emails greet from "the current site"; without the sites framework that is the
        # request's host ("Hello from 127.0.0.1:8000!"). Greet as BackCore at its public address.
        context = {
            **context,
            "current_site": SimpleNamespace(
                name="BackCore", domain=urlsplit(settings.SITE_URL).netloc or "BackCore"
            ),
        }
        return super().send_mail(template_prefix, email, context)
