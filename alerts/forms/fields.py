"""Form fields the alert forms share: the industrial ecosystems as checkboxes, chosen by their
slugs, used to report an alert (``alerts.forms.alert``) and to subscribe to alerts
(``alerts.forms.subscription``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.selectors import ecosystem_list


class EcosystemsField(forms.ModelMultipleChoiceField):
    """Industrial ecosystems as checkboxes; the values are the ecosystems' slugs (as in the
    API and the list's filters)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Choose at least one industrial ecosystem."),
                "invalid_choice": _("Unknown ecosystem: %(value)s."),
            },
        )
        super().__init__(queryset=ecosystem_list(), to_field_name="slug", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)
