"""Offers and demand for tests, made through the same services people use.

``make_offer`` walks the real lifecycle (``offer_transition``) to reach the status asked for,
so every offer in a test has the history, timestamps and queued side effects a real one has.
"""

import datetime
import itertools
from typing import Any

from django.utils import timezone

from offers.models import Demand, Offer, OfferStatus
from offers.services import demand_create, offer_create, offer_transition
from portal.accounts.roles import Role
from portal.core.models import Category
from tests.factories import make_user

_numbers = itertools.count(1)

S = OfferStatus
# The steps from a draft to each status, and who takes them: the poster or staff (or the
# portal itself, for expiry).
_PATHS: dict[str, list[tuple[str, str]]] = {
    S.DRAFT: [],
    S.SUBMITTED: [(S.SUBMITTED, "poster")],
    S.UNDER_REVIEW: [(S.SUBMITTED, "poster"), (S.UNDER_REVIEW, "staff")],
}
for _decision in (S.ACCEPTED, S.NEEDS_INFORMATION, S.REJECTED, S.DUPLICATE):
    _PATHS[_decision] = [*_PATHS[S.UNDER_REVIEW], (_decision, "staff")]
_PATHS[S.ROUTED] = [*_PATHS[S.ACCEPTED], (S.ROUTED, "staff")]
_PATHS[S.CLOSED] = [*_PATHS[S.ROUTED], (S.CLOSED, "staff")]
_PATHS[S.EXPIRED] = [(S.EXPIRED, "system")]


def make_offer(*, by, status: str = S.DRAFT, staff=None, **overrides: Any) -> Offer:
    """An offer posted by ``by`` (a company representative, or a cluster manager passing
    ``cluster=``), moved through the real transitions to ``status``.

    ``staff`` takes the staff steps; one is made when needed and not given. An expired offer
    is made valid and then expired by the portal, as the periodic task would.
    """
    n = next(_numbers)
    today = timezone.localdate()
    data: dict[str, Any] = {
        "title": f"FFP2 respirators, batch {n}",
        "description": "Certified FFP2 respirators from our production line.",
        "company_size": "sme",
        "category": Category.objects.get(slug="ppe-masks"),
        "quantity": 10000,
        "unit": "pieces",
        "valid_until": today + datetime.timedelta(days=60),
        "contact_name": f"Contact {n}",
        "contact_email": f"contact-{n}@company.example.eu",
        "contact_phone": "+32 2 000 00 00",
        "delivery_countries": ["BE"],
        "certifications": ["CE", "EN 149"],
        "lead_time_days": 7,
    }
    if by.role != Role.COMPANY:
        organisation = getattr(by, "organisation", None)
        data["company_name"] = f"Member Company {n}"
        data["company_country"] = (organisation.country if organisation else "") or "BE"
    data.update(overrides)
    offer = offer_create(by=by, data=data)
    for to_status, actor in _PATHS[status]:
        if actor == "staff" and staff is None:
            staff = make_user(Role.COMMISSION)
        who = {"poster": by, "staff": staff, "system": None}[actor]
        offer = offer_transition(offer=offer, to_status=to_status, by=who)
    return offer


def make_demand(*, by, **overrides: Any) -> Demand:
    """An open demand published by ``by`` (a verified authority, or staff passing
    ``authority=``)."""
    n = next(_numbers)
    today = timezone.localdate()
    authority = overrides.pop("authority", None)
    data: dict[str, Any] = {
        "title": f"FFP2 masks for hospitals {n}",
        "description": "Respirators for hospital staff.",
        "category": Category.objects.get(slug="ppe-masks"),
        "quantity": 10000,
        "unit": "pieces",
        "needed_by": today + datetime.timedelta(days=10),
        "country": "IT",
        "region": "Lombardy",
        "urgency": "urgent",
        "certifications": ["EN 149"],
    }
    data.update(overrides)
    return demand_create(by=by, data=data, authority=authority)
