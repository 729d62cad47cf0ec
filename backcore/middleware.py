"""Request and response guards that apply to every page."""

import logging
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import patch_cache_control, patch_vary_headers

logger = logging.getLogger(__name__)


class RejectNulBytesMiddleware:
    """A NUL character has no place in a URL or a form value, and PostgreSQL refuses to store
    or compare text holding one (a 500 wherever a value reaches a query without a form).
    Refuse such requests at the door with a 400, whichever view they were meant for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            return HttpResponseBadRequest(
                "The request contains a NUL character, which no field accepts.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path:
            return True
        sources = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            # Large uploads stream to disk unread here (their forms validate every field);
            # anything smaller is read once and kept, so a view can still read request.body.
            if length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                request.body  # noqa: B018 - caches the raw body before the form parser runs
                sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (policy in settings.CONTENT_SECURITY_POLICY), plus one thing only
    known at run time: when STRIPE_API_BASE points at another Stripe (a local fake in tests and
    browser journeys), the join form's redirect to its checkout page must be allowed too."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        origin = _origin(settings.STRIPE_API_BASE)
        if origin and not report_only:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", []), origin]
            parts.update = update
        return parts


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """{"camera": [], "publickey-credentials-get": ["self"]} -> 'camera=(), publickey-...=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in sorted(policy.items()))


class SecurityHeadersMiddleware:
    """Headers for every page the app renders (static files are served before this runs):

    - Permissions-Policy from settings.PERMISSIONS_POLICY: no camera, microphone, location,
      sensors or payment API; passkeys (WebAuthn) on our own origin only.
    - `Cache-Control: private, no-store` whenever someone is signed in, so a page with their
      health data never sits in a shared or back-button cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions_policy_header(settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if "no-store" not in response.get("Cache-Control", ""):
                patch_cache_control(response, private=True, no_store=True)
            patch_vary_headers(response, ("Cookie",))
        return response
