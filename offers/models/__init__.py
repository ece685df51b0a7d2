"""Offers from companies, demand from public authorities, the matches between them, and the
routing of accepted offers to the Commission.

- ``statuses``: the statuses and choices models, services and filters share;
- ``offer``: the offer, its attachments and its history;
- ``demand``: demand, its matches and interests;
- ``routing``: destinations, routing rules and the outbox of deliveries.
"""

from offers.models.demand import Demand, DemandQuerySet, Interest, Match
from offers.models.offer import Offer, OfferAttachment, OfferQuerySet, OfferTransition
from offers.models.routing import Delivery, DeliveryStatus, Destination, RoutingRule
from offers.models.statuses import (
    MATCHABLE_OFFER_STATUSES,
    OPEN_DEMAND_STATUSES,
    PUBLIC_OFFER_STATUSES,
    CompanySize,
    DemandStatus,
    OfferStatus,
    Urgency,
)

__all__ = [
    "MATCHABLE_OFFER_STATUSES",
    "OPEN_DEMAND_STATUSES",
    "PUBLIC_OFFER_STATUSES",
    "CompanySize",
    "Delivery",
    "DeliveryStatus",
    "Demand",
    "DemandQuerySet",
    "DemandStatus",
    "Destination",
    "Interest",
    "Match",
    "Offer",
    "OfferAttachment",
    "OfferQuerySet",
    "OfferStatus",
    "OfferTransition",
    "RoutingRule",
    "Urgency",
]
