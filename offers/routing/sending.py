"""Sending deliveries: a task claims a batch of due deliveries, signs and POSTs each over a
kept-alive connection, and records the results in bulk.

Each delivery is sent at most once at a time (the claim) and recorded once by the intake
(its idempotency key), so a batch repeated after a crash is harmless. A delivery that fails
is retried with backoff, then dead; staff see why."""

from __future__ import annotations

import http.client
import json
import random
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Field, OuterRef, Subquery, Value, When
from django.utils import timezone

from offers.models import Delivery, DeliveryStatus, Destination, OfferStatus, OfferTransition
from offers.routing.claims import claim_batch, claim_one
from offers.routing.payload import duplicates_clusters, payload, sign
from offers.routing.queueing import TASK, queue_delivery, queue_due
from offers.routing.transport import USER_AGENT, post
from portal.core.coalesce import task_started

# A delivery task sends its own delivery and up to ROUTING_BATCH_SIZE - 1 other due ones,
# claimed in one statement, and starts no POST that could end, at its full timeout, more than
# ROUTING_BATCH_SECONDS after the batch began: the rest of the batch is handed back and queued
# again. With the 10 s timeout and 30 s, the last POST starts before 20 s and ends by 30 s,
# well under the task's soft (45 s) and hard (60 s) time limits, whatever the batch size.
ROUTED_NOTE = "Delivered to the Commission."


def deliver(delivery_id: int) -> str:
    """One attempt at this delivery alone: claim, POST, record. Returns the delivery's status
    afterwards (or ``"skipped"`` when another worker has it or it is not due).

    Three queries before the POST (the claim, the delivery with its offer, the duplicates'
    clusters) and, once delivered, one transaction that records it and marks the offer
    routed."""
    if not claim_one(delivery_id):
        return "skipped"
    return _send([delivery_id]).get(delivery_id, "skipped")


def deliver_batch(delivery_id: int | None, *, limit: int | None = None) -> dict[int, str]:
    """What the delivery task does: claim this delivery (if given) and other due ones
    (``claim_batch``), send each, and record the results; returns each claimed delivery's
    status afterwards. A delivery another batch already took is simply not among them.

    When the batch is full, the next task is queued before this one sends, so another worker
    process claims the next batch meanwhile (not with eager tasks: they have no other
    process, and would run it here, nested). The same queries as ``deliver`` for the whole
    batch, whatever its size, when every POST succeeds; one more update for each delivery that
    fails."""
    task_started(TASK)  # before the claim: a delivery committed from now on queues a task
    claimed, full = claim_batch(delivery_id, limit or int(settings.ROUTING_BATCH_SIZE))
    if full and not settings.CELERY_TASK_ALWAYS_EAGER:
        queue_due()
    return _send(claimed) if claimed else {}


def _send(delivery_ids: list[int]) -> dict[int, str]:
    """POST each claimed delivery in turn, then record the results. Those not sent when the
    time budget runs out, or when something unexpected stops the batch, are handed back."""
    started = time.monotonic()
    budget = settings.ROUTING_BATCH_SECONDS
    deliveries = _for_sending(delivery_ids)
    clusters = duplicates_clusters([delivery.offer_id for delivery in deliveries])
    outcomes: list[tuple[Delivery, dict[str, Any]]] = []
    unsent = deliveries[::-1]  # popped from the end: in order
    interrupted = True
    try:
        while unsent:
            if outcomes and (
                time.monotonic() - started + settings.ROUTING_TIMEOUT_SECONDS > budget
            ):
                break
            delivery = unsent[-1]
            outcomes.append((delivery, _attempt(delivery, clusters[delivery.offer_id])))
            unsent.pop()
        interrupted = False
    finally:
        # Also when the soft time limit (or a bug) interrupts the batch: what was sent is
        # recorded, and what was not is pending again (the one being sent too: were it
        # received, its idempotency key makes the repeat harmless). Then it is left for the
        # sweeper rather than queued at once: a bug would otherwise loop, eager tasks deepest.
        statuses = _record(outcomes)
        _release(unsent, queue=not interrupted)
    return statuses


def _for_sending(delivery_ids: list[int]) -> list[Delivery]:
    """The deliveries with all that their payloads and requests need, in one query: each
    one's offer, the offer's category (and parent) and cluster, its destination, and the
    acceptance time. In the order of ``delivery_ids``."""
    accepted_at = (
        OfferTransition.objects.filter(offer=OuterRef("offer_id"), to_status=OfferStatus.ACCEPTED)
        .order_by("-at")
        .values("at")[:1]
    )
    found = {
        delivery.pk: delivery
        for delivery in Delivery.objects.select_related(
            "destination", "offer__category__parent", "offer__cluster"
        )
        .annotate(accepted_at=Subquery(accepted_at))
        .filter(pk__in=delivery_ids)
    }
    return [found[pk] for pk in delivery_ids if pk in found]


def _endpoint(delivery: Delivery) -> tuple[str, str]:
    if delivery.destination_id:
        destination: Destination = delivery.destination  # type: ignore[assignment]
        return destination.intake_url, destination.secret
    return settings.COMMISSION_INTAKE_URL, settings.COMMISSION_INTAKE_SECRET


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential, with full jitter, capped at an hour."""
    ceiling = min(3600.0, settings.ROUTING_BACKOFF_SECONDS * (2 ** max(0, attempts - 1)))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311  # jitter, not cryptography


def _attempt(delivery: Delivery, duplicates_clusters: list[str]) -> dict[str, Any]:
    """Sign and POST one delivery; the outcome, for ``_outcome_fields``."""
    url, secret = _endpoint(delivery)
    if not url:
        return {"retry": True, "error": "No intake URL is configured for this destination."}
    document = payload(delivery, duplicates_clusters=duplicates_clusters)
    body = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(delivery.idempotency_key),
        "X-Signature": sign(body, secret),
        "User-Agent": USER_AGENT,
    }
    try:
        status, answer = post(url, body, headers, settings.ROUTING_TIMEOUT_SECONDS)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        # network errors, timeouts, a broken answer, a malformed URL
        return {"retry": True, "error": f"{type(exc).__name__}: {exc}"}
    if 200 <= status < 300:
        return {"status": status, "body": answer}
    # 3xx too fails for good: a POST is not followed to another address (staff fix the URL).
    retry = status in (408, 429) or status >= 500
    return {"status": status, "body": answer, "retry": retry, "error": f"HTTP {status}"}


def _outcome_fields(
    delivery: Delivery,
    *,
    now: Any,
    status: int | None = None,
    body: bytes = b"",
    retry: bool = False,
    error: str = "",
) -> dict[str, Any]:
    """The delivery's fields after this attempt: delivered (2xx), pending again with backoff
    (retry, attempts left), dead (retry, none left) or failed."""
    fields: dict[str, Any] = {
        "last_response_status": status,
        "last_response_body": body.decode("utf-8", "replace")[:2000],
        "last_error": error,
        "claimed_at": None,
    }
    if status is not None and 200 <= status < 300:
        fields |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now, "last_error": ""}
    elif retry and delivery.attempts < settings.ROUTING_MAX_ATTEMPTS:
        fields |= {
            "status": DeliveryStatus.PENDING,
            "next_attempt_at": now + timedelta(seconds=backoff(delivery.attempts)),
        }
    else:
        fields["status"] = DeliveryStatus.DEAD if retry else DeliveryStatus.FAILED
    return fields


def _record(outcomes: list[tuple[Delivery, dict[str, Any]]]) -> dict[int, str]:
    """Record the attempts' results: the delivered ones in one update, in one transaction
    with their offers marked routed; each other one on its own (and queued again when it is
    to be retried). Only rows still claimed are written."""
    from offers.services import offers_mark_routed

    now = timezone.now()
    statuses: dict[int, str] = {}
    delivered: list[tuple[Delivery, dict[str, Any]]] = []
    for delivery, outcome in outcomes:
        fields = _outcome_fields(delivery, now=now, **outcome)
        statuses[delivery.pk] = str(fields["status"])
        if fields["status"] == DeliveryStatus.DELIVERED:
            delivered.append((delivery, fields))
            continue
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(**fields)
        if fields["status"] == DeliveryStatus.PENDING:
            delivery_id = delivery.pk
            delay = (fields["next_attempt_at"] - now).total_seconds()
            transaction.on_commit(
                lambda delivery_id=delivery_id, delay=delay: queue_delivery(  # type: ignore[misc]
                    delivery_id, countdown=delay
                )
            )
    if delivered:
        with transaction.atomic():
            Delivery.objects.filter(
                pk__in=[delivery.pk for delivery, _ in delivered], status=DeliveryStatus.SENDING
            ).update(
                status=DeliveryStatus.DELIVERED,
                delivered_at=now,
                last_error="",
                claimed_at=None,
                last_response_status=_by_row(delivered, "last_response_status"),
                last_response_body=_by_row(delivered, "last_response_body"),
            )
            # If an offer moved meanwhile (e.g. expired), its delivery is still recorded.
            offers_mark_routed(offer_ids=[d.offer_id for d, _ in delivered], note=ROUTED_NOTE)
    return statuses


def _by_row(rows: list[tuple[Delivery, dict[str, Any]]], name: str) -> Any:
    """One field's new value for each row of a bulk update: the value itself when the rows
    share it, else ``CASE id WHEN … THEN …``."""
    values = {delivery.pk: fields[name] for delivery, fields in rows}
    if len(set(values.values())) == 1:
        return next(iter(values.values()))
    field = Delivery._meta.get_field(name)
    assert isinstance(field, Field)  # a column of the table, not a relation
    return Case(
        *(When(pk=pk, then=Value(value, output_field=field)) for pk, value in values.items()),
        output_field=field,
    )


def _release(deliveries: list[Delivery], *, queue: bool = True) -> None:
    """Hand claimed deliveries back unsent: pending and due, the claim's attempt not counted,
    and a task queued for them (unless ``queue`` is false: the sweeper queues them)."""
    if not deliveries:
        return
    ids = [delivery.pk for delivery in deliveries]
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING,
        claimed_at=None,
        attempts=F("attempts") - 1,
        next_attempt_at=timezone.now(),
    )
    if queue:
        transaction.on_commit(lambda: queue_due(ids[0]))
