"""A real Celery worker on the local Redis runs the portal's tasks: a mail queued from this
process is sent by the worker, through Django's file-based e-mail backend (EMAIL_URL
``filemail://``), into a folder the test reads.

The worker listens on a queue no other run uses, so parallel runs and other workers on the
same Redis can neither take its messages nor hand it theirs.
"""

import os
import subprocess
import sys
import time
import uuid
from email import message_from_string
from email.header import decode_header, make_header
from pathlib import Path

import pytest
import redis
from django.conf import settings

from portal.celery import app as celery_app
from portal.core.tasks import send_email

ROOT = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).parent / "celery"
STARTUP_SECONDS = 60
DELIVERY_SECONDS = 30

pytestmark = pytest.mark.worker


def broker_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def worker(tmp_path):
    """A worker subprocess on a queue of its own; yields (queue, mail folder)."""
    queue = f"test-worker-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal"),
        "REDIS_URL": broker_url(),
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # Four slashes: an absolute path after the empty host.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "DEFAULT_FROM_EMAIL": "Portal tests <no-reply@portal.example.eu>",
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(CELERY), "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
             "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=INFO", "--hostname", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_ready(process, log_path)
        yield queue, mail_dir, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        forget_queue(queue)


def wait_until_ready(process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while " ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the worker did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)


def forget_queue(queue: str) -> None:
    """Remove what the test's unique queue left in Redis: its list, exchange and bindings."""
    client = redis.Redis.from_url(broker_url())
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)
    for key in client.scan_iter("_kombu.binding*"):
        if client.type(key) == b"set":
            for member in client.smembers(key):
                if queue.encode() in member:
                    client.srem(key, member)


@pytest.fixture
def broker_mode():
    """This process sends to the broker instead of running the task itself, for one test."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


def test_worker_sends_a_queued_email(worker, broker_mode, mailoutbox):
    queue, mail_dir, log_path = worker
    subject = f"Offer routed {uuid.uuid4().hex[:8]}"

    with celery_app.connection_for_write(broker_url()) as connection:
        send_email.apply_async(
            args=(subject, "Your offer was routed to the Commission.", ["alice@example.eu"]),
            queue=queue,
            producer=connection.Producer(),
        )

    deadline = time.monotonic() + DELIVERY_SECONDS
    while not (files := sorted(mail_dir.glob("*.log"))):
        if time.monotonic() > deadline:
            pytest.fail(f"no mail within {DELIVERY_SECONDS}s:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.1)
    # The backend writes a file as it sends; give the worker a moment to finish writing it.
    time.sleep(0.2)

    assert len(files) == 1
    message = message_from_string(files[0].read_text())
    assert str(make_header(decode_header(message["Subject"]))) == subject
    assert message["To"] == "alice@example.eu"
    assert "portal.example.eu" in message["From"]
    assert "routed to the Commission" in message.get_payload()
    assert "core.send_email" in log_path.read_text()
    # The worker sent it, not this process: had the task run here, eagerly, the test
    # backend would hold the message.
    assert mailoutbox == []


def test_celery_accepts_only_json():
    assert celery_app.conf.accept_content == ["json"]
    assert celery_app.conf.task_serializer == "json"
    assert celery_app.conf.result_serializer == "json"


def test_a_running_task_is_never_handed_to_a_second_worker():
    time_limit = celery_app.conf.task_time_limit
    visibility_timeout = celery_app.conf.broker_transport_options["visibility_timeout"]

    assert time_limit and time_limit > 0
    assert celery_app.conf.task_soft_time_limit < time_limit
    assert time_limit < visibility_timeout
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_celery_reads_the_django_settings():
    assert celery_app.conf.broker_url == settings.CELERY_BROKER_URL
    assert celery_app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT


# --- the worker keeps its database connection between tasks -----------------------------


@celery_app.task(name="tests.note_database_backend", ignore_result=True)
def note_database_backend(path: str) -> None:
    """Append the PostgreSQL backend's process id serving this task to ``path``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with open(path, "a") as notes:
        notes.write(f"{pid}\n")


@pytest.mark.django_db
@pytest.mark.parametrize(("conn_max_age", "kept"), [("60", True), ("0", False)])
def test_a_worker_keeps_its_database_connection_between_tasks_as_django_says(
    tmp_path, broker_mode, conn_max_age, kept
):
    """With ``CONN_MAX_AGE`` the worker's prefork child serves task after task on one
    connection (Celery's Django fixup alone would open one per task); with 0, one per task,
    as Django does for requests."""
    from tests.conftest import test_database_url

    queue = f"test-db-reuse-{uuid.uuid4().hex}"
    notes = tmp_path / "backends.txt"
    log_path = tmp_path / "worker.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DATABASE_URL": test_database_url(),
        "DB_CONN_MAX_AGE": conn_max_age,
        "REDIS_URL": broker_url(),
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "dummymail://",
    }
    # This module defines the task; the worker finds the portal's app in it.
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(CELERY), "-A", "tests.test_celery_worker", "worker", "--pool=prefork",
             "--concurrency=1", "-Q", queue, "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--loglevel=INFO", "--hostname", f"{queue}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_ready(process, log_path)
        with celery_app.connection_for_write(broker_url()) as connection:
            for _ in range(3):
                note_database_backend.apply_async(
                    args=(str(notes),), queue=queue, producer=connection.Producer()
                )
        deadline = time.monotonic() + DELIVERY_SECONDS
        while not notes.exists() or len(notes.read_text().split()) < 3:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"3 tasks not run in {DELIVERY_SECONDS}s:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        forget_queue(queue)

    backends = notes.read_text().split()
    assert len(backends) == 3
    assert len(set(backends)) == (1 if kept else 3)
