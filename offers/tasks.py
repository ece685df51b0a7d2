"""Background work for offers: matching, duplicate flags and expiry. Each task takes primary
keys, loads the rows and calls a service, and is safe to run twice (acks_late)."""

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
    from offers.duplicates import likely_duplicates

    offer = Offer.objects.filter(pk=offer_id).first()
    if offer is not None:
        offer.possible_duplicates.add(*likely_duplicates(offer))


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
