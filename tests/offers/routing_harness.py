"""What the routing reliability tests run for real: a private redis-server, the stand-in
Commission intake (``manage.py commission_intake``) and ``celery -A portal worker`` processes
(prefork, two children) on this run's test database.

Each process is started on a free loopback port, in a session of its own (so a SIGKILL can
take a whole worker, children included, without touching pytest), and the fixtures stop
everything they started, even when the test fails. The test process itself sends its tasks
to the private Redis for the duration of a test (``routing_broker``) and goes back to eager
tasks afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from kombu import pools as kombu_pools

from portal.celery import app as celery_app
from tests.conftest import test_database_url

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(sys.executable).parent / "celery")
STARTUP_SECONDS = 60
# A worker's warm shutdown takes about 2 s. It has, rarely, hung well beyond that; the
# process is killed after this long (and its stacks written to its log: see ``_stop``).
STOP_SECONDS = 10
# The worker's retries start at this many seconds (doubling, with jitter), not the
# production 5 s, so a few rounds of retries fit in a test.
BACKOFF_SECONDS = "0.2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], Any],
    what: str,
    *,
    timeout: float = 30,
    interval: float = 0.05,
    diagnostics: Callable[[], str] | None = None,
    every: Callable[[], Any] | None = None,
    every_seconds: float = 1.0,
) -> Any:
    """Poll ``condition`` until it is truthy (and return its value), or fail the test after
    ``timeout`` seconds with ``diagnostics()``. ``every`` runs each ``every_seconds``
    meanwhile (a sweeper, for instance)."""
    deadline = time.monotonic() + timeout
    next_every = time.monotonic() + every_seconds
    while not (value := condition()):
        now = time.monotonic()
        if now > deadline:
            pytest.fail(f"{what}: not within {timeout:g}s\n{diagnostics() if diagnostics else ''}")
        if every is not None and now >= next_every:
            every()
            next_every = now + every_seconds
        time.sleep(interval)
    return value


def _stop(
    process: subprocess.Popen, *, timeout: float = STOP_SECONDS, python: bool = False
) -> None:
    """SIGTERM the process (a worker's warm shutdown: its pool finishes the tasks in hand),
    then SIGKILL what is left of its session. Python processes that do not stop in time are
    first sent SIGABRT, so faulthandler writes where each of them was stuck to its log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if python:
                for pid in _session_members(process.pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGABRT)
                time.sleep(0.5)
    # Children (a prefork pool) can outlive their parent: take the whole session down.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=10)


def _session_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of this session's group."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def _session_gone(pgid: int, timeout: float = 10) -> None:
    """Wait until no process of this group is left: the pool children die after it."""
    wait_until(
        lambda: not _session_members(pgid), f"every process of group {pgid} gone", timeout=timeout
    )


# --- Redis ----------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of the test's own, without persistence: stopping it loses every queued
    message, as a broker restart without persistence would."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:

            def answers() -> bool:
                assert self.process is not None
                if self.process.poll() is not None:
                    pytest.fail(f"redis-server on port {self.port} exited")
                try:
                    return bool(client.ping())
                except redis.ConnectionError:
                    return False

            wait_until(answers, f"redis-server on port {self.port}", timeout=10)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None

    def drained(self) -> bool:
        """Nothing waits in the default queue and no worker holds an unacknowledged message
        (kombu keeps those in the ``unacked`` hash until the task returns)."""
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            return client.llen("celery") == 0 and client.hlen("unacked") == 0
        finally:
            client.close()


# --- The Commission intake -------------------------------------------------------------------

# The intake, made slow: it records the offer, then waits before answering. A worker killed in
# that window has delivered an offer without knowing it, which is the case exactly-once is
# about.
_SLOW_INTAKE = """
import sys, time
import django
django.setup()
from django.core.management import call_command
from offers.management.commands import commission_intake as intake
delay = float(sys.argv[1])
answer = intake.IntakeHandler._answer
def slow_answer(self, status, body):
    time.sleep(delay)
    answer(self, status, body)
intake.IntakeHandler._answer = slow_answer
call_command("commission_intake", *sys.argv[2:])
"""


class Intake:
    """``manage.py commission_intake`` on a free port, recording to ``store``."""

    def __init__(
        self,
        directory: Path,
        *,
        secret: str,
        fail_rate: float = 0.0,
        fail_flag: Path | None = None,
        delay: float = 0.0,
    ) -> None:
        self.name = f"intake-{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.secret = secret
        self.store = directory / f"{self.name}.jsonl"
        self.log_path = directory / f"{self.name}.log"
        self.fail_rate = fail_rate
        self.fail_flag = fail_flag
        self.delay = delay
        self.process: subprocess.Popen | None = None

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, *, fail_rate: float | None = None) -> None:
        """Start (or start again, on the same port and store) the intake."""
        if fail_rate is not None:
            self.fail_rate = fail_rate
        options = ["--host", "127.0.0.1", "--port", str(self.port), "--secret", self.secret,
                   "--store", str(self.store), "--fail-rate", str(self.fail_rate)]  # fmt: skip
        if self.fail_flag is not None:
            options += ["--fail-flag", str(self.fail_flag)]
        if self.delay:
            command = [PYTHON, "-c", _SLOW_INTAKE, str(self.delay), *options]
        else:
            command = [PYTHON, "manage.py", "commission_intake", *options]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=_base_env(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

        def listening() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"the intake exited:\n{self.log_path.read_text()[-3000:]}")
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", self.port)) == 0

        wait_until(listening, f"intake on port {self.port}", timeout=STARTUP_SECONDS)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, python=True)
            self.process = None

    def records(self) -> list[dict[str, Any]]:
        """What the intake recorded: one dict per line (idempotency_key, path, payload)."""
        if not self.store.exists():
            return []
        text = self.store.read_text()
        # A line being written may be incomplete: only lines with their newline count.
        return [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]

    def keys(self) -> Counter[str]:
        return Counter(record["idempotency_key"] for record in self.records())


# --- Celery workers --------------------------------------------------------------------------


def _base_env() -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONFAULTHANDLER": "1",
        # The test database (test_<name>), not the one DATABASE_URL names.
        "DATABASE_URL": test_database_url(),
        # No idle connection left behind: the test database is flushed and then dropped.
        "DB_CONN_MAX_AGE": "0",
    }


class Worker:
    """``celery -A portal worker`` (prefork, two processes) on the private Redis's default
    queue, delivering to ``default_intake`` for offers no rule claims."""

    def __init__(
        self, directory: Path, *, broker_url: str, default_intake: Intake | None, **env: str
    ) -> None:
        self.name = f"routing-{uuid.uuid4().hex[:8]}"
        self.log_path = directory / f"{self.name}.log"
        mail_dir = directory / "mail"
        mail_dir.mkdir(exist_ok=True)
        self.env = {
            **_base_env(),
            "REDIS_URL": broker_url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "COMMISSION_INTAKE_URL": default_intake.url("/default/") if default_intake else "",
            "COMMISSION_INTAKE_SECRET": default_intake.secret if default_intake else "",
            "ROUTING_BACKOFF_SECONDS": BACKOFF_SECONDS,
            "ROUTING_TIMEOUT_SECONDS": "5",
            # The transition e-mails the worker sends land in a folder, not on the console.
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "DEFAULT_FROM_EMAIL": "Portal tests <no-reply@portal.example.eu>",
            **env,
        }
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        offset = self.log_text().count(" ready.")
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [CELERY, "-A", "portal", "worker", "--pool=prefork", "--concurrency=2",
                 "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--loglevel=INFO", "--hostname", f"{self.name}-{self.starts}@%h"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

        def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited:\n{self.log_text()[-3000:]}")
            return self.log_text().count(" ready.") > offset

        wait_until(ready, "the worker ready", timeout=STARTUP_SECONDS, interval=0.1)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, python=True)
            self.process = None

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once, as the OOM killer or a lost
        machine would: no warm shutdown, no acknowledgement, no cleanup."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        _session_gone(self.process.pid)
        self.process = None

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def private_redis() -> Iterator[RedisServer]:
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _reset_broker_connections() -> None:
    """Forget the pooled broker connections and producers, so the next send connects to
    ``conf.broker_url`` as it is now. The app caches its pools on first use and never looks
    at the URL again (Celery drops them the same way in a forked child, ``App._after_fork``).
    The pools also sit in kombu's registry, keyed by URL: closing only the app's would hand
    the closed pool back for that URL later ("Acquire on closed pool"), so the registry is
    emptied too, and every pool is made afresh on its next use."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def routing_broker(private_redis: RedisServer, settings) -> Iterator[RedisServer]:
    """For one test, tasks this process queues (``.delay()``, ``apply_async``) go to the
    private Redis instead of running here, and its cache is that Redis too, as the workers'
    is (they share the markers of ``portal/core/coalesce.py``); the eager default comes back
    afterwards."""
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "portal",  # the workers' (settings.py's default)
        }
    }
    conf.broker_url = private_redis.url
    conf.task_always_eager = False
    _reset_broker_connections()
    try:
        yield private_redis
    finally:
        conf.broker_url, conf.task_always_eager = previous
        _reset_broker_connections()


@pytest.fixture
def intakes(tmp_path: Path) -> Iterator[Callable[..., Intake]]:
    """``intakes(secret=..., fail_rate=..., fail_flag=..., delay=...)`` starts an intake;
    every intake started is stopped after the test."""
    started: list[Intake] = []

    def start(**options: Any) -> Intake:
        intake = Intake(tmp_path, **options)
        started.append(intake)
        intake.start()
        return intake

    try:
        yield start
    finally:
        for intake in started:
            intake.stop()


@pytest.fixture
def workers(
    transactional_db, routing_broker: RedisServer, tmp_path: Path
) -> Iterator[Callable[..., Worker]]:
    """``workers(default_intake=..., start=True, **env)`` makes (and starts) a worker on the
    private Redis; every worker is stopped after the test, before the database is flushed
    (hence ``transactional_db``)."""
    made: list[Worker] = []

    def make(*, default_intake: Intake | None = None, start: bool = True, **env: str) -> Worker:
        worker = Worker(
            tmp_path, broker_url=routing_broker.url, default_intake=default_intake, **env
        )
        made.append(worker)
        if start:
            worker.start()
        return worker

    try:
        yield make
    finally:
        for worker in made:
            worker.stop()
