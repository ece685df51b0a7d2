"""The subscription form: which confirmed alerts a user hears about by e-mail (industrial
ecosystems, countries and types of disruption, where none ticked means any), how often, and
whether the e-mails are paused.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.forms.fields import EcosystemsField
from alerts.models import AlertType, Frequency, Subscription
from offers.forms import country_choices


class SubscriptionForm(forms.Form):
    """What confirmed alerts a user hears about. An empty criterion means “any”."""

    ecosystems = EcosystemsField(
        label=_("Industrial ecosystems"),
        required=False,
        help_text=_("None ticked: alerts in every ecosystem."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: alerts affecting any country."),
    )
    types = forms.MultipleChoiceField(
        label=_("Types of disruption"),
        choices=AlertType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: alerts of every type."),
    )
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    active = forms.BooleanField(
        label=_("Send me these e-mails"),
        required=False,
        help_text=_("Untick to pause the e-mails and keep your choices."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = country_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(subscription: Subscription | None) -> dict[str, Any]:
        if subscription is None:
            return {"frequency": Frequency.IMMEDIATE, "active": True}
        return {
            "ecosystems": [e.slug for e in subscription.ecosystems.all()],
            "countries": [str(c) for c in subscription.countries],
            "types": list(subscription.types),
            "frequency": subscription.frequency,
            "active": subscription.active,
        }
