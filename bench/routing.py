#!/usr/bin/env python
"""Routing benchmark: how fast accepted offers reach the Commission intake.

    make bench-routing                      # 2,000 offers
    make bench-routing BENCH_ARGS="--offers 500"

Against PostgreSQL (DATABASE_URL, created and migrated if missing), a Redis database of its
own (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, flushed at the start and the end),
the stand-in intake (``commission_intake``) on loopback and a real worker: the portal's Celery
app with 2 prefork processes. In one run, with the same worker:

- **no-op** (the ceiling): N tasks that do nothing, queued while the worker is paused, then
  drained;
- **POST only**: N tasks that only sign and POST a small document to the intake, drained
  the same way: the cost of the HTTP leg alone;
- **routing, drain**: N offers accepted through ``offer_transition`` while the worker is
  paused, then drained: the worker's capacity, in offers delivered per second, for all the
  work an acceptance queues (the delivery, and the e-mail telling the poster). The clock
  starts when the worker resumes: the time spent accepting is not in it;
- **routing, deliveries only**: the same, with the poster's e-mails set aside (their tasks
  dropped from the queue while the worker is paused, and the e-mails from the outbox): the
  deliveries alone. A delivery task sends a
  batch of due deliveries, and the offers accepted while one waits queue none of their own
  (``portal/core/coalesce.py``), so this phase's few tasks carry all 2,000 deliveries: its
  ratio to the no-op rate compares offers delivered with empty tasks run, and can pass 1;
- **routing, live**: N more offers accepted while the worker runs: offers delivered per
  second end to end, and p50/p95 from acceptance (the ACCEPTED transition's ``at``) to
  delivery (``Delivery.delivered_at``). The clock starts at the first acceptance, so this
  rate can be no higher than the rate at which this one process accepts (printed beside it):
  when the worker keeps up, it measures the accepting, and the latency is the worker's.

Offers are accepted one transaction each, as the triage desk's bulk action does, so each
delivery is queued as soon as its acceptance commits. Each phase also records the CPU time
per item of the worker, the intake, PostgreSQL, Redis and this process, and of the whole
machine (other work on a shared machine shows there). The run checks that the intake
recorded every offer exactly once, prints a summary and writes everything, with the
machine's description, to bench/results/routing.json. Loopback only, bounded waits; it stops
the worker and the intake it started.

The no-op and POST-only tasks are defined here, on the portal's own Celery app, so the worker
is started as ``celery -A bench.routing worker``: the same app, settings and tasks as
``celery -A portal worker``, plus these two, which production code never needs.

``--close-db-connections`` measures what keeping the worker's database connection between
tasks (``portal/celery.py``) is worth: with it, the worker closes its connection after every
task, as Celery's Django fixup does by default, so each task that touches the database opens
a new PostgreSQL connection.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "routing.json"
HOSTNAME = "bench-routing@%h"
QUEUE = "celery"  # the default queue, where the portal's tasks go
BENCH_TITLE = "Bench offer "  # the offers this benchmark made, deleted at its next start
PHASE_TIMEOUT = 600  # seconds; no phase may wait longer

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from portal.celery import app  # noqa: E402  # after the path and settings module are set

# The ceiling: nothing to do, with the delivery task's options (acks_late, reject on worker
# loss, time limits), so the difference is the work a delivery does.
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "time_limit": 60,
    "soft_time_limit": 45,
    "ignore_result": True,
}


@app.task(name="bench.noop", **TASK_OPTIONS)
def noop() -> None:
    return None


POST_ONLY_KEY = str(uuid.UUID(int=0))


@app.task(name="bench.post_only", **TASK_OPTIONS)
def post_only() -> int:
    """Sign and POST a small document to the default intake, as a delivery does, and nothing
    else: no database. One idempotency key for all, so the intake records it once."""
    from django.conf import settings

    from offers.routing import sign

    body = json.dumps({"bench": "post only"}).encode()
    request = urllib.request.Request(  # noqa: S310  # the intake on loopback
        settings.COMMISSION_INTAKE_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": POST_ONLY_KEY,
            "X-Signature": sign(body, settings.COMMISSION_INTAKE_SECRET),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        response.read()
        return response.status


if os.environ.get("BENCH_CLOSE_DB_CONNECTIONS"):
    # Celery's default, for the worker only (see the module's docstring): the fixup closes
    # the connection before and after every task.
    app.conf["CELERY_DB_REUSE_MAX"] = 0


# --- processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_listening(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the intake exited ({process.returncode})")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def wait_worker(process: subprocess.Popen, hostname: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited ({process.returncode})")
        if app.control.ping(destination=[hostname], timeout=1.0):
            return
    raise RuntimeError(f"the worker did not answer a ping in {timeout} s")


def stop(process: subprocess.Popen | None, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # a worker's warm shutdown: finish, then exit
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User and system CPU seconds each process used so far (Linux; empty elsewhere)."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
    return used


def machine_busy() -> float:
    """CPU seconds the whole machine spent not idle, so far."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except FileNotFoundError:
        return 0.0
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICK


def by_name(name: str) -> list[int]:
    pids = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if (proc / "comm").read_text().strip() == name:
                pids.append(int(proc.name))
        except OSError:
            continue
    return pids


def process_groups(worker: subprocess.Popen, intake: subprocess.Popen) -> dict[str, Any]:
    """Who uses the CPUs during a phase, each a function returning its processes now."""

    def pool() -> list[int]:
        try:
            children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text()
        except OSError:
            children = ""
        return [worker.pid, *map(int, children.split())]

    return {
        "worker": pool,
        "intake": lambda: [intake.pid],
        # On a shared server, other clients' backends too; a backend that exits during the
        # phase is not counted (the machine-wide figure is).
        "postgresql": lambda: by_name("postgres"),
        "redis": lambda: by_name("redis-server"),
        "bench (accepting)": lambda: [os.getpid()],
    }


class CpuMeter:
    """CPU milliseconds per item each group, and the whole machine, used since it started."""

    def __init__(self, groups: dict[str, Any]):
        self.groups = groups
        self.before = {name: cpu_by_pid(pids()) for name, pids in groups.items()}
        self.machine = machine_busy()
        self.wall = time.monotonic()

    def per_item(self, items: int) -> dict[str, float]:
        wall = time.monotonic() - self.wall
        result = {}
        for name, pids in self.groups.items():
            now, before = cpu_by_pid(pids()), self.before[name]
            used = sum(seconds - before.get(pid, 0.0) for pid, seconds in now.items())
            result[name] = round(used * 1000 / items, 2)
        machine = machine_busy() - self.machine
        result["machine"] = round(machine * 1000 / items, 2)
        result["machine_cpus_busy"] = round(machine / wall, 2) if wall else 0.0
        return result


# --- the broker -------------------------------------------------------------------------


def pause(hostname: str) -> None:
    replies = app.control.cancel_consumer(QUEUE, destination=[hostname], reply=True, timeout=5)
    if not replies:
        raise RuntimeError("the worker did not confirm it stopped consuming")


def resume(hostname: str) -> None:
    replies = app.control.add_consumer(QUEUE, destination=[hostname], reply=True, timeout=5)
    if not replies:
        raise RuntimeError("the worker did not confirm it consumes again")


def backlog(client: Any) -> int:
    """Messages waiting in the queue plus those a worker holds but has not acknowledged."""
    pipe = client.pipeline()
    pipe.llen(QUEUE)
    pipe.hlen("unacked")  # kombu's Redis transport keeps unacknowledged messages here
    waiting, unacked = pipe.execute()
    return int(waiting) + int(unacked)


def set_aside(client: Any, task_name: str) -> int:
    """Drop the queued messages of one task (the worker is paused: nobody reads the queue);
    returns how many. The others stay, in their order."""
    messages = client.lrange(QUEUE, 0, -1)
    kept = [m for m in messages if json.loads(m)["headers"]["task"] != task_name]
    pipe = client.pipeline()
    pipe.delete(QUEUE)
    if kept:
        pipe.rpush(QUEUE, *kept)
    pipe.execute()
    return len(messages) - len(kept)


def wait_drained(client: Any, timeout: float = PHASE_TIMEOUT) -> float:
    """Poll until the queue is empty and nothing is unacknowledged; returns the moment."""
    deadline = time.monotonic() + timeout
    while backlog(client):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the queue did not drain in {timeout} s ({backlog(client)} left)")
        time.sleep(0.002)
    return time.monotonic()


# --- the portal -------------------------------------------------------------------------


def bench_users() -> tuple[Any, Any]:
    from portal.accounts.models import User
    from portal.accounts.roles import Role
    from portal.accounts.services import account_create

    def user(email: str, role: str, organisation: str) -> Any:
        return User.objects.filter(email=email).first() or account_create(
            email=email, role=role, password=None, full_name=f"Bench {role}",
            organisation_name=organisation, country="BE", verified=True, validate=False,
        )  # fmt: skip

    return (
        user("bench-company@bench.example.eu", Role.COMPANY, "Bench Filtration"),
        user("bench-staff@bench.example.eu", Role.COMMISSION, "DG Bench"),
    )


def make_offers(count: int, company: Any) -> list[int]:
    """Offers under review, written in bulk: setting the stage is not what is measured."""
    from django.utils import timezone

    from offers.models import Offer, OfferStatus
    from portal.core.models import Category

    Offer.objects.filter(title__startswith=BENCH_TITLE).delete()
    category = Category.objects.get(slug="ppe-masks")
    now = timezone.now()
    fields: dict[str, Any] = {
        "description": "FFP2 respirators for the benchmark.",
        "company_name": "Bench Filtration",
        "company_country": "BE",
        "company_size": "sme",
        "category": category,
        "quantity": 10000,
        "unit": "pieces",
        "lead_time_days": 7,
        "delivery_countries": ["BE", "NL"],
        "certifications": ["CE", "EN 149"],
        "valid_until": now.date() + timedelta(days=60),
        "contact_name": "Bench Contact",
        "contact_email": "contact@bench.example.eu",
        "status": OfferStatus.UNDER_REVIEW,
        "submitted_by": company,
        "submitted_at": now,
    }
    offers = [Offer(title=f"{BENCH_TITLE}{n}", **fields) for n in range(count)]
    return [offer.pk for offer in Offer.objects.bulk_create(offers, batch_size=500)]


def accept(offer_ids: list[int], staff: Any, batch: int) -> float:
    """Accept through the service, as the triage desk's bulk action does: ``batch`` offers
    at a time, each in its own transaction, so each delivery is queued when its acceptance
    commits. Returns the seconds it took."""
    from offers.models import Offer, OfferStatus
    from offers.services import offer_transition

    started = time.monotonic()
    for start in range(0, len(offer_ids), batch):
        for offer in Offer.objects.filter(pk__in=offer_ids[start : start + batch]):
            offer_transition(offer=offer, to_status=OfferStatus.ACCEPTED, by=staff)
    return time.monotonic() - started


def wait_delivered(offer_ids: list[int], timeout: float = PHASE_TIMEOUT) -> None:
    from offers.models import Delivery, DeliveryStatus

    deadline = time.monotonic() + timeout
    while True:
        done = Delivery.objects.filter(
            offer_id__in=offer_ids, status=DeliveryStatus.DELIVERED
        ).count()
        if done == len(offer_ids):
            return
        if time.monotonic() > deadline:
            states = Delivery.objects.filter(offer_id__in=offer_ids).values_list(
                "status", flat=True
            )
            raise RuntimeError(
                f"{done} of {len(offer_ids)} delivered after {timeout} s: {sorted(set(states))}"
            )
        time.sleep(0.05)


def timings(offer_ids: list[int]) -> tuple[list[datetime], list[datetime]]:
    """(accepted at, delivered at) for each offer, from the database."""
    from offers.models import Delivery, OfferStatus, OfferTransition

    accepted = dict(
        OfferTransition.objects.filter(
            offer_id__in=offer_ids, to_status=OfferStatus.ACCEPTED
        ).values_list("offer_id", "at")
    )
    delivered = {
        offer_id: at
        for offer_id, at in Delivery.objects.filter(offer_id__in=offer_ids).values_list(
            "offer_id", "delivered_at"
        )
        if at is not None
    }
    return [accepted[i] for i in offer_ids], [delivered[i] for i in offer_ids]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the run ----------------------------------------------------------------------------


def machine(redis_client: Any) -> dict[str, Any]:
    from importlib.metadata import version

    from django.db import connection

    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": version("django"),
        "celery": version("celery"),
        "kombu": version("kombu"),
        "postgresql": postgres,
        "redis": redis_client.info("server")["redis_version"],
    }


def drain(client: Any, hostname: str, task: Any, count: int, groups: dict[str, Any]) -> dict:
    """Queue ``count`` runs of a task while the worker is paused, then time the drain."""
    pause(hostname)
    with app.producer_or_acquire() as producer:
        for _ in range(count):
            task.apply_async(producer=producer)
    meter = CpuMeter(groups)
    started = time.monotonic()
    resume(hostname)
    seconds = wait_drained(client) - started
    return {
        "tasks": count,
        "seconds": round(seconds, 3),
        "tasks_per_second": round(count / seconds),
        "cpu_ms_per_task": meter.per_item(count),
    }


def routing_drain(
    client: Any,
    hostname: str,
    offer_ids: list[int],
    staff: Any,
    batch: int,
    groups: dict[str, Any],
    set_aside_task: str = "",
) -> dict[str, Any]:
    """Accept the offers while the worker is paused, then time the drain from the moment it
    resumes (accepting is not in it). ``set_aside_task``'s messages are dropped first."""
    from django.utils import timezone

    n = len(offer_ids)
    pause(hostname)
    meter = CpuMeter(groups)
    accept_seconds = accept(offer_ids, staff, batch)
    accept_cpu = meter.per_item(n)
    queued = backlog(client)
    dropped = set_aside(client, set_aside_task) if set_aside_task else 0
    if set_aside_task == "core.send_emails":
        # And the e-mails those tasks were to send, so that no later task sends them.
        from portal.core.models import OutgoingEmail

        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).delete()
    meter = CpuMeter(groups)
    resumed_at = timezone.now()
    resume(hostname)
    wait_delivered(offer_ids)
    _, delivered = timings(offer_ids)
    seconds = (max(delivered) - resumed_at).total_seconds()
    wait_drained(client)  # what the deliveries queued, too
    all_seconds = (timezone.now() - resumed_at).total_seconds()
    return {
        "offers": n,
        "messages_queued_by_accepting": queued,
        **({"messages_set_aside": dropped, "set_aside": set_aside_task} if set_aside_task else {}),
        "accepted_per_second": round(n / accept_seconds),
        "cpu_ms_per_offer_accepting": accept_cpu,
        "seconds_to_last_delivery": round(seconds, 3),
        "delivered_per_second": round(n / seconds),
        "seconds_until_queue_empty": round(all_seconds, 3),
        "cpu_ms_per_offer": meter.per_item(n),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=2000, help="offers (and tasks) per phase")
    parser.add_argument("--batch", type=int, default=100, help="offers per bulk acceptance")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument(
        "--close-db-connections",
        action="store_true",
        help="the worker opens a new database connection for every task (Celery's default)",
    )
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("bench-routing: set DATABASE_URL to a PostgreSQL database", file=sys.stderr)
        return 2
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

    sys.path.insert(0, str(ROOT / "bench"))
    from run import ensure_database  # bench/run.py's: create the database if missing

    ensure_database(database_url)
    workdir = Path(tempfile.mkdtemp(prefix="bench-routing-"))
    intake_port = free_port()
    secret = secrets.token_hex(16)
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "COMMISSION_INTAKE_URL": f"http://127.0.0.1:{intake_port}/offers",
        "COMMISSION_INTAKE_SECRET": secret,
        "EMAIL_URL": "dummymail://",  # the e-mail tasks run; nothing leaves the machine
        "LOG_LEVEL": "WARNING",
    }
    env.pop("BENCH_CLOSE_DB_CONNECTIONS", None)
    os.environ.update(env)  # this process accepts the offers: the same settings
    worker_env = {
        **env,
        **({"BENCH_CLOSE_DB_CONNECTIONS": "1"} if args.close_db_connections else {}),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip

    import django

    django.setup()
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    store = workdir / "intake.jsonl"
    intake = worker = None
    n = args.offers
    worker_command = [
        "celery", "-A", "bench.routing", "worker", "--pool", "prefork",
        "--concurrency", str(args.concurrency), "--hostname", HOSTNAME, "-Q", QUEUE,
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING",
    ]  # fmt: skip
    try:
        intake = subprocess.Popen(
            [sys.executable, "manage.py", "commission_intake", "--port", str(intake_port),
             "--secret", secret, "--store", str(store)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_listening(intake_port, intake)
        hostname = HOSTNAME.replace("%h", socket.gethostname())
        with (workdir / "worker.log").open("w") as log:
            worker = subprocess.Popen(
                [str(VENV_BIN / "celery"), *worker_command[1:]],
                cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_worker(worker, hostname)
        groups = process_groups(worker, intake)
        company, staff = bench_users()
        offer_ids = make_offers(3 * n, company)
        drain_ids, alone_ids, live_ids = offer_ids[:n], offer_ids[n : 2 * n], offer_ids[2 * n :]

        # Warm up: the worker's processes import, connect and cache what they need.
        for _ in range(50):
            noop.delay()
            post_only.delay()
        wait_drained(client)

        # 1 and 2. The ceiling, and the HTTP leg alone.
        noop_result = drain(client, hostname, noop, n, groups)
        post_result = drain(client, hostname, post_only, n, groups)
        noop_rate = noop_result["tasks_per_second"]

        # 3. Routing, drain: the worker's capacity, for all that accepting queues.
        drain_result = routing_drain(client, hostname, drain_ids, staff, args.batch, groups)
        drain_rate = drain_result["delivered_per_second"]

        # 3b. The same, the delivery tasks alone: the poster's e-mails set aside.
        alone_result = routing_drain(
            client,
            hostname,
            alone_ids,
            staff,
            args.batch,
            groups,
            set_aside_task="core.send_emails",
        )
        alone_rate = alone_result["delivered_per_second"]

        # 4. Routing, live: accepted while the worker runs.
        meter = CpuMeter(groups)
        live_accept_seconds = accept(live_ids, staff, args.batch)
        live_accept_rate = n / live_accept_seconds
        wait_delivered(live_ids)
        accepted, delivered = timings(live_ids)
        latencies = [
            (d - a).total_seconds() * 1000 for a, d in zip(accepted, delivered, strict=True)
        ]
        live_seconds = (max(delivered) - min(accepted)).total_seconds()
        live_rate = n / live_seconds
        wait_drained(client)
        live_cpu = meter.per_item(n)

        received = [json.loads(line)["payload"] for line in store.open()]
        received_offers = sorted(p["offer_id"] for p in received if "offer_id" in p)
        exactly_once = received_offers == sorted(offer_ids)
        results: dict[str, Any] = {
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(client),
            "setup": {
                "offers": n,
                "batch": args.batch,
                "worker": " ".join(worker_command),
                "worker_reuses_db_connections": not args.close_db_connections,
                "broker": redis_url,
                "intake": "commission_intake on loopback (TCP_NODELAY)",
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            },
            "noop": noop_result,
            "post_only": post_result,
            "routing_drain": drain_result,
            "routing_deliveries_only": alone_result,
            "routing_live": {
                "offers": n,
                "accepted_per_second": round(live_accept_rate),
                "seconds_first_accept_to_last_delivery": round(live_seconds, 3),
                "delivered_per_second": round(live_rate),
                "accept_to_delivery_ms": {
                    "p50": round(percentile(latencies, 0.50), 1),
                    "p95": round(percentile(latencies, 0.95), 1),
                    "max": round(max(latencies), 1),
                    "mean": round(statistics.fmean(latencies), 1),
                },
                "cpu_ms_per_offer": live_cpu,
            },
            "ratio_to_noop": {
                "post_only": round(post_result["tasks_per_second"] / noop_rate, 3),
                "routing_drain": round(drain_rate / noop_rate, 3),
                "routing_deliveries_only": round(alone_rate / noop_rate, 3),
                "routing_live": round(live_rate / noop_rate, 3),
            },
            "intake_received_each_offer_exactly_once": exactly_once,
        }
    except BaseException:
        print(f"bench-routing: the worker's log and the intake's store are in {workdir}")
        raise
    finally:
        stop(worker)
        stop(intake, timeout=10)
        client.flushdb()
    shutil.rmtree(workdir)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    latency = results["routing_live"]["accept_to_delivery_ms"]
    print(
        f"\nno-op {noop_rate} tasks/s; POST only {post_result['tasks_per_second']} tasks/s; "
        f"routing {drain_rate:.0f} offers/s drained ({alone_rate:.0f} without the e-mails), "
        f"{live_rate:.0f} offers/s live (accepted at {live_accept_rate:.0f}/s); ratio to no-op "
        f"{drain_rate / noop_rate:.2f} (drained), {alone_rate / noop_rate:.2f} (deliveries "
        f"only), {live_rate / noop_rate:.2f} (live); accept to delivery p50 "
        f"{latency['p50'] / 1000:.2f} s, p95 {latency['p95'] / 1000:.2f} s"
        f"\n{'every offer recorded once' if exactly_once else 'OFFERS MISSING OR REPEATED'}"
        f" at the intake; results in {args.output}"
    )
    return 0 if exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
