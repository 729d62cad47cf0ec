"""Requests for drawing the site's layout outside a view (backcore/layout.py's tests)."""

from django.test import RequestFactory
from django.urls import Resolver404, resolve


def layout_request(path: str, user):
    """A GET of `path` by `user`, resolved as middleware leaves it for the templates."""
    request = RequestFactory().get(path)
    request.user = user
    try:
        request.resolver_match = resolve(path)
    except Resolver404:  # a path outside the URLconf: no namespace, as on a 404
        request.resolver_match = None
    return request
