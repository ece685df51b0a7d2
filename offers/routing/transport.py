"""The POST of a delivery, over a connection kept alive per intake and worker process."""

from __future__ import annotations

import http.client
import os
import urllib.error
import urllib.parse
import urllib.request

USER_AGENT = "ClustersResponsePortal/1 (+routing)"

# Kept-alive connections to the intakes, one per intake and process (the key holds the pid, so
# a forked worker never shares its parent's socket). A connection is taken out of the dict
# while in use, so two threads (runserver's, with eager tasks) never share one.
_connections: dict[tuple[int, str, str], http.client.HTTPConnection] = {}
# A longer answer is read only in part (what staff see) and its connection closed.
_KEEP_ALIVE_BODY = 64 * 1024


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """POST ``body``; returns the status and the first 2,000 bytes of the answer.

    Raises OSError (network errors, timeouts), ``http.client.HTTPException`` (a broken
    answer) or ValueError (a malformed URL)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(
        parts.hostname
    ):
        return _post_through_proxy(url, body, headers, timeout)
    key = (os.getpid(), parts.scheme, parts.netloc)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    connection = _connections.pop(key, None)
    reused = connection is not None
    while True:
        if connection is None:
            kind = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            connection = kind(parts.hostname, parts.port, timeout=timeout)
        elif connection.sock is not None:
            connection.sock.settimeout(timeout)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            length = response.length
            if response.will_close or length is None or length > _KEEP_ALIVE_BODY:
                data = response.read(2000)
                connection.close()
            else:
                data = response.read()
                if _connections.setdefault(key, connection) is not connection:
                    connection.close()
            return response.status, data[:2000]
        except BaseException as exc:
            connection.close()
            if reused and isinstance(exc, ConnectionError):
                # The intake closed the idle connection: the same request on a new one. Were
                # it received after all, its idempotency key makes the repeat harmless.
                connection, reused = None, False
                continue
            raise


def _post_through_proxy(
    url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, bytes]:
    """Through the proxy the environment names (``https_proxy``…), a connection per POST."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(2000)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2000)
