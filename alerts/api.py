"""The rapid alerts API under ``/api/v1/``: alerts, their assessment and its history.

Serializers check only the shape of a request; ``alerts.services`` decide what is allowed
and valid, ``Alert.objects.visible_to`` (through the selectors) which alerts a caller sees,
and ``selectors.alert_access`` how much of each:

- anyone: the public summary of confirmed and resolved alerts (``SUMMARY_FIELDS``);
- logged-in users: also the details and evidence (``DETAIL_FIELDS``) of the alerts they may
  see (the public ones, those they reported, those of a cluster they manage);
- Commission staff: every alert, with the confidential note and the escalation (an internal
  step: its flag, date, note and history entry are shown to staff only).

A field the caller may not read is left out of the response, not sent as null. An alert the
caller may not see is 404, for reading and for writing; changing one the caller can see but
not change is 403, and so is reporting without the role (cluster managers for a cluster they
manage, verified public authorities). Without credentials a write is 401 (token) or 403
(session). A service's ``ValidationError`` (an illegal transition too) is 400 with per-field
messages. Alerts are never deleted: ``DELETE`` is 405.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from alerts import selectors, services
from alerts.filters import AlertFilter
from alerts.models import (
    MAX_COMPANIES_AFFECTED,
    MAX_DURATION_DAYS,
    MAX_EVIDENCE_CHARS,
    Alert,
    AlertAttachment,
    AlertClusterLink,
    AlertOfferLink,
    AlertStatus,
    AlertTransition,
    AlertType,
    Severity,
    TransitionKind,
    ValueChainStage,
)
from alerts.selectors import Access
from clusters.api import SelectorFilterDocs, VisibleClusterField
from clusters.models import ProfileStatus
from offers.api import CountryCodeField
from offers.models import PUBLIC_OFFER_STATUSES
from portal.accounts.models import User
from portal.core.api_errors import service_errors, valid_filterset


def _user(request: Request) -> User:
    """The caller, once a permission class has let only signed-in people through."""
    return cast("User", request.user)


class ListPagination(PageNumberPagination):
    page_size = 50


# --- choice sets, named once in the schema ----------------------------------------------


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


def _access(context: Any) -> Access:
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
        everything = _access(self.context) >= Access.STAFF
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
        everything = _access(self.context) >= Access.STAFF
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
        keep = set(FIELDS_AT[_access(self.context)])
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


def _split(validated: dict[str, Any]) -> tuple[dict[str, Any], list[str] | None, list[Any]]:
    """The service's ``data``, the ecosystem slugs (None: unchanged) and the files."""
    data = dict(validated)
    ecosystems = data.pop("ecosystems", None)
    attachments = data.pop("attachments", [])
    return data, ecosystems, attachments


def _with_everything_shown(queryset: QuerySet[Alert], access: Access) -> QuerySet[Alert]:
    """A list's rows with what its access level shows, in a fixed number of queries."""
    if access < Access.DETAILS:
        return queryset
    return queryset.select_related("reported_by__organisation").prefetch_related(
        "attachments",
        Prefetch(
            "merged_alerts",
            queryset=Alert.objects.select_related("reported_by__organisation").order_by("pk"),
        ),
        Prefetch("offer_links", queryset=AlertOfferLink.objects.select_related("offer")),
        Prefetch("cluster_links", queryset=AlertClusterLink.objects.select_related("cluster")),
    )


# Filters on what only some callers may read: using one without that access is a 400 (a
# filter must not tell what the response would hide).
RESTRICTED_FILTERS = {
    "escalated": (Access.STAFF, _("Only Commission staff filter by escalation.")),
    "critical_companies_at_risk": (
        Access.DETAILS,
        _("Log in to filter by critical companies at risk."),
    ),
}


def _check_filters(params: Any, access: Access) -> None:
    refused = {
        name: [message]
        for name, (level, message) in RESTRICTED_FILTERS.items()
        if name in params and access < level
    }
    if refused:
        raise exceptions.ValidationError(refused)


class AlertListView(generics.ListCreateAPIView):
    """Alerts the caller may see, newest first (50 a page), filtered by ecosystem (slug),
    country (ISO alpha-2), type, severity, status, value-chain stage and date range
    (``started_after``/``started_before``, ``reported_after``/``reported_before``); logged-in
    users also by ``critical_companies_at_risk``, staff by ``escalated``. A bad filter value,
    or one the caller may not use, is a 400 naming the parameter.

    POST reports an alert: cluster managers for a cluster they manage (``cluster``), verified
    public authorities for themselves; anyone else 403. It waits for the Commission's
    assessment (status ``reported``)."""

    serializer_class = AlertSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = ListPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = AlertFilter

    def get_queryset(self) -> QuerySet[Alert]:
        access = _access(self.get_serializer_context())
        _check_filters(self.request.query_params, access)
        filterset = selectors.alert_filterset(
            data=self.request.query_params, user=self.request.user
        )
        alerts = selectors.alert_list(filterset=valid_filterset(filterset))
        return _with_everything_shown(alerts, access)

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # The browsable API's empty "POST" form: show what a report is made of.
        if self.request.method == "POST" and not args and not kwargs:
            return AlertWriteSerializer(context=self.get_serializer_context())
        return super().get_serializer(*args, **kwargs)

    def get_serializer_context(self) -> dict[str, Any]:
        # One context per request, so the caller's access is worked out once.
        if not hasattr(self, "_context"):
            self._context = dict(super().get_serializer_context())
        return self._context

    @extend_schema(
        request=AlertWriteSerializer,
        responses={
            201: AlertSerializer,
            400: OpenApiResponse(description="Bad input: messages per field."),
            403: OpenApiResponse(description="Not a cluster manager or verified authority."),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not services.can_report_alert(user):
            raise exceptions.PermissionDenied(
                _("Only cluster managers and verified public authorities report alerts.")
            )
        serializer = AlertWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data, ecosystems, attachments = _split(serializer.validated_data)
        with service_errors():
            alert = services.alert_report(
                by=user, data=data, ecosystems=ecosystems or [], attachments=attachments
            )
        alert = selectors.alert_get(pk=alert.pk, user=user)
        return Response(self.get_serializer(alert).data, status=status.HTTP_201_CREATED)


class AlertDetailView(generics.RetrieveUpdateAPIView):
    """One alert the caller may see (else 404), with the fields their access reads. PATCH:
    its reporter, while it is ``reported`` (else 403); ``attachments`` (multipart) adds
    files of evidence. Alerts are not deleted through the API."""

    serializer_class = AlertSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Alert]:
        return Alert.objects.visible_to(self.request.user)

    def get_object(self) -> Alert:
        return selectors.alert_get(pk=self.kwargs["pk"], user=self.request.user)

    @extend_schema(
        request=AlertWriteSerializer,
        responses={
            200: AlertSerializer,
            400: OpenApiResponse(description="Bad input: messages per field."),
            403: OpenApiResponse(description="Not the reporter, or assessment has begun."),
        },
    )
    def patch(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        alert = self.get_object()  # 404 before 403: an invisible alert does not leak
        if not Alert.objects.editable_by(user).filter(pk=alert.pk).exists():
            raise exceptions.PermissionDenied(_("This alert cannot be changed now."))
        serializer = AlertWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data, ecosystems, attachments = _split(serializer.validated_data)
        # All or nothing: the fields and the files of one request.
        with service_errors(), transaction.atomic():
            alert = services.alert_update(alert=alert, by=user, data=data, ecosystems=ecosystems)
            for upload in attachments:
                services.alert_attachment_add(alert=alert, upload=upload, by=user)
        alert = selectors.alert_get(pk=alert.pk, user=user)
        return Response(self.get_serializer(alert).data)


# --- the assessment ---------------------------------------------------------------------


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


class AlertTransitionsView(generics.GenericAPIView):
    """An alert's assessment history, and moving it along.

    GET: the history, for logged-in users who can see the alert (escalations: staff only). POST (Commission staff):
    ``{"to": "under_assessment" | "confirmed" | "dismissed" | "resolved", "note": ...}``
    follows the assessment table; ``{"to": "merged", "merged_into": id, "note": ...}``
    merges it into an open alert (the note has a default); ``{"to": "escalated", "note":
    ...}`` escalates a confirmed alert, once, with a note (it stays confirmed). Dismissing
    needs a note. A change the table does not allow is 400 on ``to``; anyone but staff 403.
    """

    serializer_class = AlertTransitionSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[AlertTransition]:
        return AlertTransition.objects.none()  # for the schema; the alert's own are read

    @extend_schema(responses=AlertTransitionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        alert = selectors.alert_get(pk=pk, user=request.user)
        steps = list(alert.transitions.all())
        if selectors.alert_access(user=request.user) < Access.STAFF:
            steps = [step for step in steps if step.kind != TransitionKind.ESCALATION]
        return Response(self.get_serializer(steps, many=True).data)

    @extend_schema(
        request=AlertTransitionRequestSerializer,
        responses={
            201: AlertTransitionSerializer,
            400: OpenApiResponse(description="Not a change the assessment allows now."),
            403: OpenApiResponse(description="Only Commission staff assess alerts."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _user(request)
        alert = selectors.alert_get(pk=pk, user=user)  # 404 before 403
        if not user.is_commission_staff:
            raise exceptions.PermissionDenied(_("Only Commission staff assess alerts."))
        serializer = AlertTransitionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        to, note = serializer.validated_data["to"], serializer.validated_data["note"]
        with service_errors():
            if to == ESCALATED:
                services.alert_escalate(alert=alert, by=user, note=note)
            elif to == AlertStatus.MERGED:
                into = serializer.validated_data.get("merged_into")
                if into is None:
                    raise serializers.ValidationError(
                        {"merged_into": [_("Name the alert to merge this one into.")]}
                    )
                services.alert_merge(alert=alert, into=into, by=user, note=note)
            else:
                services.alert_transition(alert=alert, to_status=to, by=user, note=note)
        step = AlertTransition.objects.filter(alert=alert).select_related("by").last()
        return Response(self.get_serializer(step).data, status=status.HTTP_201_CREATED)


api_urlpatterns: list[URLPattern] = [
    path("alerts/", AlertListView.as_view(), name="alert-list"),
    path("alerts/<int:pk>/", AlertDetailView.as_view(), name="alert-detail"),
    path("alerts/<int:pk>/transitions/", AlertTransitionsView.as_view(), name="alert-transitions"),
]
