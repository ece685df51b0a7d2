"""Which Commission service an accepted offer goes to: the first matching routing rule, or
the default destination (``COMMISSION_INTAKE_URL``)."""

from __future__ import annotations

from django.db.models import Q

from offers.models import Offer, RoutingRule

DEFAULT_DESTINATION_NAME = "Commission intake (default)"


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
