"""PDFs from templates with WeasyPrint (through django-weasyprint), loading nothing but our own
static files: no request to this server, to the network or to any other local file."""

from urllib.parse import urlparse

from django.conf import settings
from django_weasyprint.utils import DjangoURLFetcher
from django_weasyprint.views import WeasyTemplateResponse


class StaticOnlyFetcher(DjangoURLFetcher):
    """Our static files (the report's stylesheet) from disk; anything else is refused, so text
    a member typed can never make the PDF renderer fetch a URL."""

    def fetch(self, url, headers=None):
        if not (url.startswith("file:") and urlparse(url).path.startswith(settings.STATIC_URL)):
            raise ValueError(f"The PDF loads only static files, not {url!r}")
        return super().fetch(url, headers)


class StaticOnlyPDFResponse(WeasyTemplateResponse):
    url_fetcher_class = StaticOnlyFetcher

    def get_base_url(self):
        # "/static/..." resolves to file:///static/..., which the fetcher reads from disk.
        return "file:///"


def pdf_response(request, template: str, context: dict, *, filename: str):
    """A downloaded PDF of `template` rendered with `context`."""
    return StaticOnlyPDFResponse(request, template, context, filename=filename, attachment=True)
