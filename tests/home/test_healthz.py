"""/healthz reports the database and the broker as a load balancer or compose reads them:
200 when every service the portal uses answers, 503 when one is down. The broker is a real
redis-server, started for these tests and stopped to see the report change."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.urls import reverse

HEALTHZ = "/healthz"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis():
    """A redis-server of this test's own, on a free port, without persistence."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    if server.poll() is None:
        server.terminate()
        server.wait(timeout=10)


def test_healthz_is_the_named_public_url():
    assert reverse("home:healthz") == HEALTHZ


def test_healthy_with_eager_tasks_reports_database_up_and_broker_not_used(client, db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get(HEALTHZ)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["status"] == "ok"
    assert report["checks"]["database"]["status"] == "up"
    assert report["checks"]["broker"]["status"] == "not used"


def test_anonymous_visitor_gets_the_report_not_a_login_page(client, db):
    response = client.get(HEALTHZ, follow=False)

    assert response.status_code == 200
    assert "database" in response.json()["checks"]


def test_response_is_never_cached(client, db):
    response = client.get(HEALTHZ)

    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate"} <= cache_control
    assert "max-age=0" in cache_control


def test_broker_up_then_down_with_a_real_redis(client, db, settings, private_redis):
    server, url = private_redis
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url

    response = client.get(HEALTHZ)

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["status"] == "ok"
    assert report["checks"]["broker"]["status"] == "up"
    assert report["checks"]["database"]["status"] == "up"

    server.terminate()
    server.wait(timeout=10)
    started = time.monotonic()
    response = client.get(HEALTHZ)
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "down"
    assert report["checks"]["broker"]["status"] == "down"
    assert report["checks"]["broker"]["error"]
    assert report["checks"]["database"]["status"] == "up"
    # A probe must answer before the load balancer gives up on it.
    assert elapsed < 10
    assert "no-store" in response["Cache-Control"]
