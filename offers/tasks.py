"""Background work for offers: matching, duplicate flags, and the expiry of offers and demand.
Each task takes primary keys, loads the rows and calls a service, and is safe to run twice
(acks_late)."""

from celery import shared_task

from offers.models import Demand, Offer


@shared_task(name="offers.recompute_offer_matches", acks_late=True, ignore_result=True)
def recompute_offer_matches(offer_id: int) -> None:
    from offers.services import matches_recompute_for_offer

    offer = Offer.objects.select_related("category").filter(pk=offer_id).first()
    if offer is not None:
        matches_recompute_for_offer(offer=offer)


@shared_task(name="offers.recompute_demand_matches", acks_late=True, ignore_result=True)
def recompute_demand_matches(demand_id: int) -> None:
    from offers.services import matches_recompute_for_demand

    demand = Demand.objects.select_related("category").filter(pk=demand_id).first()
    if demand is not None:
        matches_recompute_for_demand(demand=demand)


@shared_task(name="offers.flag_offer_duplicates", acks_late=True, ignore_result=True)
def flag_offer_duplicates(offer_id: int) -> None:
    from offers.duplicates import duplicates_flag

    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is not None:
        duplicates_flag(offer=offer)


@shared_task(name="offers.catch_up", acks_late=True, time_limit=120, ignore_result=True)
def catch_up() -> int:
    """Every minute (beat): queue again the matching and duplicate checks a broker outage
    lost (``offers.services.catch_up``)."""
    from offers.services.catch_up import offers_catch_up

    return offers_catch_up()


@shared_task(name="offers.expire_offers", acks_late=True, ignore_result=True)
def expire_offers() -> int:
    """Daily: expire open offers past their date, in bounded batches."""
    from offers.services import offers_expire

    total = 0
    while True:
        expired = offers_expire()
        total += expired
        if expired == 0:
            break
    return total


@shared_task(name="offers.expire_demands", acks_late=True, ignore_result=True)
def expire_demands() -> int:
    """Hourly: close open demand past its “needed by” date, in bounded batches. Safe to run
    twice, or in two workers at once: each batch claims its rows (``demands_expire``)."""
    from offers.services import demands_expire

    total = 0
    while True:
        closed = demands_expire()
        total += closed
        if closed == 0:
            break
    return total


# Delivery to the Commission. Safe to run twice: the attempt claims its rows with a
# conditional update, and the intake records each idempotency key once. The hard limit stays
# far below the broker's visibility timeout, so a running task is never handed out twice, and
# covers a whole batch: a batch starts no POST that could outlast ``ROUTING_BATCH_SECONDS``
# (30 s), and hands the rest back.
@shared_task(
    name="offers.deliver_offer",
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=60,
    soft_time_limit=45,
    ignore_result=True,
)
def deliver_offer(delivery_id: int | None = None) -> str:
    """Send this delivery (if given) and, in the same go, other due ones (a batch); returns
    this one's status afterwards, or ``"skipped"`` when another batch has taken it."""
    from offers.routing import deliver_batch

    statuses = deliver_batch(delivery_id)
    return statuses.get(delivery_id, "skipped") if delivery_id else f"{len(statuses)} sent"


@shared_task(name="offers.sweep_deliveries", acks_late=True, time_limit=120, ignore_result=True)
def sweep_deliveries() -> int:
    """Every few seconds (beat): send the deliveries the fast path missed."""
    from offers.routing import sweep

    return sweep()
