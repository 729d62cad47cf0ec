"""The Redis cache reuses one client per connection pool instead of building a `redis.Redis`
(and copying its response callbacks) for every call, and still answers correctly."""

from unittest import mock

import pytest
from django.conf import settings

from backcore.cache import FallbackRedisCache

pytestmark = pytest.mark.redis


def test_cache_calls_share_one_redis_client_per_pool():
    cache = FallbackRedisCache(settings.REDIS_URL, {})
    client_class = cache._cache._client
    with mock.patch.object(cache._cache, "_client", wraps=client_class) as make_client:
        cache.set("shared-client-check", "kept", 30)
        assert cache.get("shared-client-check") == "kept"
        assert cache.get_many(["shared-client-check"]) == {"shared-client-check": "kept"}
        cache.delete("shared-client-check")
        assert cache.get("shared-client-check") is None
    assert make_client.call_count == 1, "one client for the one server's pool"
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
