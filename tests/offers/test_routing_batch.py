"""Delivering in batches: a delivery task claims its own delivery and other due ones in one
statement, sends each over the same connection, and records the results in bulk.

Batches are claimed so on PostgreSQL (``FOR UPDATE SKIP LOCKED``), which these tests run on;
on SQLite, the embedded default where tasks run eagerly, a task claims its own delivery only
(``tests/offers/test_routing.py`` covers that path)."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from offers import routing
from offers.models import Delivery, DeliveryStatus, Destination, Offer, OfferStatus
from offers.routing import sending
from offers.services import offers_mark_routed
from offers.tasks import deliver_offer
from tests.offers.factories import make_offer


class KeyedRecorder(BaseHTTPRequestHandler):
    """A kept-alive intake that answers each delivery by its idempotency key (200 unless
    ``server.answers`` says otherwise), with a body naming the key."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        key = self.headers["Idempotency-Key"]
        self.server.requests.append((key, body))
        self.server.peers.add(self.client_address)
        status = self.server.answers.get(key, 200)
        answer = f"received {key}".encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture
def intake(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeyedRecorder)
    server.requests, server.answers, server.peers = [], {}, set()
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.COMMISSION_INTAKE_URL = f"http://127.0.0.1:{server.server_address[1]}/offers"
    settings.COMMISSION_INTAKE_SECRET = "default-secret"
    settings.ROUTING_MAX_ATTEMPTS = 3
    yield server
    server.shutdown()
    server.server_close()


def accepted_deliveries(company_user, staff, capture, n: int) -> list[Delivery]:
    """``n`` offers accepted, their deliveries pending and not yet attempted (the tasks the
    acceptances queue are captured, not run)."""
    with capture(execute=False):
        offers = [
            make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=staff) for _ in range(n)
        ]
    return [Delivery.objects.get(offer=offer) for offer in offers]


def keys(deliveries: list[Delivery]) -> list[str]:
    return [str(delivery.idempotency_key) for delivery in deliveries]


@pytest.mark.django_db
def test_one_task_sends_the_due_deliveries_of_others_once_each_and_routes_their_offers(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    deliveries = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 3
    )
    first, second, third = deliveries

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert deliver_offer(second.pk) == DeliveryStatus.DELIVERED
        # The tasks queued for the other two find their deliveries sent: nothing to do.
        assert deliver_offer(first.pk) == "skipped"
        assert deliver_offer(third.pk) == "skipped"

    assert callbacks == []  # no retry queued, no e-mail, no matching
    sent = [key for key, _body in intake.requests]
    assert sent[0] == str(second.idempotency_key)  # the task's own delivery first
    assert sorted(sent) == sorted(keys(deliveries))  # each once
    assert len(intake.peers) == 1  # over one kept-alive connection
    for delivery in deliveries:
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert (delivery.attempts, delivery.last_response_status) == (1, 200)
        # Each row keeps its own answer, though they were recorded in one update.
        assert delivery.last_response_body == f"received {delivery.idempotency_key}"
        assert delivery.claimed_at is None
        offer = delivery.offer
        assert offer.status == OfferStatus.ROUTED
        assert list(offer.transitions.values_list("from_status", "to_status", "by")) == [
            (OfferStatus.DRAFT, OfferStatus.SUBMITTED, company_user.pk),
            (OfferStatus.SUBMITTED, OfferStatus.UNDER_REVIEW, commission_staff.pk),
            (OfferStatus.UNDER_REVIEW, OfferStatus.ACCEPTED, commission_staff.pk),
            (OfferStatus.ACCEPTED, OfferStatus.ROUTED, None),
        ]


@pytest.mark.django_db
def test_a_batch_takes_the_same_queries_however_many_it_sends(
    intake,
    company_user,
    commission_staff,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    small = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 2
    )
    # The claim, the deliveries with their offers (…), the duplicates' clusters; then the
    # results and the "routed" transitions in one transaction (begin, update, savepoint, the
    # offers locked, updated, their history, release, commit).
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(11):
        assert routing.deliver_batch(small[0].pk) == dict.fromkeys(
            [d.pk for d in small], DeliveryStatus.DELIVERED
        )

    large = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 7
    )
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(11):
        assert routing.deliver_batch(large[3].pk) == dict.fromkeys(
            [large[3].pk] + [d.pk for d in large if d != large[3]], DeliveryStatus.DELIVERED
        )
    assert len(intake.requests) == 9
    assert Offer.objects.filter(status=OfferStatus.ROUTED).count() == 9


@pytest.mark.django_db
def test_a_failing_delivery_in_a_batch_does_not_stop_the_others(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    ok, unavailable, refused, down, also_ok = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 5
    )
    intake.answers = {str(unavailable.idempotency_key): 503, str(refused.idempotency_key): 400}
    nowhere = Destination.objects.create(
        name="DG nowhere", intake_url="http://127.0.0.1:9/offers", secret="s"
    )
    Delivery.objects.filter(pk=down.pk).update(destination=nowhere, destination_name=nowhere.name)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        statuses = routing.deliver_batch(ok.pk)

    assert statuses == {
        ok.pk: DeliveryStatus.DELIVERED,
        unavailable.pk: DeliveryStatus.PENDING,  # 5xx: retried later
        refused.pk: DeliveryStatus.FAILED,  # 4xx: for staff to look at
        down.pk: DeliveryStatus.PENDING,  # connection refused: retried later
        also_ok.pk: DeliveryStatus.DELIVERED,
    }
    assert len(callbacks) == 2  # the two retries queued, with their backoff
    by_pk = {d.pk: d for d in Delivery.objects.select_related("offer")}
    assert by_pk[unavailable.pk].last_error == "HTTP 503"
    assert by_pk[unavailable.pk].next_attempt_at > timezone.now()
    assert by_pk[refused.pk].last_response_status == 400
    assert "refused" in by_pk[down.pk].last_error or "Connection" in by_pk[down.pk].last_error
    routed = {pk for pk, d in by_pk.items() if d.offer.status == OfferStatus.ROUTED}
    assert routed == {ok.pk, also_ok.pk}
    assert all(d.attempts == 1 and d.claimed_at is None for d in by_pk.values())

    # The last attempt of one that keeps failing makes it dead; the others are not touched.
    Delivery.objects.filter(pk=unavailable.pk).update(next_attempt_at=timezone.now(), attempts=2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert routing.deliver_batch(unavailable.pk, limit=1) == {
            unavailable.pk: DeliveryStatus.DEAD
        }
    assert callbacks == []


@pytest.mark.django_db
def test_a_batch_stops_taking_deliveries_when_its_time_budget_is_spent(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks, settings
):
    deliveries = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 4
    )
    # One more POST at its full timeout would outlast the budget: only the first is sent.
    settings.ROUTING_BATCH_SECONDS = settings.ROUTING_TIMEOUT_SECONDS - 0.5

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert routing.deliver_batch(deliveries[0].pk) == {
            deliveries[0].pk: DeliveryStatus.DELIVERED
        }

    assert [key for key, _body in intake.requests] == keys(deliveries[:1])
    # The rest is handed back, due now and not counted as attempted, and one task is queued
    # for them all (a task claims every due delivery): it sends them.
    assert len(callbacks) == 1
    for delivery in deliveries[1:]:
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.claimed_at) == (
            DeliveryStatus.PENDING,
            0,
            None,
        )
        assert delivery.next_attempt_at <= timezone.now()
    settings.ROUTING_BATCH_SECONDS = 30
    with django_capture_on_commit_callbacks(execute=True):
        callbacks[0]()
    assert sorted(key for key, _body in intake.requests) == sorted(keys(deliveries))


@pytest.mark.django_db
def test_a_batch_cut_short_by_the_soft_time_limit_records_what_it_sent_and_hands_back_the_rest(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    deliveries = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 3
    )
    real_post, calls = sending.post, []

    def post_then_time_out(*args, **kwargs):
        # Celery raises this in the task when its soft time limit passes, here mid-POST.
        calls.append(args)
        if len(calls) == 2:
            raise SoftTimeLimitExceeded()
        return real_post(*args, **kwargs)

    monkeypatch.setattr(sending, "post", post_then_time_out)

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(SoftTimeLimitExceeded),
    ):
        routing.deliver_batch(deliveries[0].pk)

    first, second, third = (
        Delivery.objects.select_related("offer").get(pk=d.pk) for d in deliveries
    )
    assert (first.status, first.offer.status) == (DeliveryStatus.DELIVERED, OfferStatus.ROUTED)
    for delivery in (second, third):
        assert (delivery.status, delivery.attempts, delivery.claimed_at) == (
            DeliveryStatus.PENDING,
            0,
            None,
        )
        assert delivery.offer.status == OfferStatus.ACCEPTED
    assert callbacks == []  # left for the sweeper, which finds them due
    with django_capture_on_commit_callbacks(execute=False):
        assert routing.sweep(batch=10) == 2


@pytest.mark.django_db
def test_a_batch_leaves_alone_deliveries_not_due_taken_or_finished(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks
):
    own, later, taken, failed, other = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 5
    )
    Delivery.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    Delivery.objects.filter(pk=taken.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=1
    )
    Delivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED, attempts=1)

    with django_capture_on_commit_callbacks(execute=False):
        # Its own delivery already taken, the task still sends the due ones nobody holds (it
        # may stand for deliveries that queued no task of their own), and only those.
        assert routing.deliver_batch(taken.pk) == {
            own.pk: DeliveryStatus.DELIVERED,
            other.pk: DeliveryStatus.DELIVERED,
        }
        # The task queued for "own" finds nothing left to send.
        assert deliver_offer(own.pk) == "skipped"

    assert sorted(key for key, _body in intake.requests) == sorted(keys([own, other]))
    assert set(
        Delivery.objects.filter(status=DeliveryStatus.DELIVERED).values_list("pk", flat=True)
    ) == {own.pk, other.pk}
    taken.refresh_from_db()
    assert taken.status == DeliveryStatus.SENDING  # still the other worker's


@pytest.mark.django_db
def test_marking_routed_in_bulk_moves_only_accepted_offers_and_records_each(
    company_user, commission_staff, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False):
        first, second = (
            make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=commission_staff)
            for _ in range(2)
        )
        reviewed = make_offer(
            by=company_user, status=OfferStatus.UNDER_REVIEW, staff=commission_staff
        )
        draft = make_offer(by=company_user)
    mailoutbox.clear()
    before = {o.pk: o.transitions.count() for o in (first, second, reviewed, draft)}

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        routed = offers_mark_routed(
            offer_ids=[draft.pk, second.pk, reviewed.pk, first.pk], note="Delivered."
        )

    assert routed == sorted([first.pk, second.pk])
    for offer in (first, second):
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ROUTED
        assert offer.transitions.count() == before[offer.pk] + 1
        last = offer.transitions.last()
        assert (last.from_status, last.to_status, last.by, last.note) == (
            OfferStatus.ACCEPTED,
            OfferStatus.ROUTED,
            None,
            "Delivered.",
        )
    for offer, status in ((reviewed, OfferStatus.UNDER_REVIEW), (draft, OfferStatus.DRAFT)):
        offer.refresh_from_db()
        assert offer.status == status  # refused: the table has no way there from here
        assert offer.transitions.count() == before[offer.pk]
    # The portal's own "routed" tells nobody and changes no match.
    assert callbacks == []
    assert mailoutbox == []

    # Already routed: nothing moves again, no second history row.
    assert offers_mark_routed(offer_ids=[first.pk]) == []
    assert first.transitions.count() == before[first.pk] + 1


@pytest.mark.django_db
def test_marking_routed_in_bulk_follows_the_lifecycle_table(monkeypatch, company_user):
    from offers import transitions

    table = dict(transitions.TRANSITIONS)
    table[(OfferStatus.ACCEPTED, OfferStatus.ROUTED)] = frozenset({transitions.STAFF})
    monkeypatch.setattr("offers.services.offers.TRANSITIONS", table)

    with pytest.raises(PermissionDenied):
        offers_mark_routed(offer_ids=[make_offer(by=company_user).pk])


# --- two workers claiming at once: real connections, committed rows ---------------------


def due(offers: list[Offer]) -> list[int]:
    """The offers' deliveries, pending and due (the eager tasks that accepting them ran found
    no intake and put them off), by id."""
    deliveries = Delivery.objects.filter(offer__in=offers)
    deliveries.update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
    )
    return list(deliveries.order_by("pk").values_list("pk", flat=True))


def _in_thread(target, *args):
    """Run ``target`` in a thread with its own database connection; returns a function that
    waits for it and gives its result (or raises its exception)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = target(*args)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()

    def result():
        thread.join(timeout=60)
        assert not thread.is_alive()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return result


@pytest.mark.django_db(transaction=True)
def test_a_row_another_claim_holds_is_skipped_not_shared(company_user, commission_staff):
    offers = [
        make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=commission_staff)
        for _ in range(8)
    ]
    ids = due(offers)
    claimed_first, release = threading.Event(), threading.Event()

    def hold_a_claim():
        # A batch claims five rows and has not committed yet.
        with transaction.atomic():
            claimed = routing.claim_batch(ids[0], 5)
            claimed_first.set()
            assert release.wait(timeout=30)
        return claimed

    first = _in_thread(hold_a_claim)
    assert claimed_first.wait(timeout=30)
    # Meanwhile another worker's task finds its own delivery held by the first: it takes the
    # rows nobody holds, at once, without waiting for the first to finish.
    held = _in_thread(routing.claim_batch, ids[1], 5)
    held_claimed, held_full = held()
    # And one more finds nothing left: an empty claim, at once.
    nothing = _in_thread(routing.claim_batch, ids[6], 5)
    assert nothing() == ([], False)
    release.set()
    first_claimed, first_full = first()

    assert (first_claimed, first_full) == (ids[:5], True)
    assert (held_claimed, held_full) == (ids[5:], False)  # three of the four it could take
    assert Delivery.objects.filter(status=DeliveryStatus.SENDING, attempts=1).count() == 8


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_the_same_time_never_share_a_row(company_user, commission_staff):
    offers = [
        make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=commission_staff)
        for _ in range(60)
    ]
    ids = due(offers)
    start = threading.Barrier(4)

    def claim_until_none(own_ids):
        start.wait(timeout=30)
        claimed = []
        for own in own_ids:  # each worker's tasks, one after the other
            claimed += routing.claim_batch(own, 7)[0]
        return claimed

    # Four workers, each with its share of the tasks (one per delivery), all at once.
    workers = [_in_thread(claim_until_none, ids[i::4]) for i in range(4)]
    claims = [worker() for worker in workers]

    every = [pk for claimed in claims for pk in claimed]
    assert sorted(every) == ids  # each row claimed by exactly one worker, none left out
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENDING, 1)}


@pytest.mark.django_db
def test_the_sweeper_queues_a_task_per_batch_and_they_send_every_due_delivery(
    intake, company_user, commission_staff, django_capture_on_commit_callbacks, settings
):
    from celery.signals import task_prerun

    deliveries = accepted_deliveries(
        company_user, commission_staff, django_capture_on_commit_callbacks, 7
    )
    settings.ROUTING_BATCH_SIZE = 3
    started = []

    def record(sender=None, args=None, **_kwargs):
        started.append((sender.name, tuple(args or ())))

    task_prerun.connect(record, weak=False)
    try:
        assert routing.sweep(batch=100) == 7
    finally:
        task_prerun.disconnect(record)

    ids = [delivery.pk for delivery in deliveries]
    # Three tasks for seven due deliveries, each led by the first of its share.
    assert started == [("offers.deliver_offer", (pk,)) for pk in (ids[0], ids[3], ids[6])]
    assert sorted(key for key, _body in intake.requests) == sorted(keys(deliveries))
    assert Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 7
