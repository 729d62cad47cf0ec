"""Two-factor authentication for the people who can see other people's health data.

Everyone may turn on two-factor (allauth.mfa: authenticator app, passkeys, recovery codes).
With settings.MFA_REQUIRED_FOR_STAFF on (the production default), coaches and staff must have
it turned on before they reach Django admin or the coach inbox: `StaffMFAMiddleware` guards
admin, and `staff_mfa_required` guards any other view (the coach inbox uses it).
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

MFA_MESSAGE = (
    "Coaches and staff see members' health information, so two-factor sign-in comes first: "
    "add an authenticator app or a passkey, then carry on."
)
SECOND_FACTORS = ("totp", "webauthn")  # recovery codes only back these up


def mfa_required_for(user) -> bool:
    """Whether this person must have two-factor turned on (coaches and staff, when required)."""
    if not settings.MFA_REQUIRED_FOR_STAFF or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or user.is_coach)


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def staff_mfa_missing(user) -> bool:
    """True when this person may not go on until they turn on two-factor.

    Once someone has a second factor, allauth asks for it at every sign-in, so having one is
    what is checked here."""
    return mfa_required_for(user) and not has_second_factor(user)


def _to_mfa_setup(request):
    messages.warning(request, MFA_MESSAGE)
    return redirect(f"{reverse('mfa_index')}?{urlencode({'next': request.get_full_path()})}")


def staff_mfa_required(view):
    """Decorator for coach and staff views outside admin (e.g. the coach inbox)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if staff_mfa_missing(request.user):
            return _to_mfa_setup(request)
        return view(request, *args, **kwargs)

    return wrapper


class StaffMFAMiddleware:
    """Django admin is reached only with two-factor turned on, when it is required."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("admin:index")) and staff_mfa_missing(request.user):
            return _to_mfa_setup(request)
        return self.get_response(request)
