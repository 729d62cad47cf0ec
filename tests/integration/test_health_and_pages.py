import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["status"] in {"ok", "degraded"}


def test_healthz_reports_database_down(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error"


@pytest.mark.redis
def test_healthz_checks_redis_when_configured(client):
    assert client.get("/healthz").json()["checks"]["redis"] == "ok"


def test_healthz_unconfigured_redis(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json()["checks"]["redis"] == "not_configured"


@pytest.mark.parametrize("path", ["/", "/accounts/signup/", "/accounts/login/"])
def test_public_pages_render_with_landmarks(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    for marker in ('<main id="main"', 'class="skip-link"', "<nav", 'lang="en"'):
        assert marker in html


def test_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "couldn't find that page" in response.content.decode()


def test_htmx_is_served_locally(client):
    html = client.get("/").content.decode()
    assert "django_htmx/htmx" in html
    assert "cdn" not in html.lower()


def test_favicon_ico_points_at_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")


def test_learn_is_in_the_main_navigation_and_status_is_not_in_the_footer(client):
    html = client.get("/").content.decode()
    nav = html[html.index('<nav class="site-nav"') : html.index("</nav>")]
    assert 'href="/learn/"' in nav
    footer = html[html.index('<footer class="site-footer"') :]
    assert "/healthz" not in footer
