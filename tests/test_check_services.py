"""`make test` stops at once, with a message saying how to start a service that is down."""

import os
import socket
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bin" / "check-services"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(database_url: str, redis_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url}
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_passes_when_both_answer():
    result = run(os.environ["DATABASE_URL"], os.environ["REDIS_URL"])

    assert result.returncode == 0, result.stderr


def test_stopped_postgres_is_named_with_how_to_start_it():
    result = run(f"postgres://postgres@127.0.0.1:{free_port()}/portal", os.environ["REDIS_URL"])

    assert result.returncode == 2
    assert "PostgreSQL is not answering" in result.stderr
    assert "pg_ctlcluster" in result.stderr
    assert "Traceback" not in result.stderr


def test_stopped_redis_is_named_with_how_to_start_it():
    result = run(os.environ["DATABASE_URL"], f"redis://127.0.0.1:{free_port()}/0")

    assert result.returncode == 2
    assert "Redis is not answering" in result.stderr
    assert "redis-server" in result.stderr
    assert "Traceback" not in result.stderr
