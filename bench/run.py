#!/usr/bin/env python
"""Benchmarks: measured here, never asserted in tests (they depend on the machine).

Serves the portal under gunicorn on PostgreSQL and measures a one-query JSON view
(`/api/v1/ecosystems/`) with persistent database connections and with a connection per
request, plus the peak memory of a worker; then, on the demo data, the busiest public pages
(home, ecosystem, alerts list and dashboard, forum, calls, updates, the alerts API and
feed). Loopback only; bounded request counts.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310  # loopback URL we built
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def hammer(url: str, requests: int, concurrency: int) -> float:
    def one(_: int) -> None:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            response.read()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(one, range(requests)))
    return requests / (time.monotonic() - started)


def rss_kib(pid: int) -> int:
    total = 0
    for child in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


# The public pages most visitors land on, measured on the demo data (seed_demo).
PAGES = (
    "/",
    "/ecosystems/health/",
    "/alerts/",
    "/alerts/dashboard/",
    "/alerts/feed/",
    "/api/v1/alerts/",
    "/forum/",
    "/funding/calls/",
    "/updates/",
)


def run_case(
    conn_max_age: int, requests: int, concurrency: int, paths: tuple[str, ...] = ()
) -> dict:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DB_CONN_MAX_AGE": str(conn_max_age),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/api/v1/ecosystems/"
        wait_ready(url)
        hammer(url, 200, concurrency)  # warm up
        rate = hammer(url, requests, concurrency)
        pages = {}
        for path in paths:
            page = f"http://127.0.0.1:{port}{path}"
            hammer(page, 20, concurrency)  # warm up
            pages[path] = round(hammer(page, max(requests // 10, 50), concurrency), 1)
        return {
            "conn_max_age": conn_max_age,
            "requests": requests,
            "concurrency": concurrency,
            "requests_per_second": round(rate),
            **({"pages_requests_per_second": pages} if pages else {}),
            "rss_mib": round(rss_kib(server.pid) / 1024, 1),
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist yet."""
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        password=parts.password or None, dbname="postgres",
    )  # fmt: skip
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench: set DATABASE_URL to a PostgreSQL database", file=sys.stderr)
        return 2
    ensure_database(os.environ["DATABASE_URL"])
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True
    )
    subprocess.run([sys.executable, "manage.py", "seed_demo", "--quiet"], cwd=ROOT, check=True)
    results = [
        run_case(60, args.requests, args.concurrency, PAGES),
        run_case(0, args.requests, args.concurrency),
    ]
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
