"""Request and response guards that apply to every page."""

import logging

from django.http import HttpResponseBadRequest

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
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return True
        return False
