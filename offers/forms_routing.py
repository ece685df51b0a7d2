"""The forms of the routing pages: a routing rule, a destination, the deliveries' filter.

As in ``offers.forms``, the forms check the shape of the input; the rules (a positive
priority, an http(s) intake with a secret, a write-only secret) are the services' in
``offers.services.routing_rules``, whose ``ValidationError`` the views put on these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from offers.forms import CategoryField, country_choices
from offers.models import DeliveryStatus, Destination, RoutingRule
from offers.selectors import DELIVERY_STATUS_ORDER
from portal.core.models import Ecosystem
from portal.core.selectors import ecosystem_list


class RoutingRuleForm(forms.Form):
    """A routing rule. ``service_data()`` is the ``data`` of ``routing_rule_create/update``."""

    priority = forms.IntegerField(
        label=_("Priority"),
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"min": "1", "inputmode": "numeric"}),
        help_text=_("Rules are tried from the lowest number up; the first that matches wins."),
        error_messages={"min_value": _("Give a priority of 1 or more.")},
    )
    category = CategoryField(
        label=_("Solution category"),
        required=False,
        empty_label=_("Any category"),
        help_text=_("A main category also matches its sub-categories."),
    )
    ecosystem = forms.ModelChoiceField(
        label=_("Industrial ecosystem"),
        queryset=Ecosystem.objects.none(),
        required=False,
        empty_label=_("Any ecosystem"),
        help_text=_("Matches offers channelled by a cluster in this ecosystem."),
    )
    country = forms.ChoiceField(label=_("Company country"), required=False, choices=[])
    destination = forms.ModelChoiceField(
        label=_("Destination"),
        queryset=Destination.objects.none(),
        empty_label=_("Choose a Commission service"),
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive rule is kept but never chosen."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        category.choices = category.grouped_choices()
        ecosystem: Any = self.fields["ecosystem"]
        ecosystem.queryset = ecosystem_list()
        self.fields["country"].choices = [  # type: ignore[attr-defined]
            ("", _("Any country")),
            *country_choices(),
        ]
        destination: Any = self.fields["destination"]
        destination.queryset = Destination.objects.order_by("name")

    @staticmethod
    def initial_for(rule: RoutingRule) -> dict[str, Any]:
        return {
            "priority": rule.priority,
            "category": rule.category.slug if rule.category_id else "",  # type: ignore[union-attr]
            "ecosystem": rule.ecosystem_id,
            "country": str(rule.country or ""),
            "destination": rule.destination_id,
            "active": rule.active,
        }

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class DestinationForm(forms.Form):
    """A Commission service. The secret is write-only: it is never sent back to the page,
    and leaving it empty when editing keeps the one already set."""

    name = forms.CharField(
        label=_("Commission service"),
        max_length=200,
        help_text=_("For example “DG SANTE – medical equipment”. Staff see it on each delivery."),
    )
    intake_url = forms.URLField(
        label=_("Intake URL"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where offers are sent, signed, as JSON (an http:// or https:// address)."),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Shared with the intake, which checks the signature of each delivery."),
    )
    email = forms.EmailField(
        label=_("Fallback e-mail"),
        required=False,
        help_text=_("The service’s mailbox, for when its intake cannot be used."),
    )

    def __init__(self, *args: Any, has_secret: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_secret:
            self.fields["secret"].help_text = _(
                "A secret is set. Leave this empty to keep it, or type a new one to replace it."
            )

    @staticmethod
    def initial_for(destination: Destination) -> dict[str, Any]:
        # The secret is deliberately left out.
        return {
            "name": destination.name,
            "intake_url": destination.intake_url,
            "email": destination.email,
        }

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class DeliveryFilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, counts: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["status"]
        field.choices = [
            (status, f"{DeliveryStatus(status).label} ({counts.get(str(status), 0)})")
            for status in DELIVERY_STATUS_ORDER
        ]
        field.widget.choices = field.choices
