"""Likely duplicates: the same company often reached the Commission through several clusters.

Two offers are likely the same when they carry the same registration number, or come from a
company of the same name with a similar title (PostgreSQL trigram similarity; on SQLite, the
embedded default, Python's sequence matcher over the same company's offers).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from django.db import connection
from django.db.models import Q, QuerySet

from offers.models import Offer, OfferStatus

TITLE_SIMILARITY = 0.4


def normalise_registration(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", number.upper())


def likely_duplicates(offer: Offer) -> QuerySet[Offer]:
    """Other submitted offers that are likely the same as this one."""
    others = Offer.objects.exclude(pk=offer.pk).exclude(status=OfferStatus.DRAFT)
    same_company = Q(company_name__iexact=offer.company_name.strip())
    registration = normalise_registration(offer.registration_number)
    same_registration = Q(pk__in=[])
    if registration:
        candidates = others.exclude(registration_number="").values_list("pk", "registration_number")
        same_registration = Q(
            pk__in=[
                pk for pk, number in candidates if normalise_registration(number) == registration
            ]
        )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        similar = (
            others.filter(same_company)
            .annotate(similarity=TrigramSimilarity("title", offer.title))
            .filter(similarity__gte=TITLE_SIMILARITY)
            .values_list("pk", flat=True)
        )
        similar_ids = list(similar)
    else:
        similar_ids = [
            pk
            for pk, title in others.filter(same_company).values_list("pk", "title")
            if SequenceMatcher(None, title.lower(), offer.title.lower()).ratio() >= TITLE_SIMILARITY
        ]
    return others.filter(same_registration | Q(pk__in=similar_ids))


def duplicates_flag(*, offer: Offer) -> None:
    """Flag this offer's likely duplicates (for staff to decide), and clear what it owed."""
    from offers.services.catch_up import work_done

    offer.possible_duplicates.add(*likely_duplicates(offer))
    work_done(offer, "duplicates_due_at")
