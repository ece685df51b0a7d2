"""How well an offer meets a demand: a score from 0 to 100 made of parts people can read.

The parts and their weights are the whole rule; change them here and nowhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import django_countries
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from offers.models import Demand, Offer

CATEGORY_POINTS = 30
QUANTITY_POINTS = 20
DELIVERY_POINTS = 20
LEAD_TIME_POINTS = 20
CERTIFICATION_POINTS = 10


@dataclass(frozen=True)
class Part:
    part: str
    points: int
    max: int
    reason: str


def normalise_certification(name: str) -> str:
    return " ".join(name.upper().replace("-", " ").split())


def _category(demand: Demand, offer: Offer) -> Part:
    wanted, offered = demand.category, offer.category
    if offered.pk == wanted.pk:
        return Part(
            "category", CATEGORY_POINTS, CATEGORY_POINTS, _("Same category: %s") % offered.name
        )
    # A general need (PPE) is met in part by a specific offer (masks), and the other way round.
    related = offered.parent_id == wanted.pk or wanted.parent_id == offered.pk
    if related:
        return Part(
            "category",
            CATEGORY_POINTS // 2,
            CATEGORY_POINTS,
            _("Related category: %(offered)s for %(wanted)s")
            % {"offered": offered.name, "wanted": wanted.name},
        )
    return Part("category", 0, CATEGORY_POINTS, _("Other category"))


def _quantity(demand: Demand, offer: Offer) -> Part:
    coverage = min(Decimal(1), offer.quantity / demand.quantity) if demand.quantity else Decimal(0)
    points = round(QUANTITY_POINTS * coverage)
    return Part(
        "quantity",
        points,
        QUANTITY_POINTS,
        _("Covers %(pct)d%% of the %(qty)s %(unit)s needed")
        % {"pct": round(coverage * 100), "qty": f"{demand.quantity:,.0f}", "unit": demand.unit},
    )


def _delivery(demand: Demand, offer: Offer) -> Part:
    countries = [str(c) for c in offer.delivery_countries]
    country_name = dict(django_countries.countries).get(str(demand.country), str(demand.country))
    if str(demand.country) in countries:
        return Part(
            "delivery", DELIVERY_POINTS, DELIVERY_POINTS, _("Delivers to %s") % country_name
        )
    if not countries:
        return Part("delivery", 0, DELIVERY_POINTS, _("Delivery countries not stated"))
    return Part("delivery", 0, DELIVERY_POINTS, _("Does not deliver to %s") % country_name)


def _lead_time(demand: Demand, offer: Offer, today: date) -> Part:
    days_left = (demand.needed_by - today).days
    if offer.lead_time_days is None:
        return Part("lead_time", 0, LEAD_TIME_POINTS, _("Lead time not stated"))
    if days_left <= 0:
        return Part("lead_time", 0, LEAD_TIME_POINTS, _("The date needed has passed"))
    if offer.lead_time_days <= days_left:
        return Part(
            "lead_time",
            LEAD_TIME_POINTS,
            LEAD_TIME_POINTS,
            _("Delivers in %(lead)d days; needed in %(left)d")
            % {"lead": offer.lead_time_days, "left": days_left},
        )
    points = round(LEAD_TIME_POINTS * days_left / offer.lead_time_days)
    return Part(
        "lead_time",
        points,
        LEAD_TIME_POINTS,
        _("Needs %(lead)d days; needed in %(left)d")
        % {"lead": offer.lead_time_days, "left": days_left},
    )


def _certifications(demand: Demand, offer: Offer) -> Part:
    wanted = {normalise_certification(c) for c in demand.certifications if c.strip()}
    if not wanted:
        return Part(
            "certifications",
            CERTIFICATION_POINTS,
            CERTIFICATION_POINTS,
            _("No certification required"),
        )
    held = {normalise_certification(c) for c in offer.certifications}
    present = sorted(wanted & held)
    missing = sorted(wanted - held)
    points = round(CERTIFICATION_POINTS * len(present) / len(wanted))
    reason = (
        _("Has %(present)s") % {"present": ", ".join(present)}
        if present
        else _("None of the certifications")
    )
    if missing:
        reason += "; " + _("missing %(missing)s") % {"missing": ", ".join(missing)}
    return Part("certifications", points, CERTIFICATION_POINTS, reason)


def score(demand: Demand, offer: Offer, *, today: date) -> tuple[int, list[dict[str, Any]]]:
    """``(score, parts)`` for this pair; a score of 0 for the category means no match."""
    parts = [
        _category(demand, offer),
        _quantity(demand, offer),
        _delivery(demand, offer),
        _lead_time(demand, offer, today),
        _certifications(demand, offer),
    ]
    return sum(p.points for p in parts), [asdict(p) for p in parts]
