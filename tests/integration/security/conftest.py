import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth keeps rate-limit history in the cache; every test here starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
