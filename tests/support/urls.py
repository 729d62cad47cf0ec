"""Walk every URL the project serves, for the tests that must cover each one."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name" (or the route text when unnamed)
    route: str  # e.g. "community/p/<int:post_id>/report/"
    converters: dict  # kwarg -> converter instance
    callback: object

    @property
    def int_kwargs(self) -> list[str]:
        return [k for k, c in self.converters.items() if type(c).__name__ == "IntConverter"]


def walk(resolver: URLResolver | None = None, prefix="", namespace="", converters=None):
    """Yield a Route for every URL pattern, included ones too."""
    resolver = resolver or get_resolver()
    converters = converters or {}
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        found = {**converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from walk(entry, text, ns, found)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else text
            yield Route(name=name, route=text, converters=found, callback=entry.callback)


def routes(*, exclude_prefixes: tuple[str, ...] = ()) -> Iterator[Route]:
    for route in walk():
        if not route.route.startswith(exclude_prefixes):
            yield route


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def fill(route: Route, values: dict) -> str:
    """The URL of `route` with each `<converter:kwarg>` replaced by `values[kwarg]`."""
    return "/" + _PARAM.sub(lambda m: str(values[m.group(1)]), route.route)
