"""The outbox rows: written in the accepting transaction (``delivery_create``), and put back
in line by Commission staff (``delivery_retry_now``). Each queues a task after commit."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from offers.models import Delivery, DeliveryStatus, Offer
from offers.routing.payload import PAYLOAD_VERSION
from offers.routing.queueing import queue_due
from offers.routing.rules import DEFAULT_DESTINATION_NAME, rule_for


def delivery_create(*, offer: Offer) -> Delivery:
    """In the accepting transaction: decide the destination and write the outbox row.

    The task that sends it is queued after commit; a rolled-back acceptance sends nothing."""
    rule = rule_for(offer)
    destination = rule.destination if rule else None
    fields: dict[str, Any] = {
        "destination": destination,
        "rule": rule,
        "destination_name": destination.name if destination else DEFAULT_DESTINATION_NAME,
        "payload_version": PAYLOAD_VERSION,
        "next_attempt_at": timezone.now(),
    }
    delivery, _created = Delivery.objects.update_or_create(
        offer=offer,
        defaults={**fields, "status": DeliveryStatus.PENDING, "attempts": 0, "claimed_at": None},
        create_defaults={**fields, "idempotency_key": uuid.uuid4()},
    )
    delivery_id = delivery.pk
    transaction.on_commit(lambda: queue_due(delivery_id))
    return delivery


def delivery_retry_now(*, delivery: Delivery, by: Any) -> Delivery:
    """Commission staff send a failed or dead delivery again, with a fresh count of attempts."""
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
    transaction.on_commit(lambda: queue_due(delivery_id))
    delivery.refresh_from_db()
    return delivery
