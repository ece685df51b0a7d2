"""What callers read in the rapid alerts API: an alert, with only the fields the caller's
access level reads (``alerts.api.serializers.access``: the summary for everyone; details,
evidence, solutions and reporters for logged-in users; the confidential and escalation notes
for Commission staff), and the steps of its assessment.
"""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.api.serializers.access import FIELDS_AT, access_of
from alerts.api.serializers.fields import (
    AlertStatusField,
    AlertTypeField,
    EcosystemSlugsField,
    NamesField,
    SeverityField,
    TransitionKindField,
    ValueChainStageField,
)
from alerts.api.serializers.nested import (
    AlertAttachmentSerializer,
    AlertSolutionsSerializer,
    ReportersField,
)
from alerts.models import Alert, AlertTransition
from offers.api import CountryCodeField


class AlertSerializer(serializers.Serializer):
    """A rapid alert, with the fields the caller may read (see the module's docstring):
    everyone gets the summary; logged-in users the details, evidence, solutions and
    reporters; Commission staff the confidential and escalation notes. Fields not listed as
    required are present only at the access level that reads them."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:alert-detail")
    page_url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    type = AlertTypeField(read_only=True)
    ecosystems = serializers.SerializerMethodField()
    value_chain_stage = ValueChainStageField(read_only=True)
    countries = serializers.ListField(child=CountryCodeField(), read_only=True)
    started_on = serializers.DateField(read_only=True)
    expected_duration_days = serializers.IntegerField(read_only=True, allow_null=True)
    severity = SeverityField(read_only=True)
    status = AlertStatusField(read_only=True)
    group_size = serializers.SerializerMethodField(
        help_text=_("How many alerts the group holds: this one and those merged into it.")
    )
    merged_into = serializers.IntegerField(
        source="merged_into_id",
        read_only=True,
        allow_null=True,
        help_text=_("When merged: the id of the alert this one now counts toward."),
    )
    created_at = serializers.DateTimeField(read_only=True, help_text=_("When it was reported."))
    confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True)
    # Details (logged-in users). Not read_only, so the schema lists them as optional: this
    # serializer only ever writes responses.
    description = serializers.CharField(required=False)
    materials = NamesField(required=False)
    regions = NamesField(required=False)
    companies_affected = serializers.IntegerField(required=False, allow_null=True)
    evidence = serializers.CharField(required=False)
    evidence_links = NamesField(required=False)
    attachments = AlertAttachmentSerializer(many=True, required=False)
    proposed_solutions = serializers.CharField(required=False)
    critical_companies_at_risk = serializers.BooleanField(required=False)
    cluster = serializers.IntegerField(
        source="cluster_id",
        required=False,
        allow_null=True,
        help_text=_("The reporting cluster's id (null when a public authority reported it)."),
    )
    solutions = AlertSolutionsSerializer(source="*", required=False)
    reporters = ReportersField()
    # Commission staff only.
    confidential_note = serializers.CharField(required=False)
    escalated = serializers.BooleanField(required=False)
    escalated_at = serializers.DateTimeField(required=False, allow_null=True)
    escalation_note = serializers.CharField(required=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        view = self.context.get("view")
        if getattr(view, "swagger_fake_view", False):
            return fields  # the schema describes every field
        keep = set(FIELDS_AT[access_of(self.context)])
        return {name: field for name, field in fields.items() if name in keep}

    def get_page_url(self, alert: Alert) -> str:
        return cast("str", self.context["request"].build_absolute_uri(alert.get_absolute_url()))

    @extend_schema_field(EcosystemSlugsField())
    def get_ecosystems(self, alert: Alert) -> list[str]:
        return [ecosystem.slug for ecosystem in alert.ecosystems.all()]

    def get_group_size(self, alert: Alert) -> int:
        annotated = getattr(alert, "group_size", None)
        if annotated is not None:
            return int(annotated)
        return len(alert.merged_alerts.all()) + 1


class AlertTransitionSerializer(serializers.ModelSerializer):
    """One step of an alert's assessment, with the reason given. The first records the report
    (``from_status`` empty); ``kind`` "escalation" records an escalation (the status stays),
    and is listed to Commission staff only."""

    kind = TransitionKindField(read_only=True)
    from_status = serializers.CharField(read_only=True)
    to_status = AlertStatusField(read_only=True)
    by = serializers.SerializerMethodField()
    at = serializers.DateTimeField(source="created_at", read_only=True)
    note = serializers.CharField(read_only=True)

    class Meta:
        model = AlertTransition
        fields = ["kind", "from_status", "to_status", "by", "at", "note"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_by(self, transition: AlertTransition) -> str | None:
        return transition.by.get_full_name() if transition.by else None
