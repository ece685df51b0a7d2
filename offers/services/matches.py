"""Keep the matches between demand and offers up to date (run by tasks after a change)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from offers.matching import score
from offers.models import (
    MATCHABLE_OFFER_STATUSES,
    OPEN_DEMAND_STATUSES,
    Demand,
    Match,
    Offer,
)
from offers.services.catch_up import work_done
from portal.core.models import Category


def _related_categories(category: Category) -> Q:
    """The same category, its parent, or its children (masks do not meet a need for gloves)."""
    q = Q(category=category) | Q(category__parent=category)
    if category.parent_id is not None:
        q |= Q(category_id=category.parent_id)
    return q


def _save(
    demand_offer_scores: list[Match], *, demand: Demand | None = None, offer: Offer | None = None
) -> int:
    stale = Match.objects.filter(demand=demand) if demand else Match.objects.filter(offer=offer)
    keep = {(m.demand_id, m.offer_id) for m in demand_offer_scores}
    stale_ids = [m.pk for m in stale if (m.demand_id, m.offer_id) not in keep]
    Match.objects.filter(pk__in=stale_ids).delete()
    Match.objects.bulk_create(
        demand_offer_scores,
        update_conflicts=True,
        unique_fields=["demand", "offer"],
        update_fields=["score", "parts", "computed_at"],
    )
    return len(demand_offer_scores)


@transaction.atomic
def matches_recompute_for_demand(*, demand: Demand) -> int:
    """Score every candidate offer for this demand; returns how many match."""
    today = timezone.localdate()
    matches: list[Match] = []
    if demand.status in OPEN_DEMAND_STATUSES:
        candidates = Offer.objects.filter(
            _related_categories(demand.category),
            status__in=MATCHABLE_OFFER_STATUSES,
            valid_until__gte=today,
        ).select_related("category")
        for offer in candidates:
            total, parts = score(demand, offer, today=today)
            matches.append(
                Match(
                    demand=demand, offer=offer, score=total, parts=parts, computed_at=timezone.now()
                )
            )
    saved = _save(matches, demand=demand)
    work_done(demand, "matching_due_at")
    return saved


def matches_drop_for_demands(*, demand_ids: list[int]) -> int:
    """Demand that is no longer open leaves matching at once: its matches go in the
    transaction that closes it (what ``matches_recompute_for_demand`` would do later, for
    many demands in one query). Returns how many matches went."""
    deleted, _by_model = Match.objects.filter(demand_id__in=demand_ids).delete()
    return deleted


@transaction.atomic
def matches_recompute_for_offer(*, offer: Offer) -> int:
    """Score every open demand this offer could meet; returns how many match."""
    today = timezone.localdate()
    matches: list[Match] = []
    if offer.status in MATCHABLE_OFFER_STATUSES and offer.valid_until >= today:
        demands = Demand.objects.filter(
            _related_categories(offer.category), status__in=OPEN_DEMAND_STATUSES
        ).select_related("category")
        for demand in demands:
            total, parts = score(demand, offer, today=today)
            matches.append(
                Match(
                    demand=demand, offer=offer, score=total, parts=parts, computed_at=timezone.now()
                )
            )
    saved = _save(matches, offer=offer)
    work_done(offer, "matching_due_at")
    return saved
