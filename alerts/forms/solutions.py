"""The forms that link a solution to an alert: an offer or a cluster, given by the number in
its address, with a note on how it helps. Who may link, and which offers and clusters may be
linked, is decided by ``alerts.services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class LinkOfferForm(forms.Form):
    offer = forms.IntegerField(
        label=_("Offer number"),
        min_value=1,
        max_value=2_147_483_647,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("The number in the offer’s address: 42 for /offers/42/."),
    )
    note = forms.CharField(label=_("How it helps"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "offer-%s")
        super().__init__(*args, **kwargs)


class LinkClusterForm(forms.Form):
    cluster = forms.IntegerField(
        label=_("Cluster number"),
        min_value=1,
        max_value=2_147_483_647,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("The number in the cluster’s address: 42 for /clusters/42/."),
    )
    note = forms.CharField(label=_("How it helps"), required=False, max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "cluster-%s")
        super().__init__(*args, **kwargs)
