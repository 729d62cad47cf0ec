"""Security headers on every page.

- Content-Security-Policy without 'unsafe-inline' (or 'unsafe-eval'), own origin only;
- Permissions-Policy switching off what no page uses, passkeys on our own origin;
- `Cache-Control: private, no-store` on every page a signed-in person gets, and not on the
  public pages an anonymous visitor gets (so those stay cacheable);
- no `Server` banner from gunicorn (a real gunicorn is started for that one).
"""

import socket
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parents[3]
PUBLIC = ["/", "/exercises/", "/learn/", "/accounts/login/", "/accounts/signup/"]
SIGNED_IN = [
    "/today/",
    "/progress/",
    "/community/",
    "/account/data/",
    "/account/profile/",
    "/accounts/2fa/",
    "/accounts/email/",
]


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("url", PUBLIC)
def test_csp_on_public_pages_has_no_unsafe_sources(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_csp_lets_the_join_form_go_on_to_stripe_only(client, db, settings):
    policy = _directives(client.get("/")["Content-Security-Policy"])
    assert policy["form-action"] == [
        "'self'",
        "https://checkout.stripe.com",
        "https://billing.stripe.com",
    ]
    settings.STRIPE_API_BASE = "http://127.0.0.1:9999/v1"  # a local fake Stripe
    policy = _directives(client.get("/")["Content-Security-Policy"])
    assert "http://127.0.0.1:9999" in policy["form-action"]


def test_permissions_policy(client, db):
    header = client.get("/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for off in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[off] == "()", off
    assert features["publickey-credentials-get"] == "(self)"
    assert features["publickey-credentials-create"] == "(self)"


@pytest.mark.parametrize("url", PUBLIC[:3])
def test_public_pages_for_anonymous_visitors_stay_cacheable(client, db, url):
    assert "no-store" not in client.get(url).get("Cache-Control", "")


@pytest.mark.parametrize("url", SIGNED_IN + PUBLIC[:3])
def test_every_page_a_signed_in_member_gets_is_private_no_store(client, db, url):
    client.force_login(MemberFactory())
    response = client.get(url)
    assert response.status_code in (200, 302), url
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, url
    assert "public" not in directives


def test_the_login_response_itself_is_not_stored(client, db):
    member = MemberFactory()
    from tests.factories.accounts import PASSWORD

    response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.found.append(f"<{tag} style=…>")
        if any(name.startswith("on") for name in attrs):
            self.found.append(f"<{tag} on…=>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in attrs and "json" not in attrs.get("type", ""):
            self.found.append("<script> inline")


@pytest.mark.parametrize("url", PUBLIC + SIGNED_IN)
def test_rendered_pages_carry_no_inline_script_or_style(client, db, url):
    """The template scan's runtime twin: what the CSP would block, as actually rendered."""
    if url in SIGNED_IN:
        client.force_login(MemberFactory())
    response = client.get(url, follow=True)
    finder = _InlineFinder()
    finder.feed(response.content.decode())
    assert not finder.found, f"{url}: {finder.found}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_sends_no_server_banner(tmp_path):
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "backcore.wsgi:application", "--bind", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,  # picks up ./gunicorn.conf.py as the Docker image does
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        headers = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    headers = r.headers
                break
            except OSError as exc:
                if getattr(exc, "headers", None) is not None:  # an HTTP error still has headers
                    headers = exc.headers
                    break
                time.sleep(0.1)
        assert headers is not None, "gunicorn did not start"
        assert "Server" not in headers, headers.get("Server")
        assert "Content-Security-Policy" in headers
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_admin_pages_get_their_css_from_a_file(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"css/admin.css" in response.content
    assert "unsafe" not in response["Content-Security-Policy"]
