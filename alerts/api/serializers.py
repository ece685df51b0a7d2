"""Serializers of the rapid alerts API: the shape of requests and of what each caller may
read (see ``alerts.api``)."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts import selectors
from alerts.models import (
    MAX_COMPANIES_AFFECTED,
    MAX_DURATION_DAYS,
    MAX_EVIDENCE_CHARS,
    Alert,
    AlertAttachment,
    AlertStatus,
    AlertTransition,
    AlertType,
    Severity,
    TransitionKind,
    ValueChainStage,
)
from alerts.selectors import Access
from clusters.api import VisibleClusterField
from clusters.models import ProfileStatus
from offers.api import CountryCodeField
from offers.models import PUBLIC_OFFER_STATUSES


@extend_schema_field({"type": "string", "enum": AlertType.values}, component_name="AlertType")
class AlertTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AlertType.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ValueChainStage.values}, component_name="AlertValueChainStage"
)
class ValueChainStageField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ValueChainStage.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": Severity.values}, component_name="AlertSeverity")
class SeverityField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Severity.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": AlertStatus.values}, component_name="AlertStatus")
class AlertStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AlertStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": TransitionKind.values}, component_name="AlertTransitionKind"
)
class TransitionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TransitionKind.choices, **kwargs)


# ``to`` in a transition request: a status, or ``escalated``, which is not a status but flags
# a confirmed alert for the Commission's senior management (recorded as kind "escalation").
ESCALATED = "escalated"
TRANSITION_TARGETS = [*AlertStatus.values, ESCALATED]


@extend_schema_field(
    {
        "type": "string",
        "enum": TRANSITION_TARGETS,
        "description": "A status, or “escalated” to flag a confirmed alert (it stays confirmed).",
    },
    component_name="AlertTransitionTarget",
)
class TransitionTargetField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TRANSITION_TARGETS, **kwargs)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string"},
        "description": "Industrial ecosystem slugs (see /api/v1/ecosystems/).",
    }
)
class EcosystemSlugsField(serializers.ListField):
    child = serializers.CharField(max_length=60)


# --- reading ----------------------------------------------------------------------------

# Who reads what; ``selectors.alert_access`` decides the level.
SUMMARY_FIELDS = (
    "id", "url", "page_url", "title", "type", "ecosystems", "value_chain_stage", "countries",
    "started_on", "expected_duration_days", "severity", "status", "group_size",
    "merged_into", "created_at", "confirmed_at", "resolved_at", "updated_at",
)  # fmt: skip
DETAIL_FIELDS = (
    "description", "materials", "regions", "companies_affected", "evidence",
    "evidence_links", "attachments", "proposed_solutions", "critical_companies_at_risk",
    "cluster", "solutions", "reporters",
)  # fmt: skip
# Escalation is an internal step of the Commission's: its flag, date and note are for staff.
STAFF_FIELDS = ("confidential_note", "escalated", "escalated_at", "escalation_note")
FIELDS_AT = {
    Access.SUMMARY: SUMMARY_FIELDS,
    Access.DETAILS: SUMMARY_FIELDS + DETAIL_FIELDS,
    Access.STAFF: SUMMARY_FIELDS + DETAIL_FIELDS + STAFF_FIELDS,
}
_ACCESS = "alert_access"  # serializer context key


def access_of(context: Any) -> Access:
    """How much of an alert this response may hold, decided once per response."""
    if _ACCESS not in context:
        request = context.get("request")
        user = getattr(request, "user", None)
        context[_ACCESS] = selectors.alert_access(user=user) if user is not None else Access.SUMMARY
    return cast("Access", context[_ACCESS])


class AlertAttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = AlertAttachment
        fields = ["name", "url", "content_type", "size"]
        read_only_fields = fields

    def get_url(self, attachment: AlertAttachment) -> str:
        link = reverse(
            "alerts:attachment", kwargs={"pk": attachment.alert_id, "attachment_pk": attachment.pk}
        )
        return cast("str", self.context["request"].build_absolute_uri(link))


class AlertLinkedOfferSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="offer.id")
    title = serializers.CharField(source="offer.title")
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_url(self, link: Any) -> str:
        target = reverse("api:offer-detail", kwargs={"pk": link.offer_id})
        return cast("str", self.context["request"].build_absolute_uri(target))

    def get_page_url(self, link: Any) -> str:
        return cast(
            "str", self.context["request"].build_absolute_uri(link.offer.get_absolute_url())
        )


class AlertLinkedClusterSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cluster.id")
    name = serializers.CharField(source="cluster.name")
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_url(self, link: Any) -> str:
        target = reverse("api:cluster-detail", kwargs={"pk": link.cluster_id})
        return cast("str", self.context["request"].build_absolute_uri(target))

    def get_page_url(self, link: Any) -> str:
        return cast(
            "str", self.context["request"].build_absolute_uri(link.cluster.get_absolute_url())
        )


class AlertSolutionsSerializer(serializers.Serializer):
    """Offers and clusters that could address the alert. Only offers still in the public
    catalogue and published clusters are listed, except to staff."""

    offers = serializers.SerializerMethodField()
    clusters = serializers.SerializerMethodField()

    @extend_schema_field(AlertLinkedOfferSerializer(many=True))
    def get_offers(self, alert: Alert) -> list[Any]:
        everything = access_of(self.context) >= Access.STAFF
        links = [
            link
            for link in alert.offer_links.all()
            if everything or link.offer.status in PUBLIC_OFFER_STATUSES
        ]
        return cast(
            "list[Any]", AlertLinkedOfferSerializer(links, many=True, context=self.context).data
        )

    @extend_schema_field(AlertLinkedClusterSerializer(many=True))
    def get_clusters(self, alert: Alert) -> list[Any]:
        everything = access_of(self.context) >= Access.STAFF
        links = [
            link
            for link in alert.cluster_links.all()
            if everything or link.cluster.status == ProfileStatus.PUBLISHED
        ]
        return cast(
            "list[Any]", AlertLinkedClusterSerializer(links, many=True, context=self.context).data
        )


class AlertReporterSerializer(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)


@extend_schema_field(AlertReporterSerializer(many=True))
class ReportersField(serializers.Field):
    """The alert's reporter and the reporters of the alerts merged into it, each once."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", required=False, **kwargs)

    def to_representation(self, alert: Alert) -> list[dict[str, Any]]:
        return [
            {
                "name": user.get_full_name(),
                "organisation": user.organisation.name if user.organisation else None,
            }
            for user in selectors.alert_reporters(alert=alert)
        ]


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class NamesField(serializers.ListField):
    child = serializers.CharField()


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


# --- writing ----------------------------------------------------------------------------


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
