"""`make run` on the embedded default: the portal starts with a stand-in Commission intake, an
offer accepted on the portal reaches it, and Ctrl-C stops both.

Each test runs `make run` in a copy of the working tree (the tracked and untracked files a
checkout has, so the Makefile under test is the one being edited), never in the project
folder: there it would migrate the developer's db.sqlite3 and write to their var/. The copy
reuses the project's .venv through a symlink, and the test first checks that `make` will not
install anything.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READY_SECONDS = 60
STOP_SECONDS = 15
DEMO_PASSWORD = "demo-portal-2020"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the working tree that shares the project's .venv."""
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in the project folder: run `make install` first")
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("the project folder is not a git checkout")
    copy = tmp_path_factory.mktemp("checkout")
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            # copy2 keeps modification times: a fresh requirements.lock would reinstall.
            shutil.copy2(source, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    up_to_date = subprocess.run(
        ["make", "--question", ".venv/.installed"], cwd=copy, capture_output=True
    )
    assert up_to_date.returncode == 0, (
        "make would reinstall the requirements into the shared .venv: run `make install` first"
    )
    return copy


@pytest.fixture(autouse=True)
def no_orphan_intake(checkout) -> Iterator[None]:
    """After the test (and its assertions): end an intake or schedule the recipe failed to
    stop."""
    yield
    for name in ("intake.pid", "schedule.pid"):
        pid_file = checkout / "var" / name
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text()), signal.SIGKILL)


@contextlib.contextmanager
def make_run(
    checkout: Path, port: int, intake_port: int
) -> Iterator[tuple[subprocess.Popen, Path]]:
    """`make run` in its own process group, with nothing set but PORT and INTAKE_PORT: no
    DATABASE_URL, REDIS_URL or COMMISSION_INTAKE_URL, so the embedded default. Yields the
    process and its output's file."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(checkout)),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PORT": str(port),
        "INTAKE_PORT": str(intake_port),
    }
    log_path = checkout / f"make-run-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            ["make", "run"], cwd=checkout, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        wait_for_portal(process, port, log_path)
        yield process, log_path
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for_portal(process: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"`make run` did not serve /healthz:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


def press_ctrl_c(process: subprocess.Popen) -> None:
    """What a terminal does on Ctrl-C: SIGINT to the whole foreground process group."""
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=STOP_SECONDS)


def wait_closed(port: int) -> bool:
    deadline = time.monotonic() + STOP_SECONDS
    while is_listening(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + STOP_SECONDS
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if Path(f"/proc/{pid}/stat").exists() and " Z " in Path(f"/proc/{pid}/stat").read_text():
            return True  # a zombie: it has exited, its parent has not reaped it yet
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def wait_for_text(log_path: Path, text: str) -> str:
    """The log once it holds ``text`` (or as it is after a few seconds)."""
    deadline = time.monotonic() + 10
    while text not in (output := log_path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return output


def call(url: str, *, data: dict | None = None, token: str = "", headers: dict | None = None):
    """(status, decoded JSON body) of a GET, or of a POST when ``data`` is given."""
    request = urllib.request.Request(  # noqa: S310  # a loopback URL the test built
        url,
        data=None if data is None else json.dumps(data).encode(),
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Token {token}"} if token else {}),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_make_run_routes_an_accepted_offer_to_its_own_intake_and_ctrl_c_stops_both(checkout):
    port, intake_port = free_port(), free_port()
    portal = f"http://127.0.0.1:{port}"

    with make_run(checkout, port, intake_port) as (process, log_path):
        assert is_listening(intake_port)
        status, body = call(
            f"http://127.0.0.1:{intake_port}/offers",
            data={"offer_id": 1},
            headers={"X-Signature": "sha256=" + "0" * 64, "Idempotency-Key": "k"},
        )
        assert status == 401, body
        pid_file = checkout / "var" / "intake.pid"
        assert pid_file.read_text().strip().isdigit()
        # The beat schedule runs beside it, in-process (retries, expiry, digests).
        schedule_pid_file = checkout / "var" / "schedule.pid"
        schedule_pid = int(schedule_pid_file.read_text())
        os.kill(schedule_pid, 0)  # alive
        assert "scheduled tasks, run in this process" in wait_for_text(log_path, "run_schedule")

        # Staff accept the demo offer under review; tasks run eagerly, so the offer is
        # delivered, signed with the secret both sides were given, before the answer.
        status, body = call(
            f"{portal}/api/v1/auth/token/",
            data={"email": "staff@demo.eu", "password": DEMO_PASSWORD},
        )
        assert status == 200, body
        token = body["token"]
        status, body = call(f"{portal}/api/v1/offers/?status=under_review", token=token)
        assert status == 200 and body["results"], body
        offer_id = body["results"][0]["id"]
        status, body = call(
            f"{portal}/api/v1/offers/{offer_id}/transitions/",
            data={"to": "accepted", "note": "For the Commission."},
            token=token,
        )
        assert status == 201, body
        status, body = call(f"{portal}/api/v1/offers/{offer_id}/", token=token)
        assert body["status"] == "routed", log_path.read_text()[-3000:]
        received = [
            json.loads(line)
            for line in (checkout / "var" / "intake.jsonl").read_text().splitlines()
        ]
        assert [entry["payload"]["offer_id"] for entry in received] == [offer_id]

        press_ctrl_c(process)

    # The intake ignores SIGINT (a background job of a non-interactive shell): only the
    # recipe's trap stops it, so an open port here is an orphaned intake.
    assert wait_closed(port), "the portal still listens after Ctrl-C"
    assert wait_closed(intake_port), "the Commission intake outlived `make run`"
    assert not pid_file.exists()
    assert wait_gone(schedule_pid), "run_schedule outlived `make run`"
    assert not schedule_pid_file.exists()


def test_make_run_uses_the_intake_already_listening_on_its_port(checkout):
    port = free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        intake_port = taken.getsockname()[1]

        with make_run(checkout, port, intake_port) as (process, log_path):
            press_ctrl_c(process)

        output = log_path.read_text()
        assert f"Port {intake_port} is taken: assuming a Commission intake runs there" in output
        assert "Commission intake on" not in output
        assert wait_closed(port)
        assert is_listening(intake_port)  # still ours: `make run` left it alone
