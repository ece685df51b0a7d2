"""Background work owed to offers and demand: their matches, and an offer's likely duplicates.

Each is written as owed (``matching_due_at``, ``duplicates_due_at``) in the transaction of the
change that calls for it, done by a task after commit, and cleared by that task. If the task
never runs (the broker was down when the change committed, or its message was lost), the
periodic catch-up (``offers_catch_up``, every minute) finds what is still owed after a grace
minute and queues it again. The tasks are safe to run twice: matches are recomputed from
scratch and duplicate flags are added, never duplicated.

A task clears only the mark it saw when it loaded its row: a change made while it ran marks
the row again, and is caught up in turn.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from offers.models import Demand, Offer

logger = logging.getLogger(__name__)

GRACE = timedelta(minutes=1)  # the fast path's chance before the catch-up steps in
BATCH = 200  # rows of each kind queued per run


def offer_matching_owed(offer: Offer) -> None:
    """In the transaction of a change that makes the offer matchable or not: mark its matches
    to recompute, and queue the task after commit."""
    from offers.tasks import recompute_offer_matches

    _mark(Offer, offer, "matching_due_at")
    offer_id = offer.pk
    # robust: a broker that is down must not fail a change that is already committed.
    transaction.on_commit(lambda: recompute_offer_matches.delay(offer_id), robust=True)


def offers_matching_owed(offer_ids: list[int]) -> None:
    """The same for many offers changed in one statement."""
    from offers.tasks import recompute_offer_matches

    Offer.objects.filter(pk__in=offer_ids).update(matching_due_at=timezone.now())
    for pk in offer_ids:
        transaction.on_commit(
            lambda pk=pk: recompute_offer_matches.delay(pk),  # type: ignore[misc]
            robust=True,
        )


def offer_duplicates_owed(offer: Offer) -> None:
    """When an offer is submitted: look for its likely duplicates after commit."""
    from offers.tasks import flag_offer_duplicates

    _mark(Offer, offer, "duplicates_due_at")
    offer_id = offer.pk
    transaction.on_commit(lambda: flag_offer_duplicates.delay(offer_id), robust=True)


def demand_matching_owed(demand: Demand) -> None:
    """When a demand is published or changed: recompute its matches after commit."""
    from offers.tasks import recompute_demand_matches

    _mark(Demand, demand, "matching_due_at")
    demand_id = demand.pk
    transaction.on_commit(lambda: recompute_demand_matches.delay(demand_id), robust=True)


def work_done(row: Offer | Demand, field: str) -> None:
    """The task is done: clear the mark it saw when it loaded ``row`` (not a newer one)."""
    seen = getattr(row, field)
    if seen is not None:
        type(row).objects.filter(pk=row.pk, **{field: seen}).update(**{field: None})


def offers_catch_up(*, now: Any = None, grace: timedelta = GRACE, batch: int = BATCH) -> int:
    """Queue again the work still owed a grace period after it was asked for; returns how
    many tasks were queued."""
    from offers.tasks import (
        flag_offer_duplicates,
        recompute_demand_matches,
        recompute_offer_matches,
    )

    cutoff = (now or timezone.now()) - grace
    owed: list[tuple[QuerySet[Any], str, Task]] = [
        (Offer.objects.all(), "matching_due_at", recompute_offer_matches),
        (Offer.objects.all(), "duplicates_due_at", flag_offer_duplicates),
        (Demand.objects.all(), "matching_due_at", recompute_demand_matches),
    ]
    queued = 0
    for rows, field, task in owed:
        ids = list(
            rows.filter(**{f"{field}__lte": cutoff})
            .order_by(field, "pk")
            .values_list("pk", flat=True)[:batch]
        )
        for pk in ids:
            task.delay(pk)
            queued += 1
        if ids:
            logger.info("catch-up: %s %s.%s queued again", len(ids), rows.model.__name__, field)
    return queued


def _mark(model: type[Offer] | type[Demand], row: Offer | Demand, field: str) -> None:
    now = timezone.now()
    model.objects.filter(pk=row.pk).update(**{field: now})
    setattr(row, field, now)
