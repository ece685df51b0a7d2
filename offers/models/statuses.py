"""The offers app's statuses and choices, which models, services and filters share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User


class OfferStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    NEEDS_INFORMATION = "needs_information", _("Needs information")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    ROUTED = "routed", _("Routed to the Commission")
    CLOSED = "closed", _("Closed")
    EXPIRED = "expired", _("Expired")


# Shown in the public catalogue "Solutions".
PUBLIC_OFFER_STATUSES = (OfferStatus.ACCEPTED, OfferStatus.ROUTED)
# Candidates for matching against demand. Routed offers stay candidates: routing follows
# acceptance within seconds, and the offer is still on the table for the authorities.
MATCHABLE_OFFER_STATUSES = (OfferStatus.ACCEPTED, OfferStatus.UNDER_REVIEW, OfferStatus.ROUTED)


class CompanySize(models.TextChoices):
    SME = "sme", _("SME")
    LARGE = "large", _("Large company")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PARTIALLY_MET = "partially_met", _("Partially met")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed")


OPEN_DEMAND_STATUSES = (DemandStatus.OPEN, DemandStatus.PARTIALLY_MET)


def _is_staff(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)
