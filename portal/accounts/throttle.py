"""The login throttle: how many failed logins an account and a client address may have.

The one place for the rule. Every password check goes through ``EmailBackend`` (the login
page, the API token endpoint and the admin's login all end there), which asks here before it
checks and reports here after, so no way in can be used to go round another.

- An account (its e-mail, normalised) may fail ``LOGIN_MAX_FAILURES`` times, and a client
  address ``LOGIN_MAX_FAILURES_PER_IP`` times, in a window of ``LOGIN_LOCKOUT_MINUTES`` that
  opens with the first failure (a fixed window: refused attempts do not prolong it). Once a
  limit is reached, every attempt is refused until the window ends *without the password
  being checked*, so a right password tried late tells an attacker nothing.
- An account's attempt is counted before its password is checked, so a burst of parallel
  requests cannot all slip in under the limit; a successful login wipes the account's count
  (not the address's: an address that fails for many accounts is not cleared by one success).
- The counts live in the default cache, which every web process shares (Redis in production
  and in the tests, local memory on the embedded default). E-mails are keyed by an HMAC, so
  the cache holds no address in clear.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

KEY_PREFIX = "login-throttle"


@dataclass(frozen=True)
class Lockout:
    """A limit in force: for an ``account`` or an ``ip``, for ``seconds`` more."""

    scope: str
    seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))

    @property
    def message(self) -> str:
        return ngettext(
            "Too many failed attempts. Try again in %(minutes)d minute.",
            "Too many failed attempts. Try again in %(minutes)d minutes.",
            self.minutes,
        ) % {"minutes": self.minutes}


class LoginLockedOut(PermissionDenied):
    """Too many failed attempts. Django's ``authenticate()`` stops at a ``PermissionDenied``
    from a backend and answers ``None``, so a caller that does not know this exception (the
    admin's login) still refuses; ``services.account_authenticate`` raises it again."""

    def __init__(self, lockout: Lockout) -> None:
        super().__init__(lockout.message)
        self.lockout = lockout


def window_seconds() -> int:
    return max(1, round(settings.LOGIN_LOCKOUT_MINUTES * 60))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    address that many entries from the end of X-Forwarded-For (entries further left are
    the client's to write). An IPv6 client counts as its /64, which one host usually has.
    """
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def attempt_begin(*, email: str, ip: str | None) -> int:
    """Before a password is checked: raise ``LoginLockedOut`` if a limit is in force, or
    count this attempt for the account and return its number in the window."""
    window = window_seconds()
    max_account, max_ip = settings.LOGIN_MAX_FAILURES, settings.LOGIN_MAX_FAILURES_PER_IP
    if ip is not None and max_ip > 0:
        key = _ip_key(ip)
        if _count(key) >= max_ip:
            raise LoginLockedOut(Lockout("ip", _seconds_left(key, window)))
    if max_account <= 0:
        return 0
    key = _account_key(email)
    number = _add_one(key, window)
    if number > max_account:
        raise LoginLockedOut(Lockout("account", _seconds_left(key, window)))
    return number


def attempt_failed(*, email: str, ip: str | None, number: int) -> None:
    """After a wrong password (or an unknown e-mail): the account's attempt stays counted,
    the address gets one more failure, and a limit this failure reached is logged."""
    window = window_seconds()
    max_account, max_ip = settings.LOGIN_MAX_FAILURES, settings.LOGIN_MAX_FAILURES_PER_IP
    if max_account > 0 and number == max_account:
        _log_lockout("account", email=email, ip=ip, failures=number, window=window)
    if ip is not None and max_ip > 0:
        failures = _add_one(_ip_key(ip), window)
        if failures == max_ip:
            _log_lockout("ip", email=email, ip=ip, failures=failures, window=window)


def attempt_succeeded(*, email: str) -> None:
    """A successful login: the account starts afresh."""
    key = _account_key(email)
    cache.delete_many([key, _until_key(key)])


def lockout(*, email: str, ip: str | None) -> Lockout | None:
    """The limit in force for this e-mail or this address, if any (the longer of the two)."""
    window = window_seconds()
    found = []
    if ip is not None and settings.LOGIN_MAX_FAILURES_PER_IP > 0:
        key = _ip_key(ip)
        if _count(key) >= settings.LOGIN_MAX_FAILURES_PER_IP:
            found.append(Lockout("ip", _seconds_left(key, window)))
    if settings.LOGIN_MAX_FAILURES > 0:
        key = _account_key(email)
        if _count(key) >= settings.LOGIN_MAX_FAILURES:
            found.append(Lockout("account", _seconds_left(key, window)))
    return max(found, key=lambda item: item.seconds, default=None)


def _account_key(email: str) -> str:
    digest = salted_hmac(KEY_PREFIX, normalise_email(email)).hexdigest()
    return f"{KEY_PREFIX}:account:{digest}"


def _ip_key(ip: str) -> str:
    return f"{KEY_PREFIX}:ip:{ip}"


def _until_key(key: str) -> str:
    return f"{key}:until"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _seconds_left(key: str, window: int) -> int:
    until = cache.get(_until_key(key))
    if until is None:
        return window
    return max(1, math.ceil(until - time.time()))


def _add_one(key: str, window: int) -> int:
    """One more in ``key``'s window (the first opens it); the new count."""
    if cache.add(key, 1, timeout=window):
        cache.set(_until_key(key), time.time() + window, timeout=window)
        return 1
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add() and incr(): this opens the next
        count = 0
    if count <= 1:
        # The key expired after Django's existence check and Redis' INCR made it anew, with
        # no expiry: without one, the lockout would never end.
        cache.set(key, 1, timeout=window)
        cache.set(_until_key(key), time.time() + window, timeout=window)
        return 1
    return count


def _log_lockout(scope: str, *, email: str, ip: str | None, failures: int, window: int) -> None:
    logger.warning(
        "Login locked out for %s after %d failed attempts",
        scope,
        failures,
        extra={
            "lockout_scope": scope,
            "email": normalise_email(email)[:254],
            "client_ip": ip,
            "failures": failures,
            "window_seconds": window,
        },
    )
