"""What is sent to the Commission for a delivery: the documented, versioned JSON document
(``PAYLOAD_SCHEMA``) and its signature."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.utils import timezone

from offers.models import Delivery, Offer, OfferStatus

PAYLOAD_VERSION = 1

# The documented payload (version 1), as JSON Schema. Bump PAYLOAD_VERSION on any change.
PAYLOAD_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Offer routed to a Commission service",
    "type": "object",
    "required": [
        "version",
        "idempotency_key",
        "offer_id",
        "title",
        "description",
        "company",
        "category",
        "quantity",
        "unit",
        "lead_time_days",
        "delivery_countries",
        "certifications",
        "valid_until",
        "contact",
        "channelling_clusters",
        "accepted_at",
        "destination",
    ],
    "additionalProperties": False,
    "properties": {
        "version": {"const": PAYLOAD_VERSION},
        "idempotency_key": {"type": "string", "format": "uuid"},
        "offer_id": {"type": "integer"},
        "url": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "product_details": {"type": "string"},
        "company": {
            "type": "object",
            "required": ["name", "country", "size", "registration_number"],
            "properties": {
                "name": {"type": "string"},
                "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "size": {"enum": ["sme", "large"]},
                "registration_number": {"type": "string"},
            },
        },
        "category": {
            "type": "object",
            "required": ["slug", "name"],
            "properties": {
                "slug": {"type": "string"},
                "name": {"type": "string"},
                "parent": {"type": ["string", "null"]},
            },
        },
        "quantity": {"type": "string"},
        "unit": {"type": "string"},
        "capacity_per_week": {"type": ["string", "null"]},
        "lead_time_days": {"type": ["integer", "null"]},
        "delivery_countries": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[A-Z]{2}$"},
        },
        "certifications": {"type": "array", "items": {"type": "string"}},
        "price_indication": {"type": "string"},
        "valid_until": {"type": "string", "format": "date"},
        "contact": {
            "type": "object",
            "required": ["name", "email"],
            "properties": {
                "name": {"type": "string"},
                "email": {"type": "string"},
                "phone": {"type": "string"},
            },
        },
        "channelling_clusters": {"type": "array", "items": {"type": "string"}},
        "accepted_at": {"type": "string", "format": "date-time"},
        "destination": {"type": "string"},
    },
}


def duplicates_clusters(offer_ids: list[int]) -> dict[int, list[str]]:
    """The clusters that channelled duplicates of these offers, by offer, in one query."""
    clusters: dict[int, list[str]] = {pk: [] for pk in offer_ids}
    for original, name in (
        Offer.objects.filter(duplicate_of__in=offer_ids)
        .exclude(cluster=None)
        .values_list("duplicate_of_id", "cluster__name")
    ):
        clusters[original].append(name)
    return clusters


def payload(delivery: Delivery, *, duplicates_clusters: list[str] | None = None) -> dict[str, Any]:
    """The document sent for this delivery (``PAYLOAD_SCHEMA``). No query for a delivery
    loaded by ``_for_sending`` with its duplicates' clusters given; more for any other."""
    offer = delivery.offer
    clusters = [offer.cluster.name] if offer.cluster else []
    if duplicates_clusters is None:
        duplicates_clusters = list(
            Offer.objects.filter(duplicate_of=offer)
            .exclude(cluster=None)
            .values_list("cluster__name", flat=True)
        )
    clusters += [name for name in duplicates_clusters if name not in clusters]
    if hasattr(delivery, "accepted_at"):
        accepted = delivery.accepted_at
    else:
        accepted = (
            offer.transitions.filter(to_status=OfferStatus.ACCEPTED)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
    return {
        "version": delivery.payload_version,
        "idempotency_key": str(delivery.idempotency_key),
        "offer_id": offer.pk,
        "url": f"{settings.PORTAL_BASE_URL}{offer.get_absolute_url()}",
        "title": offer.title,
        "description": offer.description,
        "product_details": offer.product_details,
        "company": {
            "name": offer.company_name,
            "country": str(offer.company_country),
            "size": offer.company_size,
            "registration_number": offer.registration_number,
        },
        "category": {
            "slug": offer.category.slug,
            "name": offer.category.name,
            "parent": offer.category.parent.slug if offer.category.parent else None,
        },
        "quantity": str(offer.quantity),
        "unit": offer.unit,
        "capacity_per_week": None
        if offer.capacity_per_week is None
        else str(offer.capacity_per_week),
        "lead_time_days": offer.lead_time_days,
        "delivery_countries": [str(c) for c in offer.delivery_countries],
        "certifications": list(offer.certifications),
        "price_indication": offer.price_indication,
        "valid_until": offer.valid_until.isoformat(),
        "contact": {
            "name": offer.contact_name,
            "email": offer.contact_email,
            "phone": offer.contact_phone,
        },
        "channelling_clusters": clusters,
        "accepted_at": (accepted or timezone.now()).isoformat(),
        "destination": delivery.destination_name,
    }


def sign(body: bytes, secret: str) -> str:
    """The ``X-Signature`` header: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
