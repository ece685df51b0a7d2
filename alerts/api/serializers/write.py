"""What callers send to the rapid alerts API: an alert to report or correct (its shape only;
the services check the rest), split into the service's arguments by ``split_validated``, and
a transition request (a new status, ``escalated``, or a merge into another alert).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from alerts.api.serializers.fields import (
    AlertTypeField,
    EcosystemSlugsField,
    SeverityField,
    TransitionTargetField,
    ValueChainStageField,
)
from alerts.models import (
    MAX_COMPANIES_AFFECTED,
    MAX_DURATION_DAYS,
    MAX_EVIDENCE_CHARS,
    Alert,
    AlertStatus,
)
from clusters.api import VisibleClusterField
from offers.api import CountryCodeField


class AlertWriteSerializer(serializers.Serializer):
    """What an alert is made of. The service checks the rest: ecosystem slugs, the cluster
    (cluster managers: one they manage; authorities report for themselves), a start date not
    in the future, the evidence's size, web addresses, at least one country.

    ``attachments`` (multipart only): PDF or image files of evidence, checked by content."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    type = AlertTypeField()
    ecosystems = EcosystemSlugsField(allow_empty=False)
    value_chain_stage = ValueChainStageField()
    materials = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Products or materials.")
    )
    countries = serializers.ListField(
        child=CountryCodeField(), allow_empty=False, help_text=_("ISO 3166 alpha-2 codes.")
    )
    regions = serializers.ListField(child=serializers.CharField(), required=False)
    started_on = serializers.DateField()
    expected_duration_days = serializers.IntegerField(
        min_value=1, max_value=MAX_DURATION_DAYS, required=False, allow_null=True
    )
    severity = SeverityField()
    companies_affected = serializers.IntegerField(
        min_value=0, max_value=MAX_COMPANIES_AFFECTED, required=False, allow_null=True
    )
    evidence = serializers.CharField(
        required=False, allow_blank=True, max_length=MAX_EVIDENCE_CHARS
    )
    evidence_links = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False
    )
    proposed_solutions = serializers.CharField(required=False, allow_blank=True)
    critical_companies_at_risk = serializers.BooleanField(required=False)
    confidential_note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("On the critical companies at risk: read by Commission staff only."),
    )
    cluster = VisibleClusterField(
        required=False,
        allow_null=True,
        help_text=_("The reporting cluster's id (cluster managers: one they manage)."),
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, write_only=True
    )


def split_validated(
    validated: dict[str, Any],
) -> tuple[dict[str, Any], list[str] | None, list[Any]]:
    """The service's ``data``, the ecosystem slugs (None: unchanged) and the files."""
    data = dict(validated)
    ecosystems = data.pop("ecosystems", None)
    attachments = data.pop("attachments", [])
    return data, ecosystems, attachments


class AlertTransitionRequestSerializer(serializers.Serializer):
    to = TransitionTargetField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    merged_into = serializers.PrimaryKeyRelatedField(
        queryset=Alert.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("With “to”: “merged”: the id of the open alert this one joins."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("merged_into") is not None and attrs["to"] != AlertStatus.MERGED:
            raise serializers.ValidationError(
                {"merged_into": [_("Name an alert to merge into only with “to”: “merged”.")]}
            )
        return attrs
