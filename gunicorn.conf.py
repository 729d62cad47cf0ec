"""Gunicorn settings, read automatically from the working directory (the Dockerfile's /app).

Responses carry no `Server` header: naming the server and its version helps only an attacker
choosing an exploit. Gunicorn has no switch for it, so the response class drops the line.
"""

from gunicorn.http import wsgi


class _Response(wsgi.Response):
    def default_headers(self):
        return [line for line in super().default_headers() if not line.startswith("Server:")]


wsgi.Response = _Response
