"""Routing rules and single delivery attempts, against a real HTTP server on loopback."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from clusters.models import Cluster
from offers import routing
from offers.models import Delivery, DeliveryStatus, Destination, OfferStatus, RoutingRule
from portal.core.models import Category, Ecosystem
from tests.clusters.factories import make_cluster
from tests.offers.factories import make_offer


class Recorder(BaseHTTPRequestHandler):
    """Answers each POST with the next status of ``server.answers`` and keeps the request."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((dict(self.headers), body))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def intake(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.requests, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.COMMISSION_INTAKE_URL = f"http://127.0.0.1:{server.server_address[1]}/offers"
    settings.COMMISSION_INTAKE_SECRET = "default-secret"
    settings.ROUTING_MAX_ATTEMPTS = 3
    yield server
    server.shutdown()
    server.server_close()


def accepted(company_user, staff, capture, **overrides):
    """An offer accepted with its delivery not yet attempted (callbacks captured, not run)."""
    with capture(execute=False):
        offer = make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=staff, **overrides)
    return offer, Delivery.objects.get(offer=offer)


@pytest.mark.django_db
def test_rules_apply_in_priority_order_with_every_condition(
    cluster_manager, company_user, commission_staff
):
    health = Destination.objects.create(
        name="DG SANTE", intake_url="http://127.0.0.1:9/x", secret="s"
    )
    grow = Destination.objects.create(name="DG GROW", intake_url="http://127.0.0.1:9/y", secret="s")
    ppe = Category.objects.get(slug="ppe")
    RoutingRule.objects.create(priority=20, category=ppe, destination=grow)
    RoutingRule.objects.create(priority=10, category=ppe, country="DE", destination=health)
    RoutingRule.objects.create(
        priority=5, ecosystem=Ecosystem.objects.get(slug="digital"), destination=health
    )

    german = make_offer(by=company_user, company_country="DE")  # ppe-masks, a child of ppe
    french = make_offer(by=company_user, company_country="FR")
    tests = make_offer(by=company_user, category=Category.objects.get(slug="testing-kits"))
    digital_cluster = make_cluster(
        by=cluster_manager, ecosystems=list(Ecosystem.objects.filter(slug="digital"))
    )
    channelled = make_offer(
        by=cluster_manager,
        cluster=digital_cluster,
        category=Category.objects.get(slug="testing-kits"),
    )

    assert routing.rule_for(german).destination == health
    assert routing.rule_for(french).destination == grow
    assert routing.rule_for(tests) is None  # the default destination
    assert routing.rule_for(channelled).destination == health
    RoutingRule.objects.filter(priority=20).update(active=False)
    assert routing.rule_for(french) is None
    assert Cluster.objects.count() == 1


@pytest.mark.django_db
def test_accepting_writes_the_outbox_row_in_the_same_transaction(
    company_user, commission_staff, django_capture_on_commit_callbacks
):
    offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)

    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.destination is None
    assert delivery.destination_name == routing.DEFAULT_DESTINATION_NAME
    assert delivery.payload_version == routing.PAYLOAD_VERSION
    assert delivery.next_attempt_at <= timezone.now()
    assert offer.status == OfferStatus.ACCEPTED


@pytest.mark.django_db
def test_a_2xx_delivers_signed_and_routes_the_offer(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    import jsonschema

    offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)

    assert routing.deliver(delivery.pk) == DeliveryStatus.DELIVERED

    headers, body = intake.requests[0]
    assert headers["X-Signature"] == routing.sign(body, "default-secret")
    assert headers["Idempotency-Key"] == str(delivery.idempotency_key)
    document = json.loads(body)
    jsonschema.validate(document, routing.PAYLOAD_SCHEMA)
    assert document["offer_id"] == offer.pk
    offer.refresh_from_db()
    delivery.refresh_from_db()
    assert offer.status == OfferStatus.ROUTED
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 1
    assert offer.transitions.last().by is None  # the portal routed it


@pytest.mark.django_db
@pytest.mark.parametrize("status", [500, 503, 408, 429])
def test_retryable_answers_are_tried_again_later(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks, status
):
    intake.answers = [status]
    offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=False):
        assert routing.deliver(delivery.pk) == DeliveryStatus.PENDING

    delivery.refresh_from_db()
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.last_response_status == status
    assert routing.deliver(delivery.pk) == "skipped"  # not due yet
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED


@pytest.mark.django_db
def test_a_4xx_fails_for_good_with_the_response_kept(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    intake.answers = [422]
    _offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)

    assert routing.deliver(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    assert delivery.last_response_status == 422
    assert delivery.last_response_body == "ok"


@pytest.mark.django_db
def test_after_the_maximum_attempts_a_delivery_is_dead_and_staff_can_retry_it(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    intake.answers = [503, 503, 503]
    offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(3):
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() - timedelta(seconds=1)
            )
            routing.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert delivery.attempts == 3

    with django_capture_on_commit_callbacks(execute=True):
        routing.delivery_retry_now(delivery=delivery, by=commission_staff)

    delivery.refresh_from_db()
    offer.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert offer.status == OfferStatus.ROUTED
    assert len(intake.requests) == 4


@pytest.mark.django_db
def test_a_network_error_is_retried(
    settings, company_user, commission_staff, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.COMMISSION_INTAKE_URL = f"http://127.0.0.1:{port}/offers"
    _offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=False):
        assert routing.deliver(delivery.pk) == DeliveryStatus.PENDING

    delivery.refresh_from_db()
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error


@pytest.mark.django_db
def test_a_claimed_delivery_is_not_sent_twice(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    _offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)
    assert routing._claim(delivery.pk)

    assert routing.deliver(delivery.pk) == "skipped"
    assert intake.requests == []


@pytest.mark.django_db
def test_the_sweeper_frees_stale_claims_and_queues_due_deliveries(
    company_user, commission_staff, django_capture_on_commit_callbacks
):
    _offer, stuck = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)
    accepted(company_user, commission_staff, django_capture_on_commit_callbacks)
    Delivery.objects.filter(pk=stuck.pk).update(
        status=DeliveryStatus.SENDING,
        claimed_at=timezone.now() - routing.STALE_CLAIM - timedelta(seconds=1),
    )

    with django_capture_on_commit_callbacks(execute=False):
        assert routing.sweep(batch=10) == 2

    stuck.refresh_from_db()
    assert stuck.status == DeliveryStatus.PENDING


def test_backoff_grows_with_jitter_and_is_capped(settings):
    settings.ROUTING_BACKOFF_SECONDS = 2
    first = [routing.backoff(1) for _ in range(50)]
    fourth = [routing.backoff(4) for _ in range(50)]

    assert all(1 <= d <= 2 for d in first)
    assert all(8 <= d <= 16 for d in fourth)
    assert len(set(first)) > 1  # jitter
    assert routing.backoff(40) <= 3600
