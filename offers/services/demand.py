"""Demand from public authorities, and their interest in offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offers.models import OPEN_DEMAND_STATUSES, Demand, DemandStatus, Interest, Match, Offer
from offers.services.catch_up import demand_matching_owed
from offers.services.matches import matches_drop_for_demands
from portal.accounts.permissions import can_publish_demand
from portal.accounts.roles import Role
from portal.core.mail import queue_email

if TYPE_CHECKING:
    import datetime

    from portal.accounts.models import User

DEMAND_FIELDS = (
    "title", "description", "category", "quantity", "unit", "needed_by", "country", "region",
    "urgency", "certifications",
)  # fmt: skip
DEMAND_STATUS_CHANGES = {
    DemandStatus.OPEN: {DemandStatus.PARTIALLY_MET, DemandStatus.MET, DemandStatus.CLOSED},
    DemandStatus.PARTIALLY_MET: {DemandStatus.MET, DemandStatus.CLOSED},
    DemandStatus.MET: set(),
    DemandStatus.CLOSED: set(),
}
# Demands closed per call of ``demands_expire``; the periodic task calls it until none is left.
DEMAND_EXPIRY_BATCH = 200


def _apply(demand: Demand, data: dict[str, Any]) -> None:
    for field in DEMAND_FIELDS:
        if field in data:
            setattr(demand, field, data[field])
    if isinstance(demand.certifications, str):
        demand.certifications = [c.strip() for c in demand.certifications.split(",") if c.strip()]
    # Only a newly given date must be in the future: an old demand can still be edited.
    if "needed_by" in data and demand.needed_by and demand.needed_by < timezone.localdate():
        raise ValidationError({"needed_by": [_("This date has passed.")]})
    if demand.quantity is not None and demand.quantity <= 0:
        raise ValidationError({"quantity": [_("Give a quantity above zero.")]})
    demand.full_clean()


@transaction.atomic
def demand_create(*, by: User, data: dict[str, Any], authority: User | None = None) -> Demand:
    """A verified public authority publishes what it needs; staff may post for an authority."""
    if not can_publish_demand(by):
        raise PermissionDenied(
            _("Only a verified public authority (or Commission staff) can publish demand.")
        )
    if by.is_commission_staff and authority is not None:
        if authority.role != Role.AUTHORITY:
            raise ValidationError({"authority": [_("Choose a public authority account.")]})
        owner = authority
    elif by.role == Role.AUTHORITY:
        owner = by
    else:
        raise ValidationError({"authority": [_("Name the public authority this demand is for.")]})
    demand = Demand(authority=owner, posted_by=by)
    _apply(demand, data)
    demand.save()
    demand_matching_owed(demand)
    return demand


@transaction.atomic
def demand_update(*, demand: Demand, by: User, data: dict[str, Any]) -> Demand:
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not Demand.objects.editable_by(by).filter(pk=demand.pk).exists():
        raise PermissionDenied(_("You cannot change this demand."))
    _apply(demand, data)
    demand.save()
    demand_matching_owed(demand)
    return demand


@transaction.atomic
def demand_set_status(*, demand: Demand, to_status: str, by: User) -> Demand:
    """The authority says its demand is partially met, met or closed."""
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    if not Demand.objects.editable_by(by).filter(pk=demand.pk).exists():
        raise PermissionDenied(_("You cannot change this demand."))
    if to_status not in DEMAND_STATUS_CHANGES[DemandStatus(demand.status)]:
        raise ValidationError(
            {
                "status": [
                    _("A demand that is “%(from)s” cannot become “%(to)s”.")
                    % {
                        "from": DemandStatus(demand.status).label,
                        "to": DemandStatus(to_status).label
                        if to_status in DemandStatus.values
                        else to_status,
                    }
                ]
            }
        )
    demand.status = to_status
    demand.save(update_fields=["status", "updated_at"])
    demand_matching_owed(demand)
    return demand


@transaction.atomic
def demands_expire(*, today: datetime.date | None = None, batch: int | None = None) -> int:
    """The portal closes open and partially met demand whose “needed by” date has passed
    (the Brussels date): it leaves the public list and matching, and its authority is told
    once by e-mail, with a link to publish it again. Returns how many it closed.

    Bounded: at most ``batch`` (``DEMAND_EXPIRY_BATCH``) demands a call, oldest date first."""
    today = today or timezone.localdate()
    batch = batch or DEMAND_EXPIRY_BATCH
    # The claim: the rows are locked and closed in this transaction, so a second run (or a
    # worker running at the same time, which skips the locked rows) never finds them open
    # again, and no demand is closed, or its authority told, twice.
    demands = list(
        Demand.objects.filter(needed_by__lt=today, status__in=OPEN_DEMAND_STATUSES)
        .select_related("authority__organisation")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("needed_by", "pk")[:batch]
    )
    if not demands:
        return 0
    now = timezone.now()
    ids = [demand.pk for demand in demands]
    Demand.objects.filter(pk__in=ids).update(
        status=DemandStatus.CLOSED, expired_at=now, updated_at=now
    )
    matches_drop_for_demands(demand_ids=ids)
    for demand in demands:
        demand.status, demand.expired_at, demand.updated_at = DemandStatus.CLOSED, now, now
        queue_email(
            to=[demand.authority.email],
            subject=_("Your demand “%(title)s” has closed: the date it was needed by has passed")
            % {"title": demand.title},
            template="offers/email/demand_expired.txt",
            context={"demand": demand},
        )
    return len(demands)


@transaction.atomic
def interest_express(*, demand: Demand, offer: Offer, by: User, note: str = "") -> Interest:
    """An authority says it is interested in a matched offer: both sides are told, and the
    company's contact details are shown to the authority from now on."""
    if not (by.is_commission_staff or demand.authority_id == by.pk):
        raise PermissionDenied(
            _("Only the authority that posted this demand can express interest.")
        )
    if not Match.objects.filter(demand=demand, offer=offer).exists():
        raise ValidationError(
            {"offer": [_("This offer is not among the matches for your demand.")]}
        )
    interest, created = Interest.objects.get_or_create(
        demand=demand, offer=offer, defaults={"expressed_by": by, "note": note}
    )
    if created:
        context = {"demand": demand, "offer": offer, "by": by, "note": note}
        queue_email(
            to=[offer.contact_email, offer.submitted_by.email],
            subject=_("A public authority is interested in your offer “%(title)s”")
            % {"title": offer.title},
            template="offers/email/interest_to_company.txt",
            context=context,
        )
        queue_email(
            to=[demand.authority.email],
            subject=_("Contact details for “%(title)s”") % {"title": offer.title},
            template="offers/email/interest_to_authority.txt",
            context=context,
        )
    return interest
