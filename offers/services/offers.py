"""Offers: posting, editing, the lifecycle, triage, attachments and expiry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusters.models import Cluster
from offers.models import (
    MATCHABLE_OFFER_STATUSES,
    Offer,
    OfferAttachment,
    OfferStatus,
    OfferTransition,
)
from offers.services.catch_up import (
    offer_duplicates_owed,
    offer_matching_owed,
    offers_matching_owed,
)
from offers.transitions import DECISIONS, STAFF, SUBMITTER, SYSTEM, TRANSITIONS
from portal.accounts.roles import Role
from portal.core.mail import queue_email
from portal.core.uploads import clean_document_upload

if TYPE_CHECKING:
    from portal.accounts.models import User

OFFER_FIELDS = (
    "title", "description", "company_name", "company_country", "registration_number",
    "company_size", "cluster", "category", "product_details", "quantity", "unit",
    "capacity_per_week", "lead_time_days", "delivery_countries", "certifications",
    "price_indication", "valid_until", "contact_name", "contact_email", "contact_phone",
)  # fmt: skip
EXPIRY_BATCH = 500


def _status_label(status: str) -> str:
    return str(OfferStatus(status).label) if status in OfferStatus.values else status


class TransitionError(ValidationError):
    """A status change the lifecycle table does not allow (or not to this person)."""


def _queue_matching(offer: Offer, from_status: str) -> None:
    """Recompute the offer's matches when the transition makes it matchable or not.

    Matching reads the offer's fields and whether its status is one of
    ``MATCHABLE_OFFER_STATUSES``, never which one: a move between two matchable statuses
    (under review → accepted → routed) or between two others changes no match, and the
    offer's fields cannot change while it is matchable (only drafts and offers that need
    information are edited)."""
    if (from_status in MATCHABLE_OFFER_STATUSES) == (offer.status in MATCHABLE_OFFER_STATUSES):
        return
    offer_matching_owed(offer)


def _apply(offer: Offer, data: dict[str, Any], by: User) -> None:
    for field in OFFER_FIELDS:
        if field in data:
            setattr(offer, field, data[field])
    if isinstance(offer.certifications, str):
        offer.certifications = [c.strip() for c in offer.certifications.split(",") if c.strip()]
    offer.certifications = [
        " ".join(str(c).split()) for c in offer.certifications if str(c).strip()
    ]
    if by.role == Role.COMPANY:
        # A company representative offers for their own company; a cluster channels nothing.
        organisation = by.organisation
        if organisation is not None:
            offer.company_name = offer.company_name or organisation.name
            offer.company_country = offer.company_country or organisation.country
        offer.cluster = None
    elif by.role == Role.CLUSTER_MANAGER:
        if offer.cluster_id is None:
            raise ValidationError({"cluster": [_("Name the cluster that channels this offer.")]})
        if not Cluster.objects.managed_by(by).filter(pk=offer.cluster_id).exists():
            raise ValidationError(
                {"cluster": [_("You can channel offers only through a cluster you manage.")]}
            )
    if (
        offer.valid_until
        and offer.valid_until < timezone.localdate()
        and offer.status == OfferStatus.DRAFT
    ):
        raise ValidationError({"valid_until": [_("This date has passed.")]})
    offer.full_clean()


def can_post_offer(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role in (Role.COMPANY, Role.CLUSTER_MANAGER)
    )


@transaction.atomic
def offer_create(*, by: User, data: dict[str, Any]) -> Offer:
    """A company representative posts an offer for their company, or a cluster manager for a
    member company through their cluster. It starts as a draft."""
    if not can_post_offer(by):
        raise PermissionDenied(_("Only company representatives and cluster managers post offers."))
    offer = Offer(submitted_by=by, status=OfferStatus.DRAFT)
    _apply(offer, data, by)
    offer.save()
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, by: User, data: dict[str, Any]) -> Offer:
    """The poster changes their offer while it is a draft or needs information."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if not Offer.objects.editable_by(by).filter(pk=offer.pk).exists():
        raise PermissionDenied(_("This offer cannot be changed now."))
    _apply(offer, data, by)
    offer.save()
    return offer


def _actors(offer: Offer, by: User | None) -> set[str]:
    if by is None:
        return {SYSTEM}
    actors = set()
    if by.is_commission_staff:
        actors.add(STAFF)
    if offer.submitted_by_id == by.pk:
        actors.add(SUBMITTER)
    return actors


@transaction.atomic
def offer_transition(*, offer: Offer, to_status: str, by: User | None, note: str = "") -> Offer:
    """Move an offer along its lifecycle, if the table allows it for this person.

    Records who, when and the note, and tells the poster by e-mail once committed (except
    when the portal itself marks an offer routed). ``by=None`` is the portal itself (expiry,
    routing).
    """
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    from_status = offer.status
    allowed = TRANSITIONS.get((from_status, to_status))
    if allowed is None:
        raise TransitionError(
            {
                "to": [
                    _("An offer that is “%(from)s” cannot become “%(to)s”.")
                    % {"from": OfferStatus(from_status).label, "to": _status_label(to_status)}
                ]
            }
        )
    if not allowed & _actors(offer, by):
        raise PermissionDenied(_("You cannot make this change."))
    # What the poster submits must still be valid.
    if to_status == OfferStatus.SUBMITTED and offer.valid_until < timezone.localdate():
        raise ValidationError({"valid_until": [_("The offer's “valid until” date has passed.")]})
    now = timezone.now()
    offer.status = to_status
    fields = ["status", "updated_at"]
    if to_status == OfferStatus.SUBMITTED and offer.submitted_at is None:
        offer.submitted_at = now
        fields.append("submitted_at")
    if to_status in DECISIONS and offer.first_decision_at is None:
        offer.first_decision_at = now
        fields.append("first_decision_at")
    offer.save(update_fields=fields)
    OfferTransition.objects.create(
        offer=offer, from_status=from_status, to_status=to_status, by=by, note=note
    )
    if to_status == OfferStatus.ACCEPTED:
        from offers.routing import delivery_create

        delivery_create(offer=offer)  # the outbox row, in this same transaction
    if not (to_status == OfferStatus.ROUTED and by is None):
        # The portal's own "routed", seconds after "accepted" once the Commission's intake has
        # the offer, is not worth a second e-mail: the poster was told of the acceptance, and
        # the offer's page shows it routed. Staff who route an offer by hand still tell them.
        queue_email(
            to=[offer.submitted_by.email],
            subject=_("Your offer “%(title)s” is now %(status)s")
            % {"title": offer.title, "status": offer.get_status_display().lower()},
            template="offers/email/offer_transition.txt",
            context={
                "offer": offer,
                "from_status": OfferStatus(from_status).label,
                "note": note,
                "by": by,
            },
        )
    if to_status == OfferStatus.SUBMITTED:
        offer_duplicates_owed(offer)
    _queue_matching(offer, from_status)
    return offer


@transaction.atomic
def offers_mark_routed(*, offer_ids: Iterable[int], note: str = "") -> list[int]:
    """The portal marks accepted offers routed, once the Commission's intake has them: the
    bulk form of ``offer_transition(to_status=ROUTED, by=None)`` for a batch of deliveries.

    Only offers still "accepted" move (one that moved meanwhile, e.g. expired, is left as it
    is); returns the ids of those that did. Each gets its history row. Like the single
    transition made by the portal itself, it sends no e-mail, and it recomputes matches only
    if the lifecycle made "routed" matchable where "accepted" is not (it does not today)."""
    from_status, to_status = OfferStatus.ACCEPTED, OfferStatus.ROUTED
    if SYSTEM not in TRANSITIONS.get((from_status, to_status), frozenset()):
        raise PermissionDenied(_("You cannot make this change."))
    # Locked in a fixed order (two batches never wait on each other in a circle), and read
    # again once locked, so an offer that changed meanwhile is not moved.
    routed = list(
        Offer.objects.select_for_update()
        .filter(pk__in=list(offer_ids), status=from_status)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not routed:
        return []
    Offer.objects.filter(pk__in=routed).update(status=to_status, updated_at=timezone.now())
    OfferTransition.objects.bulk_create(
        OfferTransition(offer_id=pk, from_status=from_status, to_status=to_status, note=note)
        for pk in routed
    )
    if (from_status in MATCHABLE_OFFER_STATUSES) != (to_status in MATCHABLE_OFFER_STATUSES):
        offers_matching_owed(routed)
    return routed


@transaction.atomic
def offer_assign(*, offer: Offer, assignee: User | None, by: User) -> Offer:
    """Commission staff take an offer (or hand it to a colleague, or release it)."""
    if not by.is_commission_staff:
        raise PermissionDenied(_("Only Commission staff triage offers."))
    if assignee is not None and not assignee.is_commission_staff:
        raise ValidationError({"assignee": [_("Offers are assigned to Commission staff only.")]})
    Offer.objects.filter(pk=offer.pk).update(assignee=assignee, updated_at=timezone.now())
    offer.assignee = assignee
    return offer


@transaction.atomic
def offer_mark_duplicate(*, offer: Offer, original: Offer, by: User, note: str = "") -> Offer:
    """Staff mark an offer under review as a duplicate of another. The original keeps showing
    every cluster that channelled the same offer."""
    if original.duplicate_of_id is not None:
        original = original.duplicate_of  # type: ignore[assignment]  # point at the first one
    # Checked after following the chain: marking A as a duplicate of its own duplicate B
    # would otherwise make A a duplicate of itself.
    if original.pk == offer.pk:
        raise ValidationError({"duplicate_of": [_("An offer cannot duplicate itself.")]})
    Offer.objects.filter(pk=offer.pk).update(duplicate_of=original)
    # Offers already marked as duplicates of this one follow it to the original, so the
    # original keeps listing every cluster that channelled the same offer.
    Offer.objects.filter(duplicate_of=offer).update(duplicate_of=original)
    offer = offer_transition(
        offer=offer,
        to_status=OfferStatus.DUPLICATE,
        by=by,
        note=note or _("Duplicate of offer #%(pk)s") % {"pk": original.pk},
    )
    return offer


@transaction.atomic
def attachment_add(*, offer: Offer, upload: UploadedFile, by: User) -> OfferAttachment:
    """Attach a datasheet (PDF or image, checked by content) to an offer its poster may edit."""
    if not Offer.objects.editable_by(by).filter(pk=offer.pk).exists():
        raise PermissionDenied(_("This offer cannot be changed now."))
    try:
        clean, content_type = clean_document_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"attachments": exc.messages}) from exc
    attachment = OfferAttachment(
        offer=offer,
        original_name=(upload.name or "attachment")[-200:],
        content_type=content_type,
        size=clean.size,
        uploaded_by=by,
    )
    attachment.file.save(clean.name or "attachment", clean, save=False)
    attachment.save()
    return attachment


def offers_expire(*, today: Any = None, batch: int = EXPIRY_BATCH) -> int:
    """The portal expires open offers whose “valid until” date has passed; returns how many.

    Bounded batches: the periodic task calls it again until nothing is left."""
    from offers.transitions import OPEN_STATUSES

    today = today or timezone.localdate()
    ids = list(
        Offer.objects.filter(valid_until__lt=today, status__in=OPEN_STATUSES)
        .order_by("valid_until", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    expired = 0
    for pk in ids:
        offer = Offer.objects.get(pk=pk)
        try:
            offer_transition(
                offer=offer,
                to_status=OfferStatus.EXPIRED,
                by=None,
                note=_("The offer's validity ended."),
            )
        except (TransitionError, PermissionDenied):
            continue  # changed meanwhile by someone else: nothing to expire
        expired += 1
    return expired
