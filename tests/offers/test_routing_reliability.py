"""Every accepted offer reaches the Commission exactly once: real Redis, real Celery workers
(prefork, two processes), the stand-in intake over HTTP on loopback, this run's database.

The processes come from ``routing_harness``: a private redis-server per test (so stopping it
hurts nobody else), intakes on free ports recording to files in ``tmp_path``, and workers on
the private Redis's default queue. This process sends its tasks to that Redis during a test.
The tests poll the database and the intakes' store files, with bounded waits.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import timedelta

import jsonschema
import pytest
import redis
from django.db import transaction
from django.utils import timezone

from offers.models import Delivery, DeliveryStatus, Destination, Offer, OfferStatus, RoutingRule
from offers.routing import PAYLOAD_SCHEMA, STALE_CLAIM, delivery_retry_now, payload, sign, sweep
from offers.selectors import delivery_counts, delivery_list
from offers.services import offer_transition
from portal.accounts.roles import Role
from portal.celery import app as celery_app
from portal.core.mail_sending import sweep as email_sweep
from portal.core.models import Category, OutgoingEmail
from tests.factories import make_user
from tests.offers import routing_harness as harness
from tests.offers.factories import make_offer
from tests.offers.routing_harness import Intake, Worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The harness's fixtures, for the tests below.
private_redis = harness.private_redis
routing_broker = harness.routing_broker
intakes = harness.intakes
workers = harness.workers

DEFAULT_SECRET = "default-intake-secret"
FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


@pytest.fixture
def company(transactional_db):
    return make_user(Role.COMPANY)


@pytest.fixture
def staff(transactional_db):
    return make_user(Role.COMMISSION)


def category(slug: str) -> Category:
    return Category.objects.get(slug=slug)


def accepted(company, staff, n: int, **overrides) -> list[Offer]:
    return [
        make_offer(by=company, staff=staff, status=OfferStatus.ACCEPTED, **overrides)
        for _ in range(n)
    ]


def deliveries(offers: list[Offer]):
    return Delivery.objects.filter(offer__in=offers)


def all_delivered(offers: list[Offer]) -> bool:
    return deliveries(offers).filter(status=DeliveryStatus.DELIVERED).count() == len(offers)


def report(*intakes_and_workers: Intake | Worker) -> str:
    """What to print when a wait fails: the deliveries' states and the processes' logs."""
    rows = Delivery.objects.order_by().values_list("status", "attempts", "last_error")
    states: dict[str, int] = {}
    for status, attempts, error in rows:
        key = f"{status} ×{attempts} {error[:60]}"
        states[key] = states.get(key, 0) + 1
    logs = [
        f"--- {p.log_path.name}\n{p.log_path.read_text()[-3000:]}"
        for p in intakes_and_workers
        if p.log_path.exists()
    ]
    return f"deliveries: {states}\n" + "\n".join(logs)


def assert_recorded_once(intake: Intake, offers: list[Offer]) -> None:
    """The intake holds exactly one line for each of these offers' deliveries, no other."""
    expected = {str(key) for key in deliveries(offers).values_list("idempotency_key", flat=True)}
    keys = intake.keys()
    assert len(expected) == len(offers)
    assert set(keys) == expected
    assert [key for key, n in keys.items() if n != 1] == []


def test_accepted_offers_reach_the_destination_their_rule_chooses_signed_and_routed(
    intakes, workers, company, staff
):
    # Two Commission services with their own intakes and secrets; offers no rule claims go
    # to the default intake from the settings (the same process as GROW's, another path).
    sante_intake = intakes(secret="dg-sante-secret")
    default_intake = intakes(secret=DEFAULT_SECRET)
    sante = Destination.objects.create(
        name="DG SANTE medical countermeasures",
        intake_url=sante_intake.url("/sante/"),
        secret=sante_intake.secret,
    )
    grow = Destination.objects.create(
        name="DG GROW manufacturing capacity",
        intake_url=default_intake.url("/grow/"),
        secret=DEFAULT_SECRET,
    )
    ppe_rule = RoutingRule.objects.create(priority=10, category=category("ppe"), destination=sante)
    RoutingRule.objects.create(priority=20, category=category("manufacturing"), destination=grow)
    worker = workers(default_intake=default_intake)

    masks, gloves = accepted(company, staff, 1) + accepted(
        company, staff, 1, category=category("ppe-gloves")
    )
    textiles = accepted(company, staff, 1, category=category("manufacturing-textile"))[0]
    kits = accepted(company, staff, 1, category=category("testing-kits"))[0]
    offers = [masks, gloves, textiles, kits]

    wait_until(
        lambda: all_delivered(offers),
        "all four delivered",
        diagnostics=lambda: report(sante_intake, default_intake, worker),
    )

    # Routing was decided at acceptance and recorded: a rule's destination, or the default.
    by_offer = {d.offer_id: d for d in deliveries(offers).select_related("destination")}
    assert by_offer[masks.pk].rule == ppe_rule
    assert by_offer[gloves.pk].destination == sante  # "ppe" matches its sub-categories
    assert by_offer[textiles.pk].destination == grow
    assert by_offer[kits.pk].destination is None
    assert by_offer[kits.pk].destination_name == "Commission intake (default)"

    # Each arrived once, at its own destination's intake: the intakes refuse a delivery whose
    # X-Signature is not made with their secret, so being recorded proves it was signed.
    assert_recorded_once(sante_intake, [masks, gloves])
    assert_recorded_once(default_intake, [textiles, kits])
    paths = {r["payload"]["offer_id"]: r["path"] for r in default_intake.records()}
    assert paths == {textiles.pk: "/grow/", kits.pk: "/default/"}
    assert {r["path"] for r in sante_intake.records()} == {"/sante/"}

    for record in sante_intake.records() + default_intake.records():
        document = record["payload"]
        jsonschema.validate(document, PAYLOAD_SCHEMA, format_checker=FORMATS)
        delivery = by_offer[document["offer_id"]]
        assert document["idempotency_key"] == record["idempotency_key"]
        assert document["idempotency_key"] == str(delivery.idempotency_key)
        assert document["destination"] == delivery.destination_name
        assert document["title"] == Offer.objects.get(pk=document["offer_id"]).title
    assert {r["payload"]["category"]["slug"] for r in default_intake.records()} == {
        "manufacturing-textile",
        "testing-kits",
    }

    for delivery in by_offer.values():
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.attempts == 1
        assert delivery.last_response_status == 200
        assert delivery.delivered_at is not None
    for offer in offers:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ROUTED
        assert offer.transitions.last().note == "Delivered to the Commission."


def test_a_rolled_back_acceptance_delivers_nothing(intakes, workers, company, staff):
    intake = intakes(secret=DEFAULT_SECRET)
    worker = workers(default_intake=intake)
    offer = make_offer(by=company, staff=staff, status=OfferStatus.UNDER_REVIEW)

    with pytest.raises(RuntimeError), transaction.atomic():
        offer_transition(offer=offer, to_status=OfferStatus.ACCEPTED, by=staff)
        raise RuntimeError("something after the acceptance failed")

    assert not Delivery.objects.exists()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.UNDER_REVIEW
    # The pipeline is live: an offer accepted next arrives. Had the rolled-back one been
    # queued, it would have been taken from the queue before this one.
    control = accepted(company, staff, 1)
    wait_until(
        lambda: all_delivered(control),
        "the control offer delivered",
        diagnostics=lambda: report(intake, worker),
    )
    time.sleep(0.5)
    assert_recorded_once(intake, control)
    assert Delivery.objects.count() == 1
    offer.refresh_from_db()
    assert offer.status == OfferStatus.UNDER_REVIEW


def test_offers_accepted_while_redis_is_down_are_delivered_once_the_sweeper_runs(
    routing_broker, intakes, workers, company, staff
):
    intake = intakes(secret=DEFAULT_SECRET)
    worker = workers(default_intake=intake)
    offers = [
        make_offer(by=company, staff=staff, status=OfferStatus.UNDER_REVIEW) for _ in range(3)
    ]

    # Redis goes away while the worker is idle. (Taken away while the worker holds an
    # unacknowledged message, it sometimes ends the worker: kombu 5.7 fails to restore the
    # message, "Unrecoverable error: AttributeError: 'NoneType' object has no attribute
    # 'hostname'". docker-compose's restart policy brings such a worker back; this test is
    # about the accepted offers.)
    wait_until(routing_broker.drained, "the worker idle", diagnostics=lambda: report(worker))
    routing_broker.stop()
    # Accepting does not depend on the broker: the outbox row is committed with it, and
    # nothing the commit queues (delivery, e-mail, matching) fails the acceptance.
    offers = [
        offer_transition(offer=offer, to_status=OfferStatus.ACCEPTED, by=staff) for offer in offers
    ]
    for offer in offers:
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ACCEPTED
    assert deliveries(offers).filter(status=DeliveryStatus.PENDING, attempts=0).count() == 3

    # Redis comes back empty (no persistence): whatever was queued is gone. The worker
    # reconnects; the sweeper finds the due deliveries in the database and queues them.
    routing_broker.start()
    assert intake.records() == []
    wait_until(
        lambda: all_delivered(offers),
        "all delivered after the sweeper ran",
        every=sweep,
        every_seconds=1,
        diagnostics=lambda: report(intake, worker),
    )
    assert worker.process is not None and worker.process.poll() is None  # the same worker
    assert_recorded_once(intake, offers)
    # The e-mails telling the poster of each acceptance waited in the outbox all along; the
    # e-mail sweeper (beat, every minute) queues their sending.
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count() == 3
    email_sweep()
    wait_until(
        lambda: not OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists(),
        "the acceptance e-mails sent after the e-mail sweeper ran",
        diagnostics=lambda: report(worker),
    )
    sent = OutgoingEmail.objects.filter(subject__contains="is now accepted")
    assert sorted(sent.values_list("to", flat=True)) == [[company.email]] * 3
    assert set(sent.values_list("status", "attempts")) == {(OutgoingEmail.Status.SENT, 1)}
    assert all(
        offer.status == OfferStatus.ROUTED
        for offer in Offer.objects.filter(pk__in=[o.pk for o in offers])
    )


def test_a_worker_killed_mid_batch_leaves_every_offer_recorded_exactly_once(
    intakes, workers, company, staff
):
    # The intake records an offer, then waits 20 ms before answering: a worker killed in
    # that window has delivered an offer it does not know it delivered.
    intake = intakes(secret=DEFAULT_SECRET, delay=0.02)
    worker = workers(default_intake=intake, start=False)
    offers = [
        make_offer(by=company, staff=staff, status=OfferStatus.UNDER_REVIEW) for _ in range(200)
    ]
    # The e-mails, duplicate checks and matching that submitting and reviewing queued are not
    # what this test is about: dropped, so the worker's time goes to the accepted batch.
    celery_app.control.purge()
    offers = [
        offer_transition(offer=offer, to_status=OfferStatus.ACCEPTED, by=staff) for offer in offers
    ]

    worker.start()
    wait_until(
        lambda: len(intake.records()) >= 60,
        "60 offers recorded",
        interval=0.01,
        diagnostics=lambda: report(intake, worker),
    )
    worker.kill()

    recorded = len(intake.records())
    assert 0 < recorded < 200, "the worker was to be killed in the middle of the batch"
    stuck = list(deliveries(offers).filter(status=DeliveryStatus.SENDING))
    stuck_recorded = {str(d.idempotency_key) for d in stuck} & set(intake.keys())
    print(
        f"killed with {recorded}/200 recorded; {len(stuck)} left sending, of which "
        f"{len(stuck_recorded)} already recorded at the intake"
    )
    # A claim left by a dead worker is freed by the sweeper once it is STALE_CLAIM old
    # (5 minutes). Rather than wait, the test moves those claims back in time.
    Delivery.objects.filter(pk__in=[d.pk for d in stuck]).update(
        claimed_at=timezone.now() - STALE_CLAIM - timedelta(seconds=1)
    )

    worker.start()
    sweep()  # what beat does every 15 s; again below, should a wait outlast that
    wait_until(
        lambda: all_delivered(offers),
        "all 200 delivered after the restart",
        timeout=60,
        every=sweep,
        every_seconds=15,
        diagnostics=lambda: report(intake, worker),
    )
    sweep()
    time.sleep(0.5)  # anything queued twice would now reach the intake (and be refused)
    assert_recorded_once(intake, offers)
    assert len(intake.records()) == 200
    assert (
        Offer.objects.filter(pk__in=[o.pk for o in offers], status=OfferStatus.ROUTED).count()
        == 200
    )


def test_a_flaky_intake_gets_every_offer_exactly_once(intakes, workers, company, staff, settings):
    settings.ROUTING_MAX_ATTEMPTS = 10
    intake = intakes(secret=DEFAULT_SECRET, fail_rate=0.5)
    worker = workers(
        default_intake=intake, ROUTING_MAX_ATTEMPTS="10", ROUTING_BACKOFF_SECONDS="0.1"
    )
    offers = accepted(company, staff, 30)

    # Half the requests fail for a while: deliveries are retried with backoff, and some get
    # through meanwhile.
    wait_until(
        lambda: (
            deliveries(offers).filter(attempts__gte=2).count() >= 5
            and deliveries(offers).filter(status=DeliveryStatus.DELIVERED).count() >= 10
        ),
        "several deliveries retried and several delivered",
        diagnostics=lambda: report(intake, worker),
    )
    # Then the intake recovers (restarted on the same port and store, failing no more).
    intake.stop()
    intake.start(fail_rate=0.0)
    wait_until(
        lambda: all_delivered(offers),
        "all 30 delivered once the intake recovered",
        every=sweep,
        diagnostics=lambda: report(intake, worker),
    )
    assert_recorded_once(intake, offers)
    attempts = list(deliveries(offers).values_list("attempts", flat=True))
    print(f"attempts: {sorted(attempts)}")
    assert sum(attempts) > len(offers)
    assert max(attempts) <= 10
    assert not deliveries(offers).exclude(status=DeliveryStatus.DELIVERED).exists()


def test_a_delivery_that_keeps_failing_ends_dead_and_retry_now_delivers_it_once(
    intakes, workers, company, staff, settings, tmp_path
):
    settings.ROUTING_MAX_ATTEMPTS = 3
    down = tmp_path / "intake-down"
    down.touch()  # while this file exists, the intake answers 503 to everything
    failing = intakes(secret="dg-echo-secret", fail_flag=down)
    echo = Destination.objects.create(
        name="DG ECHO emergency response", intake_url=failing.url("/echo/"), secret=failing.secret
    )
    RoutingRule.objects.create(priority=10, category=category("testing"), destination=echo)
    worker = workers(default_intake=None, ROUTING_MAX_ATTEMPTS="3")
    offer = accepted(company, staff, 1, category=category("testing-kits"))[0]

    wait_until(
        lambda: Delivery.objects.filter(offer=offer, status=DeliveryStatus.DEAD).exists(),
        "the delivery dead",
        diagnostics=lambda: report(failing, worker),
    )
    delivery = Delivery.objects.get(offer=offer)
    assert delivery.attempts == 3
    assert delivery.last_response_status == 503
    assert delivery.last_error == "HTTP 503"
    assert "unavailable" in delivery.last_response_body
    assert failing.records() == []
    # Staff see it: in the list of deliveries that need them, and in the dashboard counts.
    assert list(delivery_list(statuses=[DeliveryStatus.FAILED, DeliveryStatus.DEAD])) == [delivery]
    assert delivery_counts()["dead"] == 1
    # The sweeper leaves a dead delivery alone; only staff send it again.
    assert sweep() == 0
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED

    down.unlink()  # the intake recovers
    delivery = delivery_retry_now(delivery=delivery, by=staff)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 0
    wait_until(
        lambda: all_delivered([offer]),
        "the retried delivery delivered",
        diagnostics=lambda: report(failing, worker),
    )
    sweep()
    time.sleep(0.5)
    assert_recorded_once(failing, [offer])
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.last_error == ""
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ROUTED


def _post(intake: Intake, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(  # noqa: S310  # a loopback URL the test built
        intake.url("/"),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_intake_refuses_a_wrong_signature_and_the_schema_a_missing_field(
    routing_broker, intakes, company, staff
):
    intake = intakes(secret=DEFAULT_SECRET)
    offer = accepted(company, staff, 1)[0]
    delivery = Delivery.objects.get(offer=offer)
    document = payload(delivery)
    jsonschema.validate(document, PAYLOAD_SCHEMA, format_checker=FORMATS)
    body = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    key = {"Idempotency-Key": str(delivery.idempotency_key)}
    wrong_secret = sign(body, "not-the-secret")
    other_body = sign(body + b" ", DEFAULT_SECRET)

    assert _post(intake, body, key) == 401  # no signature
    assert _post(intake, body, {**key, "X-Signature": wrong_secret}) == 401
    assert _post(intake, body, {**key, "X-Signature": other_body}) == 401
    assert _post(intake, body, {**key, "X-Signature": "sha256="}) == 401
    assert intake.records() == []
    # The same body, rightly signed, is taken: the refusals were about the signature.
    assert _post(intake, body, {**key, "X-Signature": sign(body, DEFAULT_SECRET)}) == 200
    assert [r["idempotency_key"] for r in intake.records()] == [str(delivery.idempotency_key)]

    incomplete = {name: value for name, value in document.items() if name != "title"}
    with pytest.raises(jsonschema.ValidationError, match="'title' is a required property"):
        jsonschema.validate(incomplete, PAYLOAD_SCHEMA, format_checker=FORMATS)


def queued_tasks(broker: harness.RedisServer, name: str) -> int:
    """How many messages for task ``name`` wait in the broker's default queue."""
    client = redis.Redis(port=broker.port)
    try:
        messages = client.lrange("celery", 0, -1)
    finally:
        client.close()
    return sum(json.loads(message)["headers"]["task"] == name for message in messages)


def test_offers_accepted_while_a_delivery_task_waits_queue_none_of_their_own(
    routing_broker, intakes, workers, company, staff, settings
):
    # Long enough that the marker cannot expire while this test accepts.
    settings.TASK_COALESCE_SECONDS = 120
    intake = intakes(secret=DEFAULT_SECRET)
    worker = workers(default_intake=intake, start=False, ROUTING_BATCH_SIZE="20")
    offers = [
        make_offer(by=company, staff=staff, status=OfferStatus.UNDER_REVIEW) for _ in range(120)
    ]
    celery_app.control.purge()
    # One transaction each, as the triage desk's bulk action does: each commit could queue.
    offers = [
        offer_transition(offer=offer, to_status=OfferStatus.ACCEPTED, by=staff) for offer in offers
    ]
    # The first acceptance queued a delivery task; the 119 after it found that task waiting.
    assert queued_tasks(routing_broker, "offers.deliver_offer") == 1

    worker.start()
    wait_until(
        lambda: all_delivered(offers),
        "all 120 delivered by the one queued task and those it queued",
        diagnostics=lambda: report(intake, worker),
    )
    assert_recorded_once(intake, offers)
    # A full batch queues the next before it sends: six batches of 20, and one that finds
    # nothing left. Far fewer tasks than offers, and more than one worker process at work.
    wait_until(routing_broker.drained, "the worker idle", diagnostics=lambda: report(worker))
    tasks_run = worker.log_text().count("Task offers.deliver_offer[")
    assert 6 <= tasks_run <= 12, worker.log_text()[-3000:]


def test_deliveries_whose_waiting_task_is_lost_are_sent_by_the_sweeper(
    routing_broker, intakes, workers, company, staff, settings
):
    settings.TASK_COALESCE_SECONDS = 120
    intake = intakes(secret=DEFAULT_SECRET)
    worker = workers(default_intake=intake, start=False)
    reviewed = [
        make_offer(by=company, staff=staff, status=OfferStatus.UNDER_REVIEW) for _ in range(11)
    ]
    celery_app.control.purge()
    offers = [
        offer_transition(offer=offer, to_status=OfferStatus.ACCEPTED, by=staff)
        for offer in reviewed[:10]
    ]
    # The one task the ten queued is lost (a broker restarted without persistence) while its
    # marker still stands: an offer accepted now queues no task either.
    assert queued_tasks(routing_broker, "offers.deliver_offer") == 1
    celery_app.control.purge()
    offers.append(offer_transition(offer=reviewed[10], to_status=OfferStatus.ACCEPTED, by=staff))
    assert queued_tasks(routing_broker, "offers.deliver_offer") == 0

    worker.start()
    time.sleep(1)
    assert intake.records() == []  # nothing sent them: no task stands for them
    # What beat runs every 15 s finds them due, marker or not, and queues a task for them.
    sweep()
    wait_until(
        lambda: all_delivered(offers),
        "all 11 delivered after the sweeper ran",
        diagnostics=lambda: report(intake, worker),
    )
    assert_recorded_once(intake, offers)
