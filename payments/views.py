import json
import logging
import time

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from backcore.accounts.selectors import user_is_member
from payments import selectors, services
from payments.forms import JoinForm, MonthlyAmountForm
from payments.models import Contribution
from payments.stripe_client import stripe_enabled

logger = logging.getLogger(__name__)

NEXT_SESSION_KEY = "payments_join_next"


def _default_next() -> str:
    """After joining, members land where a login lands them."""
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# Stripe signs each delivery with the time it was sent: older than 5 minutes is a replay, and
# more than a minute ahead of our clock is not a delivery Stripe made.
WEBHOOK_TOLERANCE_SECONDS = 300
WEBHOOK_FUTURE_TOLERANCE_SECONDS = 60


def _safe_next(request, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return _default_next()


def _join_form(request, data=None) -> JoinForm:
    return JoinForm(
        data,
        amounts=selectors.suggested_amounts(),
        currency=services.contribution_currency(),
        paid_enabled=stripe_enabled(),
        initial={"next": request.GET.get("next", "")},
    )


def _render_join(request, form: JoinForm, *, status: int = 200):
    currency = services.contribution_currency()
    return render(
        request,
        "payments/join.html",
        {
            "form": form,
            "paid_enabled": form.paid_enabled,
            "currency": currency.upper(),
            "cancelled": request.GET.get("cancelled") == "1",
            "is_member": user_is_member(user=request.user),
        },
        status=status,
    )


@login_required
def join(request):
    if request.method != "POST":
        return _render_join(request, _join_form(request))
    form = _join_form(request, request.POST)
    if not form.is_valid():
        return _render_join(request, form, status=422)
    next_url = _safe_next(request, form.cleaned_data.get("next"))
    amount_minor = form.cleaned_data["amount_minor"]
    if amount_minor == 0:
        services.contribution_join_free(member=request.user)
        messages.success(request, "Welcome to BackCore. Everything is open to you now.")
        return redirect(next_url)
    try:
        contribution = services.contribution_checkout_start(
            member=request.user,
            amount_minor=amount_minor,
            kind=form.cleaned_data["kind"],
            nonce=form.cleaned_data.get("nonce") or "",
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _render_join(request, form, status=422)
    except services.PaymentsUnavailable:
        form.add_error(
            "amount", "Card payments are not switched on for this site yet. Choose 0 to join now."
        )
        return _render_join(request, form, status=422)
    except stripe.StripeError:
        logger.exception("Could not create a Checkout Session")
        form.add_error(
            None, "We could not reach our payment provider. Nothing was charged; please try again."
        )
        return _render_join(request, form, status=503)
    request.session[NEXT_SESSION_KEY] = next_url
    if contribution.status == Contribution.Status.PAID:
        return redirect("payments:contributions")
    return HttpResponseRedirect(contribution.checkout_url, status=303)


@login_required
def join_success(request):
    session_id = request.GET.get("session_id", "").strip()
    if not session_id or not session_id.isascii() or len(session_id) > 255 or "{" in session_id:
        return render(
            request,
            "payments/success.html",
            {"error": "This link is missing its payment reference."},
            status=400,
        )
    if not stripe_enabled():
        return render(
            request,
            "payments/success.html",
            {"error": "Card payments are not switched on here."},
            status=400,
        )
    try:
        contribution = services.checkout_session_sync(session_id=session_id, member=request.user)
    except (PermissionDenied, services.ContributionNotFound, stripe.InvalidRequestError):
        return render(
            request,
            "payments/success.html",
            {"error": "We could not find that payment for your account."},
            status=404,
        )
    except stripe.StripeError:
        logger.exception("Could not retrieve Checkout Session %s", session_id)
        return render(
            request,
            "payments/success.html",
            {
                "error": "We could not check your payment just now. It is safe to reload this page in a minute."
            },
            status=503,
        )
    return render(
        request,
        "payments/success.html",
        {
            "contribution": contribution,
            "is_paid": contribution.status == Contribution.Status.PAID,
            "is_processing": contribution.status
            in (Contribution.Status.PENDING, Contribution.Status.PROCESSING),
            "next_url": request.session.get(NEXT_SESSION_KEY) or _default_next(),
        },
    )


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        return HttpResponseBadRequest("Webhooks are not configured.")
    signature = request.headers.get("Stripe-Signature", "")
    try:
        body = request.body.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            body, signature, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
        if _signed_at(signature) > time.time() + WEBHOOK_FUTURE_TOLERANCE_SECONDS:
            raise ValueError("signed in the future")
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError):
        return HttpResponseBadRequest("Invalid signature or payload.")
    try:
        payload = json.loads(body)
    except ValueError:
        return HttpResponseBadRequest("The payload is not JSON.")
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str) or not payload["id"]:
        return HttpResponseBadRequest("The payload is not a Stripe event.")
    services.webhook_event_record(payload=payload)
    return HttpResponse("ok", content_type="text/plain")


def _signed_at(signature: str) -> int:
    """The `t=` timestamp the signature was verified against (Stripe's parser takes the first)."""
    for part in signature.split(","):
        key, _, value = part.partition("=")
        if key == "t":
            return int(value)
    raise ValueError("no timestamp")


@login_required
def contributions(request):
    currency = services.contribution_currency()
    return render(
        request,
        "payments/contributions.html",
        {
            **selectors.contributions_page(member=request.user),
            "paid_enabled": stripe_enabled(),
            "currency": currency.upper(),
        },
    )


@login_required
@require_POST
def subscription_amount(request, pk: int):
    if not stripe_enabled():
        messages.error(
            request, "Card payments are not switched on here, so monthly amounts cannot change."
        )
        return redirect("payments:contributions")
    local = selectors.member_subscriptions(member=request.user).filter(pk=pk).first()
    if local is None:
        raise PermissionDenied
    form = MonthlyAmountForm(request.POST, currency=local.currency, prefix=f"sub{pk}")
    if not form.is_valid():
        for error in form.errors.get("amount", []):
            messages.error(request, error)
        return redirect("payments:contributions")
    try:
        updated = services.subscription_change_amount(
            member=request.user, subscription_pk=pk, amount_minor=form.cleaned_data["amount"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("payments:contributions")
    except stripe.StripeError:
        logger.exception("Could not change subscription %s", pk)
        messages.error(
            request, "We could not reach our payment provider. Nothing changed; please try again."
        )
        return redirect("payments:contributions")
    messages.success(
        request, f"Your monthly contribution is now {updated.amount_display}. Thank you."
    )
    return redirect("payments:contributions")


@login_required
@require_POST
def subscription_cancel(request, pk: int):
    if not stripe_enabled():
        messages.error(request, "Card payments are not switched on here.")
        return redirect("payments:contributions")
    try:
        services.subscription_cancel(member=request.user, subscription_pk=pk)
    except stripe.StripeError:
        logger.exception("Could not cancel subscription %s", pk)
        messages.error(
            request, "We could not reach our payment provider. Nothing changed; please try again."
        )
        return redirect("payments:contributions")
    messages.success(
        request, "Your monthly contribution is cancelled. Your membership stays exactly as it is."
    )
    return redirect("payments:contributions")


@login_required
@require_POST
def billing_portal(request):
    if not stripe_enabled():
        messages.error(request, "Card payments are not switched on here.")
        return redirect("payments:contributions")
    try:
        url = services.billing_portal_url(member=request.user)
    except PermissionDenied:
        messages.error(request, "There are no card payments on your account to manage.")
        return redirect("payments:contributions")
    except stripe.StripeError:
        logger.exception("Could not open the billing portal")
        messages.error(request, "We could not reach our payment provider; please try again.")
        return redirect("payments:contributions")
    return HttpResponseRedirect(url, status=303)
