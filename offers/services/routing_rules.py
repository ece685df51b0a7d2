"""Commission staff manage where accepted offers go: the routing rules and the destinations.

A change applies to offers accepted from then on; an offer already accepted keeps the
destination recorded on its delivery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from offers.models import Destination, RoutingRule
from portal.accounts.permissions import is_commission_staff

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

RULE_FIELDS = ("priority", "category", "ecosystem", "country", "destination", "active")
DESTINATION_FIELDS = ("name", "intake_url", "email")


def _check_staff(by: User | AnonymousUser) -> None:
    if not is_commission_staff(by):
        raise PermissionDenied(_("Only Commission staff manage the routing to the Commission."))


def _apply_rule(rule: RoutingRule, data: dict[str, Any]) -> None:
    for field in RULE_FIELDS:
        if field in data:
            setattr(rule, field, data[field])
    rule.country = rule.country or ""
    if rule.priority is None or rule.priority < 1:
        raise ValidationError({"priority": [_("Give a priority of 1 or more.")]})
    rule.full_clean()


@transaction.atomic
def routing_rule_create(*, by: User, data: dict[str, Any]) -> RoutingRule:
    """Staff add a rule: offers accepted from now on that meet its conditions go to its
    destination, unless a rule with a lower priority number takes them first."""
    _check_staff(by)
    rule = RoutingRule()
    _apply_rule(rule, data)
    rule.save()
    return rule


@transaction.atomic
def routing_rule_update(*, rule: RoutingRule, by: User, data: dict[str, Any]) -> RoutingRule:
    """Staff change a rule; offers already accepted keep the destination they were given."""
    _check_staff(by)
    rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
    _apply_rule(rule, data)
    rule.save()
    return rule


@transaction.atomic
def routing_rule_delete(*, rule: RoutingRule, by: User) -> None:
    """Staff remove a rule. Deliveries it chose keep their destination (and forget the rule)."""
    _check_staff(by)
    RoutingRule.objects.filter(pk=rule.pk).delete()


def _apply_destination(destination: Destination, data: dict[str, Any]) -> None:
    for field in DESTINATION_FIELDS:
        if field in data:
            setattr(destination, field, (data[field] or "").strip())
    # The secret is write-only: an empty value keeps the one already set.
    secret = (data.get("secret") or "").strip()
    if secret:
        destination.secret = secret
    errors: dict[str, list[str]] = {}
    if destination.intake_url and urlsplit(destination.intake_url).scheme not in ("http", "https"):
        errors["intake_url"] = [_("Give an address that starts with http:// or https://.")]
    if destination.intake_url and not destination.secret:
        errors["secret"] = [_("Give the secret shared with the intake: every delivery is signed.")]
    if not destination.intake_url and not destination.email:
        errors["intake_url"] = [_("Give an intake URL, a fallback e-mail address, or both.")]
    if errors:
        raise ValidationError(errors)
    destination.full_clean()


@transaction.atomic
def destination_create(*, by: User, data: dict[str, Any]) -> Destination:
    """Staff add a Commission service that rules can route offers to."""
    _check_staff(by)
    destination = Destination()
    _apply_destination(destination, data)
    destination.save()
    return destination


@transaction.atomic
def destination_update(*, destination: Destination, by: User, data: dict[str, Any]) -> Destination:
    """Staff change a destination's name, intake, secret or e-mail. Deliveries still to be
    sent use the new intake and secret; the name on past deliveries stays as it was."""
    _check_staff(by)
    destination = Destination.objects.select_for_update().get(pk=destination.pk)
    _apply_destination(destination, data)
    destination.save()
    return destination
