"""Solutions to an alert: the offers and clusters that could address it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from alerts.models import OPEN_ALERT_STATUSES, Alert, AlertClusterLink, AlertOfferLink
from clusters.models import Cluster
from offers.models import PUBLIC_OFFER_STATUSES, Offer
from portal.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

MAX_NOTE_CHARS = 300


def can_link_solutions(user: User | AnonymousUser) -> bool:
    """Commission staff and cluster managers point to offers and clusters that could help."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_commission_staff or user.role == Role.CLUSTER_MANAGER)


def _check(alert: Alert, by: User, note: str) -> str:
    if not can_link_solutions(by):
        raise PermissionDenied(_("Only Commission staff and cluster managers link solutions."))
    if not Alert.objects.visible_to(by).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("You cannot see this alert."))
    if alert.status not in OPEN_ALERT_STATUSES:
        raise ValidationError(
            {"alert": [_("Solutions are linked to open alerts only (this one is closed).")]}
        )
    note = " ".join(note.split())
    if len(note) > MAX_NOTE_CHARS:
        raise ValidationError(
            {"note": [_("The note is at most %(n)s characters.") % {"n": MAX_NOTE_CHARS}]}
        )
    return note


@transaction.atomic
def alert_link_offer(*, alert: Alert, offer: Offer, by: User, note: str = "") -> AlertOfferLink:
    """Point to an accepted offer that could address the alert. Only offers in the public
    catalogue are linked: a confirmed alert is public, and must not reveal a draft."""
    note = _check(alert, by, note)
    if offer.status not in PUBLIC_OFFER_STATUSES:
        raise ValidationError({"offer": [_("Only accepted offers can be linked to an alert.")]})
    try:
        with transaction.atomic():
            return AlertOfferLink.objects.create(alert=alert, offer=offer, note=note, added_by=by)
    except IntegrityError as exc:
        raise ValidationError({"offer": [_("This offer is already linked.")]}) from exc


@transaction.atomic
def alert_link_cluster(
    *, alert: Alert, cluster: Cluster, by: User, note: str = ""
) -> AlertClusterLink:
    """Point to a cluster (with a published profile) that could address the alert."""
    note = _check(alert, by, note)
    if not Cluster.objects.published().filter(pk=cluster.pk).exists():
        raise ValidationError({"cluster": [_("Only published clusters can be linked.")]})
    try:
        with transaction.atomic():
            return AlertClusterLink.objects.create(
                alert=alert, cluster=cluster, note=note, added_by=by
            )
    except IntegrityError as exc:
        raise ValidationError({"cluster": [_("This cluster is already linked.")]}) from exc


@transaction.atomic
def alert_unlink(*, link: AlertOfferLink | AlertClusterLink, by: User) -> None:
    """Staff remove any link; a cluster manager removes the links they added."""
    if not (by.is_authenticated and (by.is_commission_staff or link.added_by_id == by.pk)):
        raise PermissionDenied(_("You cannot remove this link."))
    link.delete()
