"""Matching runs in a real Celery worker on Redis, against this test run's database.

A demand published here queues ``recompute_demand_matches`` once its transaction commits; a
worker subprocess picks it up from a queue of its own and writes the matches. When staff
route an offer, the worker recomputes the offer's matches and its match disappears. The
Django-client and service tests run the same tasks eagerly; this proves the path through
the broker: the task is sent only after commit, its arguments survive JSON, and the worker
reads and writes the rows this process committed.
"""

import datetime
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from offers.models import Match, OfferStatus
from offers.services import demand_create, offer_transition
from portal.accounts.roles import Role
from portal.celery import app as celery_app
from portal.core.models import Category
from tests.conftest import test_database_url
from tests.factories import make_user
from tests.offers.factories import make_offer
from tests.test_celery_worker import CELERY, ROOT, broker_url, forget_queue, wait_until_ready

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# How long the worker may take over one round of matching; it usually needs well under 1 s.
MATCHING_SECONDS = 30


@pytest.fixture
def matching_worker(transactional_db, tmp_path) -> Iterator[tuple[str, Path]]:
    """A worker subprocess on this run's test database, consuming a queue no one else uses;
    yields (queue, log file). Depends on ``transactional_db`` so it stops before the flush."""
    queue = f"test-matching-{uuid.uuid4().hex}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        # The test database (test_<name>), not the one DATABASE_URL names.
        "DATABASE_URL": test_database_url(),
        # No idle connection left behind: the test database is flushed and then dropped.
        "DB_CONN_MAX_AGE": "0",
        "REDIS_URL": broker_url(),
        "CELERY_BROKER_URL": broker_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # The transition e-mails the worker sends land in a folder, not on the console.
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
        yield queue, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        forget_queue(queue)


@pytest.fixture
def through_the_worker(matching_worker) -> Iterator[tuple[str, Path]]:
    """For one test, ``.delay()`` in this process sends to the worker's queue instead of
    running the task here."""
    queue, log_path = matching_worker
    conf = celery_app.conf
    previous = conf.task_always_eager, conf.task_default_queue
    # The router reads task_default_queue on every send (no task_routes are configured), and
    # creates the queue's declaration on first use.
    conf.task_always_eager = False
    conf.task_default_queue = queue
    try:
        yield queue, log_path
    finally:
        conf.task_always_eager, conf.task_default_queue = previous


def wait_for(condition: Callable[[], bool], what: str, log_path: Path) -> None:
    deadline = time.monotonic() + MATCHING_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not within {MATCHING_SECONDS}s:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.1)


def received(log_path: Path, task: str) -> int:
    """How many ``task`` messages the worker took from its queue. (Its log does not say when
    a task succeeded: ``celery.app.trace`` logs only warnings, on purpose.)"""
    return sum(
        1
        for line in log_path.read_text().splitlines()
        if f"Task {task}[" in line and line.endswith("received")
    )


def test_worker_matches_a_new_demand_and_drops_the_match_of_a_routed_offer(through_the_worker):
    _queue, log_path = through_the_worker
    today = timezone.localdate()
    company = make_user(Role.COMPANY)
    staff = make_user(Role.COMMISSION)
    authority = make_user(Role.AUTHORITY, verified=True)
    # Accepted before the demand exists: the worker's recomputations for them, queued ahead
    # of the demand's, find nothing to match.
    best = make_offer(
        by=company,
        staff=staff,
        status=OfferStatus.ACCEPTED,
        quantity=20000,
        delivery_countries=["IT", "BE"],
        lead_time_days=5,
        certifications=["CE", "EN 149"],
    )
    slower = make_offer(
        by=company,
        staff=staff,
        status=OfferStatus.ACCEPTED,
        quantity=10000,
        delivery_countries=["PT"],
        lead_time_days=30,
        certifications=["EN 149"],
    )
    assert not Match.objects.exists()

    demand = demand_create(
        by=authority,
        data={
            "title": "FFP2 masks for Milan hospitals",
            "description": "Respirators for intensive-care staff.",
            "category": Category.objects.get(slug="ppe-masks"),
            "quantity": 10000,
            "unit": "pieces",
            "needed_by": today + datetime.timedelta(days=10),
            "country": "IT",
            "region": "Lombardy",
            "urgency": "critical",
            "certifications": ["EN 149"],
        },
    )

    wait_for(
        lambda: Match.objects.filter(demand=demand).count() == 2,
        "both matches for the demand",
        log_path,
    )
    # Sent through the broker once, after commit, and taken by the worker.
    # The log line may reach the file a moment after the task's effect reaches the database.
    wait_for(
        lambda: received(log_path, "offers.recompute_demand_matches") >= 1,
        "the worker's log of the demand's matching task",
        log_path,
    )
    assert received(log_path, "offers.recompute_demand_matches") == 1
    scores = dict(Match.objects.filter(demand=demand).values_list("offer_id", "score"))
    # best: 30 category + 20 quantity + 20 delivers to Italy + 20 lead time + 10 EN 149;
    # slower: 30 + 20 + 0 (Portugal only) + round(20 * 10 days / 30 days) + 10.
    assert scores == {best.pk: 100, slower.pk: 67}
    match = Match.objects.get(demand=demand, offer=best)
    assert [(p["part"], p["points"]) for p in match.parts] == [
        ("category", 30),
        ("quantity", 20),
        ("delivery", 20),
        ("lead_time", 20),
        ("certifications", 10),
    ]

    offer_recomputations = received(log_path, "offers.recompute_offer_matches")
    best = offer_transition(offer=best, to_status=OfferStatus.ROUTED, by=staff, note="Routed.")
    best = offer_transition(offer=best, to_status=OfferStatus.CLOSED, by=staff, note="Closed.")

    wait_for(
        lambda: not Match.objects.filter(demand=demand, offer=best).exists(),
        "the closed offer's match removed",
        log_path,
    )
    # One recomputation, for closing: a routed offer is as much a candidate as an accepted one,
    # so routing it changes no match and queues none.
    wait_for(
        lambda: received(log_path, "offers.recompute_offer_matches") >= offer_recomputations + 1,
        "the worker's log of the offer's matching task",
        log_path,
    )
    assert received(log_path, "offers.recompute_offer_matches") == offer_recomputations + 1
    # Only the closed offer left the ranking: the other one is still matched, unchanged.
    assert list(Match.objects.filter(demand=demand).values_list("offer_id", "score")) == [
        (slower.pk, 67)
    ]
    best.refresh_from_db()
    assert best.status == OfferStatus.CLOSED
    assert best.transitions.last().note == "Closed."
