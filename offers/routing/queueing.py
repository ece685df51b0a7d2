"""Handing deliveries to workers: the fast path after commit, and the periodic sweeper that
sends what the fast path missed (broker down, message lost, worker killed).

A delivery task sends every due delivery it can claim, up to a batch, not only the one it
was queued for. So a delivery committed while such a task waits in the queue queues none of
its own (``portal/core/coalesce.py``), and a task whose batch is full queues the next at once,
so another worker process starts on the rest while this one sends."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from offers.models import Delivery, DeliveryStatus
from portal.core.coalesce import queue_unless_pending

logger = logging.getLogger(__name__)

TASK = "offers.deliver_offer"
# A "sending" claim older than this is a worker that died mid-send: the sweeper frees it.
STALE_CLAIM = timedelta(minutes=5)


def queue_delivery(delivery_id: int | None, countdown: float | None = None) -> bool:
    """Queue a delivery task (for this delivery first, and the others due); returns whether
    it was queued. If the broker is down, the sweeper will do it later: an accepted offer must
    never fail because Redis is away."""
    from offers.tasks import deliver_offer

    try:
        deliver_offer.apply_async((delivery_id,), countdown=countdown or 0)
    except Exception:  # the broker's errors vary by transport; all mean "not queued now"
        logger.warning(
            "delivery %s not queued; the sweeper will send it", delivery_id, exc_info=True
        )
        return False
    return True


def queue_due(delivery_id: int | None = None) -> None:
    """After commit, for a delivery that is due now: a task for the due deliveries, this one
    first, unless one is queued and has not started (it will take this one too)."""
    queue_unless_pending(TASK, lambda: queue_delivery(delivery_id))


def sweep(*, batch: int | None = None) -> int:
    """Free stale claims and queue tasks for the due deliveries, a bounded batch at a time;
    returns how many deliveries are due in this batch. Not through the coalescing marker: the
    sweeper is what sends the deliveries whose coalesced task was lost."""
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
    # One task per batch where a task claims batches (PostgreSQL), else one per delivery.
    per_task = settings.ROUTING_BATCH_SIZE if connection.vendor == "postgresql" else 1
    for start in range(0, len(due), max(1, per_task)):
        queue_delivery(due[start])
    logger.debug("sweep: %s due, %s tasks", len(due), math.ceil(len(due) / max(1, per_task)))
    return len(due)
