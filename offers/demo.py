"""Demo offers and demand, so a newcomer sees the catalogue, the triage desk and matching.

Everything here is invented demo data: company names, registration numbers, quantities and
contacts (all on ``example.eu``) describe no real organisation. Offers are made through the
same services people use and walked through the real lifecycle, so every state appears with
its history; two offers are the same company's reaching the Commission through two clusters.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from clusters.models import Cluster
from offers.models import Demand, Offer, OfferStatus, Urgency
from offers.services import (
    demand_create,
    demands_expire,
    offer_create,
    offer_mark_duplicate,
    offer_transition,
    offers_expire,
)
from portal.core.models import Category

if TYPE_CHECKING:
    from portal.accounts.models import User

DEMO_MARK = "@example.eu"  # every demo contact e-mail ends so; it tells demo rows apart

# The path through the lifecycle to each state (staff make every step after "submitted").
PATHS: dict[str, list[str]] = {
    OfferStatus.DRAFT: [],
    OfferStatus.SUBMITTED: [OfferStatus.SUBMITTED],
    OfferStatus.UNDER_REVIEW: [OfferStatus.SUBMITTED, OfferStatus.UNDER_REVIEW],
    OfferStatus.ACCEPTED: [OfferStatus.SUBMITTED, OfferStatus.UNDER_REVIEW, OfferStatus.ACCEPTED],
    OfferStatus.NEEDS_INFORMATION: [OfferStatus.SUBMITTED, OfferStatus.UNDER_REVIEW, OfferStatus.NEEDS_INFORMATION],
    OfferStatus.REJECTED: [OfferStatus.SUBMITTED, OfferStatus.UNDER_REVIEW, OfferStatus.REJECTED],
    OfferStatus.ROUTED: [OfferStatus.SUBMITTED, OfferStatus.UNDER_REVIEW, OfferStatus.ACCEPTED, OfferStatus.ROUTED],
    OfferStatus.CLOSED: [
        OfferStatus.SUBMITTED, OfferStatus.UNDER_REVIEW, OfferStatus.ACCEPTED, OfferStatus.ROUTED, OfferStatus.CLOSED,
    ],
}  # fmt: skip


@dataclass(frozen=True)
class DemoOffer:
    title: str
    company: str
    country: str
    registration: str
    size: str
    category: str
    quantity: int
    unit: str
    lead_time_days: int
    delivery: tuple[str, ...]
    certifications: tuple[str, ...]
    status: str
    channelled: bool  # posted by the demo cluster manager through one of their clusters
    description: str


OFFERS = [
    DemoOffer("FFP2 respirators, EN 149 certified", "Berger Filtration GmbH", "DE", "DE811234567", "sme",
              "ppe-masks", 200_000, "pieces", 7, ("DE", "AT", "IT", "FR", "ES"), ("CE", "EN 149"),
              OfferStatus.ACCEPTED, False,
              "Folding FFP2 respirators from a filtration line converted in March; 40,000 a week."),
    DemoOffer("Type IIR surgical masks", "Tkaniny Medyczne Sp. z o.o.", "PL", "PL5260001111", "sme",
              "ppe-masks", 1_000_000, "pieces", 14, ("PL", "DE", "CZ", "SK", "IT"), ("CE", "EN 14683"),
              OfferStatus.ROUTED, True,
              "Three-ply type IIR masks from a medical textile producer; boxes of 50."),
    DemoOffer("Hand sanitiser, 70% ethanol", "Alcoholes del Norte SL", "ES", "ESB12345678", "sme",
              "disinfection-hand", 80_000, "litres", 5, ("ES", "PT", "FR"), ("EN 1500",),
              OfferStatus.UNDER_REVIEW, False,
              "Gel and liquid sanitiser from a spirits distillery; 1 L and 5 L bottles."),
    DemoOffer("Ventilator sub-assemblies on contract", "Precision Pneumatics Srl", "IT", "IT01234567890", "sme",
              "medical-devices-ventilators", 500, "units", 30, ("IT", "FR", "DE"), ("ISO 13485",),
              OfferStatus.SUBMITTED, True,
              "Valve blocks and pneumatic sub-assemblies for ventilator makers, built to print."),
    DemoOffer("Nitrile examination gloves", "Baltic Gloves UAB", "LT", "LT100001234", "large",
              "ppe-gloves", 2_000_000, "pieces", 21, ("LT", "LV", "EE", "PL", "FI"), ("CE", "EN 455"),
              OfferStatus.NEEDS_INFORMATION, False,
              "Powder-free nitrile gloves, sizes S to XL, from stock and a second line."),
    DemoOffer("3D-printed face shields", "Makers United BV", "NL", "NL859999999B01", "sme",
              "ppe-eye-face", 10_000, "pieces", 3, ("NL", "BE"), (),
              OfferStatus.REJECTED, False,
              "PETG visors with printed headbands, made by a network of makers."),
    DemoOffer("Antigen rapid test kits", "Danube Diagnostics Kft.", "HU", "HU12345678", "sme",
              "testing-kits", 150_000, "tests", 10, ("HU", "AT", "SK", "RO", "ES"), ("CE IVD",),
              OfferStatus.ACCEPTED, False,
              "Lateral-flow antigen tests with nasal swabs; results in 15 minutes."),
    DemoOffer("Isolation gowns, level 2", "Atelier Santé SAS", "FR", "FR40123456789", "sme",
              "ppe-gowns", 60_000, "pieces", 12, ("FR", "BE", "LU"), ("EN 13795",),
              OfferStatus.DRAFT, False,
              "Washable isolation gowns from a workwear maker; 50 washes."),
    DemoOffer("Cold-chain transport for vaccines", "Nordic Cold Logistics AB", "SE", "SE556677889901", "large",
              "logistics-cold-chain", 40, "trucks a week", 2, ("SE", "DK", "FI", "NO", "DE"), ("GDP",),
              OfferStatus.CLOSED, False,
              "Temperature-controlled trucks (2-8 °C and -20 °C) with GDP-certified drivers."),
    DemoOffer("Medical oxygen concentrators", "Oxy Systems Oy", "FI", "FI12345678", "sme",
              "medical-devices-oxygen", 1_200, "units", 20, ("FI", "SE", "EE", "IT", "ES"), ("CE", "ISO 13485"),
              OfferStatus.ACCEPTED, False,
              "5 L/min concentrators for hospitals and home care."),
]  # fmt: skip

DEMANDS = [
    # title, category, quantity, unit, days until needed, region, urgency, certifications
    ("FFP2 respirators for regional hospitals", "ppe-masks", 10_000, "pieces", 10, "Comunidad de Madrid", Urgency.CRITICAL, ("EN 149",)),
    ("Nitrile gloves for care homes", "ppe-gloves", 50_000, "pieces", 20, "Comunidad de Madrid", Urgency.URGENT, ("EN 455",)),
    ("Antigen tests for schools", "testing-kits", 20_000, "tests", 14, "Comunidad de Madrid", Urgency.URGENT, ()),
    ("Oxygen concentrators for field hospitals", "medical-devices-oxygen", 100, "units", 25, "Comunidad de Madrid", Urgency.CRITICAL, ("CE",)),
]  # fmt: skip
# Published with a date ahead, then dated in the past and closed by the expiry service.
LATE_DEMAND = ("Surgical masks for vaccination centres", "ppe-masks", 30_000, "pieces", 1,
               "Comunidad de Madrid", Urgency.URGENT, ("EN 14683",))  # fmt: skip


def _offer_data(
    demo: DemoOffer, n: int, cluster: Cluster | None, today: datetime.date
) -> dict[str, Any]:
    slug = demo.company.split()[0].lower()
    return {
        "title": demo.title if n == 0 else f"{demo.title} (batch {n + 1})",
        "description": demo.description,
        "company_name": demo.company,
        "company_country": demo.country,
        "registration_number": demo.registration,
        "company_size": demo.size,
        "cluster": cluster,
        "category": Category.objects.get(slug=demo.category),
        "product_details": demo.description,
        "quantity": Decimal(demo.quantity),
        "unit": demo.unit,
        "capacity_per_week": Decimal(demo.quantity // 5),
        "lead_time_days": demo.lead_time_days,
        "delivery_countries": list(demo.delivery),
        "certifications": list(demo.certifications),
        "price_indication": "On request",
        "valid_until": today + datetime.timedelta(days=90),
        "contact_name": "Sales desk",
        "contact_email": f"sales.{slug}{DEMO_MARK}",
        "contact_phone": "+32 2 000 00 00",
    }


def seed_offers(
    *, offers: int, demands: int, company: User, manager: User, staff: User, authority: User
) -> tuple[int, int]:
    """Make the demo offers and demand if there are none yet; returns how many of each."""
    if Offer.objects.filter(contact_email__endswith=DEMO_MARK).exists():
        return 0, 0
    today = timezone.localdate()
    clusters = list(Cluster.objects.managed_by(manager).order_by("pk")[:2])
    made: list[Offer] = []
    for i in range(offers):
        demo = OFFERS[i % len(OFFERS)]
        poster = manager if demo.channelled and clusters else company
        cluster = clusters[0] if poster is manager else None
        offer = offer_create(by=poster, data=_offer_data(demo, i // len(OFFERS), cluster, today))
        for step in PATHS[demo.status]:
            offer_transition(offer=offer, to_status=step, by=poster if step == OfferStatus.SUBMITTED else staff,
                             note="Demo data")  # fmt: skip
        made.append(offer)
    # The same company's masks, channelled by a second cluster: flagged, then marked duplicate.
    if len(clusters) == 2 and offers:
        original = made[1] if len(made) > 1 else made[0]
        again = offer_create(
            by=manager,
            data=_offer_data(OFFERS[1], 0, clusters[1], today)
            | {"title": "Type IIR surgical face masks"},
        )
        offer_transition(offer=again, to_status=OfferStatus.SUBMITTED, by=manager, note="Demo data")
        offer_transition(
            offer=again, to_status=OfferStatus.UNDER_REVIEW, by=staff, note="Demo data"
        )
        offer_mark_duplicate(offer=again, original=original, by=staff)
        made.append(again)
    # One offer whose validity ended: the expiry task moves it.
    if offers > 2:
        late = offer_create(by=company, data=_offer_data(OFFERS[2], 9, None, today))
        Offer.objects.filter(pk=late.pk).update(valid_until=today - datetime.timedelta(days=1))
        offers_expire(today=today)
        made.append(late)
    made_demands = [
        _demand(authority, DEMANDS[i % len(DEMANDS)], i // len(DEMANDS), today)
        for i in range(demands)
    ]
    # One demand whose date passed: the expiry task closes it and tells the authority.
    if demands > 1:
        late_demand = _demand(authority, LATE_DEMAND, 0, today)
        Demand.objects.filter(pk=late_demand.pk).update(
            needed_by=today - datetime.timedelta(days=3)
        )
        demands_expire(today=today)
        made_demands.append(late_demand)
    return len(made), len(made_demands)


def _demand(authority: User, row: tuple[Any, ...], n: int, today: datetime.date) -> Demand:
    title, category, quantity, unit, days, region, urgency, certifications = row
    return demand_create(
        by=authority,
        data={
            "title": title if n == 0 else f"{title} ({n + 1})",
            "description": f"{title}. Delivery to the regional health service's central warehouse.",
            "category": Category.objects.get(slug=category),
            "quantity": Decimal(quantity),
            "unit": unit,
            "needed_by": today + datetime.timedelta(days=days),
            "country": str(authority.organisation.country) if authority.organisation else "ES",
            "region": region,
            "urgency": urgency,
            "certifications": list(certifications),
        },
    )
