"""PDFs from templates with WeasyPrint (through django-weasyprint), loading nothing but our own
static files: no request to this server, to the network or to any other local file.

A PDF takes seconds of CPU while its HTML takes a tenth of one, and the same HTML always makes the
same PDF: so PDFs are kept under a hash of their HTML (and of the static files it loads). Any
change to what the report says changes the HTML, so a kept PDF is never out of date."""

import functools
import hashlib
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.template.response import TemplateResponse
from django_weasyprint.utils import DjangoURLFetcher
from django_weasyprint.views import WeasyTemplateResponse


class StaticOnlyFetcher(DjangoURLFetcher):
    """Our static files (the report's stylesheet) from disk; anything else is refused, so text
    a member typed can never make the PDF renderer fetch a URL."""

    def fetch(self, url, headers=None):
        if not (url.startswith("file:") and urlparse(url).path.startswith(settings.STATIC_URL)):
            raise ValueError(f"The PDF loads only static files, not {url!r}")
        return super().fetch(url, headers)


PDF_KEEP_SECONDS = 24 * 60 * 60


@functools.cache
def _static_fingerprint(path: str) -> str:
    """A hash of a static file's content, read once per process (a deploy restarts it)."""
    found = finders.find(path)
    if not found:
        return ""
    with open(found, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


class StaticOnlyPDFResponse(WeasyTemplateResponse):
    url_fetcher_class = StaticOnlyFetcher

    def get_base_url(self):
        # "/static/..." resolves to file:///static/..., which the fetcher reads from disk.
        return "file:///"

    @property
    def rendered_content(self):
        html = TemplateResponse.rendered_content.fget(self)
        styles = "".join(_static_fingerprint(path) for path in self._static_paths())
        key = "pdf:" + hashlib.sha256((styles + html).encode()).hexdigest()
        pdf = cache.get(key)
        if pdf is None:
            pdf = super().rendered_content
            cache.set(key, pdf, PDF_KEEP_SECONDS)
        return pdf

    def _static_paths(self) -> list[str]:
        stylesheet = (self.context_data or {}).get("stylesheet")
        return [stylesheet] if stylesheet else []


def pdf_response(request, template: str, context: dict, *, filename: str):
    """A downloaded PDF of `template` rendered with `context`."""
    return StaticOnlyPDFResponse(request, template, context, filename=filename, attachment=True)
