"""Health of the services the portal depends on, for ``/healthz``."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection
from kombu import Connection

BROKER_TIMEOUT_SECONDS = 2


def _timed(check: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # any failure means "down"; the reason goes in the report
        state: dict[str, Any] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"}
    else:
        state = {"status": "up"}
    state["ms"] = round((time.monotonic() - started) * 1000, 1)
    return state


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _broker() -> None:
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options={"socket_timeout": BROKER_TIMEOUT_SECONDS},
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)


def health_report() -> tuple[bool, dict[str, Any]]:
    """``(healthy, report)``: the database always counts; the broker when tasks use one."""
    checks: dict[str, Any] = {"database": _timed(_database)}
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = {"status": "not used", "detail": "tasks run eagerly in the web process"}
    else:
        checks["broker"] = _timed(_broker)
    healthy = all(check["status"] != "down" for check in checks.values())
    return healthy, {"status": "ok" if healthy else "down", "checks": checks}
