from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.shortcuts import resolve_url

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

    def get_login_redirect_url(self, request):
        # Coaches start their day at the coach inbox, not at a member's safety screen.
        user = request.user
        if user.is_authenticated and user.is_staff and user.is_coach:
            return resolve_url(settings.COACH_LOGIN_REDIRECT_URL)
        return super().get_login_redirect_url(request)

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
