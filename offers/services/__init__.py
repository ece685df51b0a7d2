"""What people do with offers and demand. Views, API views, admin actions and tasks all call
these functions; each checks permission, validates, writes, records and queues side effects."""

from offers.services.demand import (
    demand_create,
    demand_set_status,
    demand_update,
    demands_expire,
    interest_express,
)
from offers.services.matches import (
    matches_drop_for_demands,
    matches_recompute_for_demand,
    matches_recompute_for_offer,
)
from offers.services.offers import (
    TransitionError,
    attachment_add,
    offer_assign,
    offer_create,
    offer_mark_duplicate,
    offer_transition,
    offer_update,
    offers_expire,
    offers_mark_routed,
)

__all__ = [
    "TransitionError",
    "attachment_add",
    "demand_create",
    "demand_set_status",
    "demand_update",
    "demands_expire",
    "interest_express",
    "matches_drop_for_demands",
    "matches_recompute_for_demand",
    "matches_recompute_for_offer",
    "offer_assign",
    "offer_create",
    "offer_mark_duplicate",
    "offer_transition",
    "offer_update",
    "offers_expire",
    "offers_mark_routed",
]
