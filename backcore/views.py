import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def landing(request):
    return render(request, "landing.html")


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "unreachable" to a health probe
        logger.exception("healthz: database check failed")
        return "error"
    return "ok"


def _redis_state() -> str:
    if not settings.REDIS_URL:
        return "not_configured"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
    except redis.RedisError:
        logger.warning("healthz: redis check failed")
        return "error"
    return "ok"


@require_GET
def favicon(request):
    # Browsers ask for /favicon.ico whatever the page says; point them at the real icon.
    return redirect(static("img/favicon.svg"), permanent=True)


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_state(), "redis": _redis_state()}
    healthy = checks["database"] == "ok"
    degraded = checks["redis"] == "error"
    status = "ok" if healthy and not degraded else ("degraded" if healthy else "error")
    # Only the database decides liveness: without Redis the site still serves pages.
    return JsonResponse({"status": status, "checks": checks}, status=200 if healthy else 503)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that could fail again: the 500 page must render on its own.
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def bench_bare(request):
    """`make bench`'s baseline: the same middleware as every page, no work of its own.
    A 404 unless BENCH_BARE_VIEW is on (never in a normal deployment)."""
    from django.http import Http404, HttpResponse

    if not settings.BENCH_BARE_VIEW:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")
