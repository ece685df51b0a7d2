"""Fixtures for the account tests: every test starts with no login throttle counts.

The cache is Redis and outlives a test (and a test run), so failed logins counted in one
test would lock accounts and addresses in the next: the throttle's keys, and DRF's own
counts for the token endpoint, are removed before and after each test.
"""

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from portal.accounts.throttle import KEY_PREFIX

# The login throttle's keys, and DRF's counts for the token endpoint (ScopedRateThrottle).
THROTTLE_KEY_PATTERNS = (f"{KEY_PREFIX}:*", "throttle_auth-token_*")


def clear_throttle_keys() -> None:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        patterns = [backend.make_key(pattern) for pattern in THROTTLE_KEY_PATTERNS]
        keys = [key for pattern in patterns for key in client.scan_iter(match=pattern)]
        if keys:
            client.delete(*keys)
    else:  # local memory: this process's own, nothing else to keep
        backend.clear()


@pytest.fixture(autouse=True)
def _no_login_throttle_counts() -> Iterator[None]:
    clear_throttle_keys()
    yield
    clear_throttle_keys()
