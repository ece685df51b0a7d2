"""Routing accepted offers to the Commission: the rule that picks a destination, the outbox
row written with the acceptance, and the delivery that signs and POSTs it.

The guarantee: every accepted offer arrives, exactly once. The outbox row is written in the
accepting transaction; a task sends it after commit; a periodic sweeper sends what the fast
path missed. Sending is claimed with a conditional update, so two workers never send the same
row at once, and the intake records each idempotency key once, so a send repeated after a
crash is harmless.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Field, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from offers.models import (
    Delivery,
    DeliveryStatus,
    Destination,
    Offer,
    OfferStatus,
    OfferTransition,
    RoutingRule,
)

logger = logging.getLogger(__name__)

PAYLOAD_VERSION = 1
DEFAULT_DESTINATION_NAME = "Commission intake (default)"
# A "sending" claim older than this is a worker that died mid-send: the sweeper frees it.
STALE_CLAIM = timedelta(minutes=5)
USER_AGENT = "ClustersResponsePortal/1 (+routing)"
# A delivery task sends its own delivery and up to ROUTING_BATCH_SIZE - 1 other due ones,
# claimed in one statement, and starts no POST that could end, at its full timeout, more than
# ROUTING_BATCH_SECONDS after the batch began: the rest of the batch is handed back and queued
# again. With the 10 s timeout and 30 s, the last POST starts before 20 s and ends by 30 s,
# well under the task's soft (45 s) and hard (60 s) time limits, whatever the batch size.
ROUTED_NOTE = "Delivered to the Commission."

# The documented payload (version 1), as JSON Schema. Bump PAYLOAD_VERSION on any change.
PAYLOAD_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Offer routed to a Commission service",
    "type": "object",
    "required": [
        "version",
        "idempotency_key",
        "offer_id",
        "title",
        "description",
        "company",
        "category",
        "quantity",
        "unit",
        "lead_time_days",
        "delivery_countries",
        "certifications",
        "valid_until",
        "contact",
        "channelling_clusters",
        "accepted_at",
        "destination",
    ],
    "additionalProperties": False,
    "properties": {
        "version": {"const": PAYLOAD_VERSION},
        "idempotency_key": {"type": "string", "format": "uuid"},
        "offer_id": {"type": "integer"},
        "url": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "product_details": {"type": "string"},
        "company": {
            "type": "object",
            "required": ["name", "country", "size", "registration_number"],
            "properties": {
                "name": {"type": "string"},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "size": {"enum": ["sme", "large"]},
                "registration_number": {"type": "string"},
            },
        },
        "category": {
            "type": "object",
            "required": ["slug", "name"],
            "properties": {
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "parent": {"type": ["string", "null"]},
            },
        },
        "quantity": {"type": "string"},
        "unit": {"type": "string"},
        "capacity_per_week": {"type": ["string", "null"]},
        "lead_time_days": {"type": ["integer", "null"]},
        "delivery_countries": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Z]{2}$"},
        },
        "certifications": {"type": "array", "items": {"type": "string"}},
        "price_indication": {"type": "string"},
        "valid_until": {"type": "string", "format": "date"},
        "contact": {
            "type": "object",
            "required": ["name", "email"],
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string"},
                "phone": {"type": "string"},
            },
        },
        "channelling_clusters": {"type": "array", "items": {"type": "string"}},
        "accepted_at": {"type": "string", "format": "date-time"},
        "destination": {"type": "string"},
    },
}


# --- deciding ---------------------------------------------------------------------------


def rule_for(offer: Offer) -> RoutingRule | None:
    """The first active rule, by priority, whose every condition the offer meets."""
    cluster = offer.cluster
    ecosystems = set(cluster.ecosystems.values_list("pk", flat=True)) if cluster else set()
    rules = (
        RoutingRule.objects.filter(active=True)
        .select_related("destination", "category")
        .filter(
            Q(category__isnull=True)
            | Q(category=offer.category_id)
            | Q(category=offer.category.parent_id)
        )
    )
    for rule in rules.order_by("priority", "pk"):
        if rule.ecosystem_id is not None and rule.ecosystem_id not in ecosystems:
            continue
        if rule.country and str(rule.country) != str(offer.company_country):
            continue
        return rule
    return None


def delivery_create(*, offer: Offer) -> Delivery:
    """In the accepting transaction: decide the destination and write the outbox row.

    The task that sends it is queued after commit; a rolled-back acceptance sends nothing."""
    rule = rule_for(offer)
    destination = rule.destination if rule else None
    delivery, _created = Delivery.objects.update_or_create(
        offer=offer,
        defaults={
            "destination": destination,
            "rule": rule,
            "destination_name": destination.name if destination else DEFAULT_DESTINATION_NAME,
            "payload_version": PAYLOAD_VERSION,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": timezone.now(),
            "claimed_at": None,
        },
        create_defaults={
            "destination": destination,
            "rule": rule,
            "destination_name": destination.name if destination else DEFAULT_DESTINATION_NAME,
            "payload_version": PAYLOAD_VERSION,
            "idempotency_key": uuid.uuid4(),
            "next_attempt_at": timezone.now(),
        },
    )
    delivery_id = delivery.pk
    transaction.on_commit(lambda: queue_delivery(delivery_id))
    return delivery


def queue_delivery(delivery_id: int, countdown: float | None = None) -> None:
    """Hand a delivery to a worker. If the broker is down, the sweeper will do it later: an
    accepted offer must never fail because Redis is away."""
    from offers.tasks import deliver_offer

    try:
        deliver_offer.apply_async((delivery_id,), countdown=countdown or 0)
    except Exception:  # the broker's errors vary by transport; all mean "not queued now"
        logger.warning(
            "delivery %s not queued; the sweeper will send it", delivery_id, exc_info=True
        )


# --- sending ----------------------------------------------------------------------------


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


def _duplicates_clusters(offer_ids: list[int]) -> dict[int, list[str]]:
    """The clusters that channelled duplicates of these offers, by offer, in one query."""
    clusters: dict[int, list[str]] = {pk: [] for pk in offer_ids}
    for original, name in (
        Offer.objects.filter(duplicate_of__in=offer_ids)
        .exclude(cluster=None)
        .values_list("duplicate_of_id", "cluster__name")
    ):
        clusters[original].append(name)
    return clusters


def payload(delivery: Delivery, *, duplicates_clusters: list[str] | None = None) -> dict[str, Any]:
    """The document sent for this delivery (``PAYLOAD_SCHEMA``). No query for a delivery
    loaded by ``_for_sending`` with its duplicates' clusters given; more for any other."""
    offer = delivery.offer
    clusters = [offer.cluster.name] if offer.cluster else []
    if duplicates_clusters is None:
        duplicates_clusters = list(
            Offer.objects.filter(duplicate_of=offer)
            .exclude(cluster=None)
            .values_list("cluster__name", flat=True)
        )
    clusters += [name for name in duplicates_clusters if name not in clusters]
    if hasattr(delivery, "accepted_at"):
        accepted = delivery.accepted_at
    else:
        accepted = (
            offer.transitions.filter(to_status=OfferStatus.ACCEPTED)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
    return {
        "version": delivery.payload_version,
        "idempotency_key": str(delivery.idempotency_key),
        "offer_id": offer.pk,
        "url": f"{settings.PORTAL_BASE_URL}{offer.get_absolute_url()}",
        "title": offer.title,
        "description": offer.description,
        "product_details": offer.product_details,
        "company": {
            "name": offer.company_name,
            "country": str(offer.company_country),
            "size": offer.company_size,
            "registration_number": offer.registration_number,
        },
        "category": {
            "slug": offer.category.slug,
            "name": offer.category.name,
            "parent": offer.category.parent.slug if offer.category.parent else None,
        },
        "quantity": str(offer.quantity),
        "unit": offer.unit,
        "capacity_per_week": None
        if offer.capacity_per_week is None
        else str(offer.capacity_per_week),
        "lead_time_days": offer.lead_time_days,
        "delivery_countries": [str(c) for c in offer.delivery_countries],
        "certifications": list(offer.certifications),
        "price_indication": offer.price_indication,
        "valid_until": offer.valid_until.isoformat(),
        "contact": {
            "name": offer.contact_name,
            "email": offer.contact_email,
            "phone": offer.contact_phone,
        },
        "channelling_clusters": clusters,
        "accepted_at": (accepted or timezone.now()).isoformat(),
        "destination": delivery.destination_name,
    }


def sign(body: bytes, secret: str) -> str:
    """The ``X-Signature`` header: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _endpoint(delivery: Delivery) -> tuple[str, str]:
    if delivery.destination_id:
        destination: Destination = delivery.destination  # type: ignore[assignment]
        return destination.intake_url, destination.secret
    return settings.COMMISSION_INTAKE_URL, settings.COMMISSION_INTAKE_SECRET


def _claim(delivery_id: int) -> bool:
    """Take the row for sending, if it is due and nobody else has it."""
    now = timezone.now()
    return bool(
        Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _claim_batch(delivery_id: int, limit: int) -> list[int]:
    """Take for sending this delivery, if it is due and free, and then other due ones nobody
    has, up to ``limit`` in all, in one statement; returns their ids, this one first (none
    when this one is taken or not due).

    On PostgreSQL the rows are locked with ``SKIP LOCKED`` and re-checked once locked, so two
    workers claiming at the same time never get the same row. Elsewhere (SQLite, the embedded
    default, where tasks run eagerly) only this delivery is claimed."""
    if connection.vendor != "postgresql" or limit <= 1:
        return [delivery_id] if _claim(delivery_id) else []
    table = connection.ops.quote_name(Delivery._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        # This delivery by its key; then, only if it was taken here, the others down the
        # index on (status, next_attempt_at), oldest due first, stopping after ``limit`` - 1.
        # A task whose delivery another batch took stops at the first (a look-up by key):
        # the others each have a task of their own, or the sweeper queues one.
        cursor.execute(
            f"""
            WITH own AS (
                SELECT id FROM {table}
                WHERE id = %s AND status = %s AND next_attempt_at <= %s
                FOR UPDATE SKIP LOCKED
            ), others AS (
                SELECT id FROM {table}
                WHERE status = %s AND next_attempt_at <= %s AND id <> %s
                AND EXISTS (SELECT FROM own)
                ORDER BY next_attempt_at, id
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1
            WHERE id IN (SELECT id FROM own UNION ALL SELECT id FROM others)
            RETURNING id
            """,  # noqa: S608  # the table name is the model's, quoted
            [
                delivery_id,
                DeliveryStatus.PENDING,
                now,
                DeliveryStatus.PENDING,
                now,
                delivery_id,
                limit - 1,
                DeliveryStatus.SENDING,
                now,
            ],
        )
        claimed = sorted(row[0] for row in cursor.fetchall())
    if delivery_id in claimed:
        claimed.remove(delivery_id)
        claimed.insert(0, delivery_id)
    return claimed


def backoff(attempts: int) -> float:
    """Seconds before the next try: exponential, with full jitter, capped at an hour."""
    ceiling = min(3600.0, settings.ROUTING_BACKOFF_SECONDS * (2 ** max(0, attempts - 1)))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311  # jitter, not cryptography


# Kept-alive connections to the intakes, one per intake and process (the key holds the pid, so
# a forked worker never shares its parent's socket). A connection is taken out of the dict
# while in use, so two threads (runserver's, with eager tasks) never share one.
_connections: dict[tuple[int, str, str], http.client.HTTPConnection] = {}
# A longer answer is read only in part (what staff see) and its connection closed.
_KEEP_ALIVE_BODY = 64 * 1024


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
    """POST ``body``; returns the status and the first 2,000 bytes of the answer.

    Raises OSError (network errors, timeouts), ``http.client.HTTPException`` (a broken
    answer) or ValueError (a malformed URL)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(
        parts.hostname
    ):
        return _post_through_proxy(url, body, headers, timeout)
    key = (os.getpid(), parts.scheme, parts.netloc)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    connection = _connections.pop(key, None)
    reused = connection is not None
    while True:
        if connection is None:
            kind = (
                http.client.HTTPSConnection
                if parts.scheme == "https"
                else http.client.HTTPConnection
            )
            connection = kind(parts.hostname, parts.port, timeout=timeout)
        elif connection.sock is not None:
            connection.sock.settimeout(timeout)
        try:
            connection.request("POST", target, body=body, headers=headers)
            response = connection.getresponse()
            length = response.length
            if response.will_close or length is None or length > _KEEP_ALIVE_BODY:
                data = response.read(2000)
                connection.close()
            else:
                data = response.read()
                if _connections.setdefault(key, connection) is not connection:
                    connection.close()
            return response.status, data[:2000]
        except BaseException as exc:
            connection.close()
            if reused and isinstance(exc, ConnectionError):
                # The intake closed the idle connection: the same request on a new one. Were
                # it received after all, its idempotency key makes the repeat harmless.
                connection, reused = None, False
                continue
            raise


def _post_through_proxy(
    url: str, body: bytes, headers: dict[str, str], timeout: float
) -> tuple[int, bytes]:
    """Through the proxy the environment names (``https_proxy``…), a connection per POST."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read(2000)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2000)


def deliver(delivery_id: int) -> str:
    """One attempt at this delivery alone: claim, POST, record. Returns the delivery's status
    afterwards (or ``"skipped"`` when another worker has it or it is not due).

    Three queries before the POST (the claim, the delivery with its offer, the duplicates'
    clusters) and, once delivered, one transaction that records it and marks the offer
    routed."""
    if not _claim(delivery_id):
        return "skipped"
    return _send([delivery_id]).get(delivery_id, "skipped")


def deliver_batch(delivery_id: int, *, limit: int | None = None) -> dict[int, str]:
    """What the delivery task does: claim this delivery and other due ones (``_claim_batch``),
    send each, and record the results; returns each claimed delivery's status afterwards.
    A delivery another batch already took is simply not among them.

    The same queries as ``deliver`` for the whole batch, whatever its size, when every POST
    succeeds; one more update for each delivery that fails."""
    size = limit or int(settings.ROUTING_BATCH_SIZE)
    claimed = _claim_batch(delivery_id, size)
    return _send(claimed) if claimed else {}


def _send(delivery_ids: list[int]) -> dict[int, str]:
    """POST each claimed delivery in turn, then record the results. Those not sent when the
    time budget runs out, or when something unexpected stops the batch, are handed back."""
    started = time.monotonic()
    budget = settings.ROUTING_BATCH_SECONDS
    deliveries = _for_sending(delivery_ids)
    clusters = _duplicates_clusters([delivery.offer_id for delivery in deliveries])
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
        status, answer = _post(url, body, headers, settings.ROUTING_TIMEOUT_SECONDS)
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
    and queued again (unless ``queue`` is false: the sweeper queues them)."""
    if not deliveries:
        return
    ids = [delivery.pk for delivery in deliveries]
    Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING,
        claimed_at=None,
        attempts=F("attempts") - 1,
        next_attempt_at=timezone.now(),
    )
    for delivery_id in ids if queue else []:
        transaction.on_commit(lambda delivery_id=delivery_id: queue_delivery(delivery_id))  # type: ignore[misc]


# --- the sweeper and staff actions ------------------------------------------------------


def sweep(*, batch: int | None = None) -> int:
    """Free stale claims and queue due deliveries, a bounded batch at a time; returns how many
    were queued."""
    batch = batch or settings.ROUTING_SWEEP_BATCH
    now = timezone.now()
    Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=DeliveryStatus.PENDING, claimed_at=None, next_attempt_at=now
    )
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    for delivery_id in due:
        queue_delivery(delivery_id)
    return len(due)


def delivery_retry_now(*, delivery: Delivery, by: Any) -> Delivery:
    """Commission staff send a failed or dead delivery again, with a fresh count of attempts."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not (by.is_authenticated and by.is_commission_staff):
        raise PermissionDenied("Only Commission staff can retry deliveries.")
    updated = Delivery.objects.filter(
        pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.DEAD]
    ).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None
    )
    if not updated:
        raise ValidationError("Only a failed or dead delivery can be retried.")
    delivery_id = delivery.pk
    transaction.on_commit(lambda: queue_delivery(delivery_id))
    delivery.refresh_from_db()
    return delivery
