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
    assert routing.claim_one(delivery.pk)

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


# --- what a delivery costs: queries, side effects, connections --------------------------


@pytest.fixture
def tasks_run():
    """The names of the tasks run (eagerly, in tests) while the test runs."""
    from celery.signals import task_prerun

    names = []

    def record(sender=None, **kwargs):
        names.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield names
    task_prerun.disconnect(record)


@pytest.mark.django_db
def test_a_delivery_takes_the_same_queries_however_many_clusters_channelled_it(
    intake,
    cluster_manager,
    commission_staff,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    import jsonschema

    from offers.services import offer_mark_duplicate

    north, south, east = (make_cluster(by=cluster_manager) for _ in range(3))
    offer, delivery = accepted(
        cluster_manager, commission_staff, django_capture_on_commit_callbacks, cluster=north
    )
    for cluster in (south, east):
        again = make_offer(
            by=cluster_manager,
            cluster=cluster,
            status=OfferStatus.UNDER_REVIEW,
            staff=commission_staff,
        )
        offer_mark_duplicate(offer=again, original=offer, by=commission_staff)

    # The claim, the delivery with its offer, category, cluster, destination and acceptance
    # time, the duplicates' clusters; then the result and the "routed" transition, in one
    # transaction (begin, update, savepoint, the offer locked, updated, its history, release,
    # commit).
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(11):
        assert routing.deliver(delivery.pk) == DeliveryStatus.DELIVERED

    document = json.loads(intake.requests[0][1])
    jsonschema.validate(document, routing.PAYLOAD_SCHEMA)
    assert document["channelling_clusters"][0] == north.name  # the original's own cluster first
    assert sorted(document["channelling_clusters"]) == sorted([north.name, south.name, east.name])
    accepted_at = offer.transitions.get(to_status=OfferStatus.ACCEPTED).at
    assert document["accepted_at"] == accepted_at.isoformat()
    assert document["category"] == {
        "slug": "ppe-masks",
        "name": offer.category.name,
        "parent": "ppe",
    }
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ROUTED


@pytest.mark.django_db
def test_the_portal_routing_an_offer_sends_no_email_and_no_matching(
    intake,
    company_user,
    commission_staff,
    django_capture_on_commit_callbacks,
    tasks_run,
    mailoutbox,
):
    offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert routing.deliver(delivery.pk) == DeliveryStatus.DELIVERED

    offer.refresh_from_db()
    assert offer.status == OfferStatus.ROUTED
    assert offer.transitions.last().by is None
    # The poster was told of the acceptance; the portal's "routed" follows it by seconds.
    assert callbacks == []
    assert tasks_run == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_staff_routing_an_offer_by_hand_still_tell_the_poster(
    company_user, commission_staff, django_capture_on_commit_callbacks, mailoutbox
):
    from offers.services import offer_transition

    offer, _delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        offer_transition(offer=offer, to_status=OfferStatus.ROUTED, by=commission_staff)

    assert [m.to for m in mailoutbox] == [[company_user.email]]
    assert "routed" in mailoutbox[0].subject


@pytest.mark.django_db
def test_matches_are_recomputed_only_when_an_offer_becomes_a_candidate_or_stops_being_one(
    company_user, commission_staff, django_capture_on_commit_callbacks, tasks_run
):
    from offers.models import MATCHABLE_OFFER_STATUSES
    from offers.services import offer_transition

    offer = make_offer(by=company_user, status=OfferStatus.SUBMITTED)
    recomputed = []
    for to_status in (
        OfferStatus.UNDER_REVIEW,
        OfferStatus.ACCEPTED,
        OfferStatus.ROUTED,
        OfferStatus.CLOSED,
    ):
        tasks_run.clear()
        with django_capture_on_commit_callbacks(execute=True):
            offer = offer_transition(offer=offer, to_status=to_status, by=commission_staff)
        recomputed.append((to_status, tasks_run.count("offers.recompute_offer_matches")))

    # Matching reads whether the status is a candidate's, never which one it is.
    assert {OfferStatus.UNDER_REVIEW, OfferStatus.ACCEPTED, OfferStatus.ROUTED} == set(
        MATCHABLE_OFFER_STATUSES
    )
    assert recomputed == [
        (OfferStatus.UNDER_REVIEW, 1),
        (OfferStatus.ACCEPTED, 0),
        (OfferStatus.ROUTED, 0),
        (OfferStatus.CLOSED, 1),
    ]


class KeepAliveRecorder(Recorder):
    """An HTTP/1.1 intake that keeps connections open, and notes which one each POST used."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.server.peers.append(self.client_address)
        super().do_POST()
        # Told to, it closes the connection after answering, without saying so: the client
        # finds out only when it sends the next request on it.
        if self.server.drop_after_answer:
            self.close_connection = True


@pytest.fixture
def keep_alive_intake(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAliveRecorder)
    server.requests, server.answers, server.peers = [], [], []
    server.drop_after_answer = False
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.COMMISSION_INTAKE_URL = f"http://127.0.0.1:{server.server_address[1]}/offers"
    settings.COMMISSION_INTAKE_SECRET = "default-secret"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_deliveries_reuse_one_connection_to_the_intake(
    keep_alive_intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    deliveries = [
        accepted(company_user, commission_staff, django_capture_on_commit_callbacks)[1]
        for _ in range(3)
    ]

    with django_capture_on_commit_callbacks(execute=False):
        assert [routing.deliver(d.pk) for d in deliveries] == [DeliveryStatus.DELIVERED] * 3

    assert len(keep_alive_intake.requests) == 3
    assert len(set(keep_alive_intake.peers)) == 1  # one TCP connection (the same client port)


@pytest.mark.django_db
def test_a_connection_the_intake_closed_meanwhile_is_replaced_and_the_offer_sent_once(
    keep_alive_intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    first, second = (
        accepted(company_user, commission_staff, django_capture_on_commit_callbacks)[1]
        for _ in range(2)
    )
    keep_alive_intake.drop_after_answer = True

    with django_capture_on_commit_callbacks(execute=False):
        assert routing.deliver(first.pk) == DeliveryStatus.DELIVERED
        assert routing.deliver(second.pk) == DeliveryStatus.DELIVERED

    keys = [headers["Idempotency-Key"] for headers, _body in keep_alive_intake.requests]
    assert keys == [str(first.idempotency_key), str(second.idempotency_key)]
    assert len(set(keep_alive_intake.peers)) == 2
    second.refresh_from_db()
    assert (second.attempts, second.last_error) == (1, "")


@pytest.mark.django_db
def test_a_redirect_is_not_followed_and_fails_for_good(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    intake.answers = [302]
    offer, delivery = accepted(company_user, commission_staff, django_capture_on_commit_callbacks)

    assert routing.deliver(delivery.pk) == DeliveryStatus.FAILED

    delivery.refresh_from_db()
    offer.refresh_from_db()
    assert (delivery.last_response_status, delivery.last_error) == (302, "HTTP 302")
    assert len(intake.requests) == 1
    assert offer.status == OfferStatus.ACCEPTED
