"""The one place that builds a Stripe client. Settings are read when called, never at import."""

from typing import Any

import stripe
from django.conf import settings


class StripeNotConfigured(Exception):
    pass


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def stripe_client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise StripeNotConfigured("STRIPE_SECRET_KEY is not set")
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=2,
    )


def as_dict(obj: Any) -> dict:
    """StripeObject → plain dict (recursively); dicts pass through."""
    if obj is None:
        return {}
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    return dict(obj)


def object_id(value: Any) -> str:
    """An expandable field: either an id string or an expanded object."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return value.get("id", "") if isinstance(value, dict) else getattr(value, "id", "")
