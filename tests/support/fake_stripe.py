"""A local fake Stripe for tests and browser journeys, reached through the client's base address.

It is a small threaded HTTP server on 127.0.0.1 (random port) that records every request and
answers Stripe-shaped JSON for the endpoints BackCore uses, plus a fake hosted Checkout page.

Use the `fake_stripe` fixture. It is not auto-loaded: import it into a conftest.py where you need it
(pytest no longer allows `pytest_plugins` outside the root conftest):

    # tests/integration/payments/conftest.py  or  tests/browser/conftest.py
    from tests.support.fake_stripe import fake_stripe  # noqa: F401

The fixture sets STRIPE_SECRET_KEY, STRIPE_API_BASE, STRIPE_WEBHOOK_SECRET and STRIPE_PRODUCT_ID for
the test (Django's `settings` fixture), so views and a live_server in the same process use it.

Browser journey ("choose 15 a month → fake Checkout → success page"): submit /join/, the app
redirects to `http://127.0.0.1:PORT/pay/cs_test_…`; that page has a "Pay" button which marks the
session paid (and creates the subscription and first invoice in subscription mode) and redirects to
the success_url with {CHECKOUT_SESSION_ID} substituted. A "Cancel" link goes to cancel_url.
Our success_url is built from settings.SITE_URL, so with pytest-django's live_server set
`settings.SITE_URL = live_server.url` as well (the fixture leaves SITE_URL alone).
Webhooks are not sent by the fake: the success page fulfils the payment on its own. To exercise
webhooks, post `fake.event(...)` yourself (see tests/integration/payments/test_webhooks.py).

Recorded requests: `fake.requests` (FakeRequest: method, path, params (nested, values as strings
exactly as Stripe receives them), headers) and `fake.requests_to("POST", "/v1/checkout/sessions")`.
Webhooks: `fake.event(type, obj)` builds an event, `post_webhook(client, event)` signs it with
stripe.WebhookSignature.generate_signature_header and POSTs it to /payments/stripe/webhook/.
"""

from __future__ import annotations

import copy
import html
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import stripe

WEBHOOK_SECRET = "whsec_test_backcore_fake"
SECRET_KEY = "sk_test_backcore_fake"
PRODUCT_ID = "prod_test_backcore"


@dataclass
class FakeRequest:
    method: str
    path: str
    params: dict
    headers: dict = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


def decode_params(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (`a[b][0][c]=1`) → nested dicts and lists of strings."""
    root: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node):
        if isinstance(node, dict):
            node = {k: listify(v) for k, v in node.items()}
            if node and all(k.isdigit() for k in node):
                return [node[k] for k in sorted(node, key=int)]
        return node

    return listify(root)


class FakeStripe:
    def __init__(self) -> None:
        self.requests: list[FakeRequest] = []
        self.sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self._idempotent: dict[tuple[str, str], dict] = {}
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> FakeStripe:
        fake = self

        class Handler(_Handler):
            stripe_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- helpers for tests -----------------------------------------------------------------------
    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):06d}{int(time.time() * 1000) % 100000:05d}"

    def requests_to(self, method: str, path: str) -> list[FakeRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def create_session(self, params: dict) -> dict:
        with self._lock:
            sid = self.new_id("cs")
            line = (params.get("line_items") or [{}])[0]
            price = line.get("price_data") or {}
            session = {
                "id": sid,
                "object": "checkout.session",
                "mode": params.get("mode"),
                "status": "open",
                "payment_status": "unpaid",
                "url": f"{self.base_url}/pay/{sid}",
                "client_reference_id": params.get("client_reference_id"),
                "customer_email": params.get("customer_email"),
                "customer": None,
                "metadata": params.get("metadata") or {},
                "success_url": params.get("success_url"),
                "cancel_url": params.get("cancel_url"),
                "currency": price.get("currency"),
                "amount_total": int(price.get("unit_amount") or 0) * int(line.get("quantity") or 1),
                "payment_intent": None,
                "subscription": None,
                "invoice": None,
                "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata")
                or {},
                "_recurring": price.get("recurring"),
                "_product": price.get("product"),
            }
            self.sessions[sid] = session
            return session

    def pay(self, session_id: str, *, payment_status: str = "paid") -> dict:
        """What the hosted page's Pay button does: complete the session (idempotent)."""
        with self._lock:
            session = self.sessions[session_id]
            if session["status"] == "complete":
                return session
            session["status"] = "complete"
            session["payment_status"] = payment_status
            session["customer"] = session["customer"] or self.new_id("cus")
            if session["mode"] == "subscription":
                sub = self.add_subscription(
                    amount_minor=session["amount_total"],
                    currency=session["currency"],
                    customer=session["customer"],
                    metadata=session["_subscription_metadata"],
                )
                invoice = self.add_invoice(
                    subscription_id=sub["id"], billing_reason="subscription_create"
                )
                session["subscription"] = sub["id"]
                session["invoice"] = invoice["id"]
            else:
                pi = self.add_payment_intent(
                    amount_minor=session["amount_total"], currency=session["currency"]
                )
                session["payment_intent"] = pi["id"]
            return session

    def add_payment_intent(self, *, amount_minor: int, currency: str) -> dict:
        with self._lock:
            pi_id = self.new_id("pi")
            charge = {
                "id": self.new_id("ch"),
                "object": "charge",
                "amount": amount_minor,
                "amount_refunded": 0,
                "currency": currency,
                "payment_intent": pi_id,
                "refunded": False,
                "paid": True,
                "receipt_url": f"{self.base_url}/receipts/{pi_id}",
            }
            self.charges[charge["id"]] = charge
            pi = {
                "id": pi_id,
                "object": "payment_intent",
                "amount": amount_minor,
                "currency": currency,
                "status": "succeeded",
                "latest_charge": charge["id"],
            }
            self.payment_intents[pi_id] = pi
            return pi

    def refund(self, charge_id: str) -> dict:
        with self._lock:
            charge = self.charges[charge_id]
            charge.update(refunded=True, amount_refunded=charge["amount"])
            return charge

    def charge_for(self, payment_intent_id: str) -> dict:
        return self.charges[self.payment_intents[payment_intent_id]["latest_charge"]]

    def add_subscription(
        self, *, amount_minor: int, currency: str, customer: str, metadata: dict
    ) -> dict:
        with self._lock:
            sub_id = self.new_id("sub")
            now = int(time.time())
            sub = {
                "id": sub_id,
                "object": "subscription",
                "status": "active",
                "customer": customer,
                "cancel_at_period_end": False,
                "currency": currency,
                "metadata": dict(metadata),
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": self.new_id("si"),
                            "object": "subscription_item",
                            "current_period_end": now + 30 * 86400,
                            "price": {
                                "id": self.new_id("price"),
                                "object": "price",
                                "unit_amount": amount_minor,
                                "currency": currency,
                                "product": PRODUCT_ID,
                                "recurring": {"interval": "month"},
                            },
                        }
                    ],
                },
            }
            self.subscriptions[sub_id] = sub
            return sub

    def add_invoice(
        self,
        *,
        subscription_id: str,
        billing_reason: str = "subscription_cycle",
        status: str = "paid",
        amount_minor: int | None = None,
    ) -> dict:
        with self._lock:
            sub = self.subscriptions[subscription_id]
            price = sub["items"]["data"][0]["price"]
            amount = price["unit_amount"] if amount_minor is None else amount_minor
            inv_id = self.new_id("in")
            pi = self.add_payment_intent(amount_minor=amount, currency=price["currency"])
            invoice = {
                "id": inv_id,
                "object": "invoice",
                "status": status,
                "billing_reason": billing_reason,
                "customer": sub["customer"],
                "currency": price["currency"],
                "amount_due": amount,
                "amount_paid": amount if status == "paid" else 0,
                "hosted_invoice_url": f"{self.base_url}/invoices/{inv_id}",
                "parent": {
                    "type": "subscription_details",
                    "subscription_details": {
                        "subscription": subscription_id,
                        "metadata": dict(sub["metadata"]),
                    },
                },
                "payments": {
                    "object": "list",
                    "data": [
                        {
                            "object": "invoice_payment",
                            "payment": {"type": "payment_intent", "payment_intent": pi["id"]},
                        }
                    ],
                },
            }
            self.invoices[inv_id] = invoice
            return invoice

    def pay_invoice(self, invoice_id: str) -> dict:
        """A failed (open) invoice paid on a later attempt."""
        with self._lock:
            invoice = self.invoices[invoice_id]
            invoice.update(status="paid", amount_paid=invoice["amount_due"])
            return invoice

    def invoice_payment_intent(self, invoice_id: str) -> str:
        return self.invoices[invoice_id]["payments"]["data"][0]["payment"]["payment_intent"]

    def monthly_history(
        self,
        session_id: str,
        *,
        renewals: int = 2,
        failed: frozenset[int] = frozenset(),
        recovered: frozenset[int] = frozenset(),
        refunded: frozenset[int] = frozenset(),
    ) -> list[dict]:
        """Pay a monthly Checkout Session and live through `renewals` more months.

        Returns the events Stripe would send, in real-time order. Months are numbered from 0 (the
        first invoice); a month in `failed` is declined (`invoice.payment_failed`), and paid on a
        retry if it is also in `recovered`; a paid month in `refunded` is refunded afterwards.
        Objects are left in their final state, as a handler retrieving them later would see them.
        """
        session = self.pay(session_id)
        sub_id = session["subscription"]
        events = [
            self.event("checkout.session.completed", session),
            self.event("customer.subscription.updated", self.subscriptions[sub_id]),
        ]
        invoice_ids = [session["invoice"]]
        for _ in range(renewals):
            invoice_ids.append(self.add_invoice(subscription_id=sub_id)["id"])
        for month, invoice_id in enumerate(invoice_ids):
            invoice = self.invoices[invoice_id]
            if month in failed and month > 0:
                invoice.update(status="open", amount_paid=0)
                events.append(self.event("invoice.payment_failed", invoice))
                if month not in recovered:
                    continue
                self.pay_invoice(invoice_id)
            events.append(self.event("invoice.paid", invoice))
            if month in refunded:
                charge = self.refund(self.charge_for(self.invoice_payment_intent(invoice_id))["id"])
                events.append(self.event("charge.refunded", charge))
        return events

    def event(self, type_: str, obj: dict, *, event_id: str | None = None) -> dict:
        clean = {k: v for k, v in copy.deepcopy(obj).items() if not k.startswith("_")}
        return {
            "id": event_id or self.new_id("evt"),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": int(time.time()),
            "type": type_,
            "livemode": False,
            "data": {"object": clean},
        }

    # --- request handling ------------------------------------------------------------------------
    def _expand(self, obj: dict, expand: list[str]) -> dict:
        out = {k: v for k, v in copy.deepcopy(obj).items() if not k.startswith("_")}
        for path in expand:
            head, _, rest = path.partition(".")
            store = {
                "payment_intent": self.payment_intents,
                "invoice": self.invoices,
                "subscription": self.subscriptions,
                "latest_charge": self.charges,
            }.get(head)
            if store is not None and isinstance(out.get(head), str) and out[head] in store:
                out[head] = self._expand(store[out[head]], [rest] if rest else [])
        return out

    def handle(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(FakeRequest(method, path, params, headers))
            key = headers.get("idempotency-key")
            if method == "POST" and key and (path, key) in self._idempotent:
                return 200, copy.deepcopy(self._idempotent[(path, key)])
            status, body = self._route(method, path, params)
            if method == "POST" and key and status == 200:
                self._idempotent[(path, key)] = copy.deepcopy(body)
            return status, body

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        expand = params.get("expand") or []
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(parts) == 3:
                return 200, self._expand(self.create_session(params), [])
            if method == "GET" and len(parts) == 4 and parts[3] in self.sessions:
                return 200, self._expand(self.sessions[parts[3]], expand)
            if method == "POST" and parts[4:] == ["expire"] and parts[3] in self.sessions:
                session = self.sessions[parts[3]]
                if session["status"] != "open":
                    return 400, {
                        "error": {
                            "type": "invalid_request_error",
                            "message": "Only Checkout Sessions with a status of open can be expired.",
                        }
                    }
                session["status"] = "expired"
                return 200, self._expand(session, [])
        if (
            parts[:2] == ["v1", "subscriptions"]
            and len(parts) == 3
            and parts[2] in self.subscriptions
        ):
            sub = self.subscriptions[parts[2]]
            if method == "POST":
                for item_params in params.get("items") or []:
                    price_data = item_params.get("price_data")
                    if price_data:
                        item = sub["items"]["data"][0]
                        item["price"] = {
                            **item["price"],
                            "id": self.new_id("price"),
                            "unit_amount": int(price_data["unit_amount"]),
                            "currency": price_data.get("currency", item["price"]["currency"]),
                        }
                if "cancel_at_period_end" in params:
                    sub["cancel_at_period_end"] = params["cancel_at_period_end"] == "true"
            elif method == "DELETE":
                sub["status"] = "canceled"
            return 200, self._expand(sub, expand)
        if parts[:2] == ["v1", "invoices"] and len(parts) == 3 and parts[2] in self.invoices:
            return 200, self._expand(self.invoices[parts[2]], expand)
        if parts[:2] == ["v1", "charges"] and len(parts) == 3 and parts[2] in self.charges:
            return 200, self._expand(self.charges[parts[2]], expand)
        if path == "/v1/billing_portal/sessions" and method == "POST":
            bps = self.new_id("bps")
            return 200, {
                "id": bps,
                "object": "billing_portal.session",
                "customer": params.get("customer"),
                "return_url": params.get("return_url"),
                "url": f"{self.base_url}/portal/{bps}",
            }
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such object: {method} {path}",
            }
        }


class _Handler(BaseHTTPRequestHandler):
    stripe_fake: FakeStripe
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # quiet
        pass

    def _read(self) -> tuple[str, dict]:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        pairs = parse_qsl(url.query, keep_blank_values=True) + parse_qsl(
            body, keep_blank_values=True
        )
        return url.path, decode_params(pairs)

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self, method: str) -> None:
        path, params = self._read()
        if path.startswith("/pay/"):
            return self._checkout_page(method, path.removeprefix("/pay/"))
        if path.startswith(("/receipts/", "/invoices/", "/portal/")):
            return self._send(
                200,
                b"<!doctype html><title>Fake Stripe</title><h1>Fake Stripe page</h1>",
                "text/html",
            )
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload = self.stripe_fake.handle(method, path, params, headers)
        self._send(
            status, json.dumps(payload).encode(), "application/json", {"Request-Id": "req_fake"}
        )

    def _checkout_page(self, method: str, session_id: str) -> None:
        fake = self.stripe_fake
        session = fake.sessions.get(session_id)
        if session is None:
            return self._send(
                404, b"<!doctype html><title>Not found</title><h1>No such session</h1>", "text/html"
            )
        if method == "POST":
            fake.pay(session_id)
            target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            return self._send(303, b"", "text/plain", {"Location": target})
        amount = f"{session['amount_total'] / 100:.2f} {str(session['currency']).upper()}"
        every = " every month" if session["mode"] == "subscription" else ""
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fake Checkout</title></head>
<body><main><h1>Fake Stripe Checkout</h1><p>Pay {html.escape(amount)}{every}</p>
<form method="post" action="/pay/{html.escape(session_id)}"><button type="submit">Pay</button></form>
<p><a href="{html.escape(session["cancel_url"] or "/")}">Cancel</a></p></main></body></html>"""
        self._send(200, page.encode(), "text/html; charset=utf-8")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)


def post_webhook(
    client,
    event: dict,
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
):
    """POST a signed event to the webhook URL with Django's test client."""
    payload = json.dumps(event)
    header = (
        signature if signature is not None else sign(payload, secret=secret, timestamp=timestamp)
    )
    return client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@pytest.fixture
def fake_stripe(settings):
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = fake.base_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PRODUCT_ID = PRODUCT_ID
    yield fake
    fake.stop()
