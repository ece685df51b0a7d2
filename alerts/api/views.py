"""Views of the rapid alerts API (see ``alerts.api``)."""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from alerts import selectors, services
from alerts.api.serializers import (
    ESCALATED,
    AlertSerializer,
    AlertTransitionRequestSerializer,
    AlertTransitionSerializer,
    AlertWriteSerializer,
    access_of,
    split_validated,
)
from alerts.filters import AlertFilter
from alerts.models import (
    Alert,
    AlertClusterLink,
    AlertOfferLink,
    AlertStatus,
    AlertTransition,
    TransitionKind,
)
from alerts.selectors import Access
from clusters.api import SelectorFilterDocs
from portal.accounts.models import User
from portal.core.api_errors import service_errors, valid_filterset


def _user(request: Request) -> User:
    """The caller, once a permission class has let only signed-in people through."""
    return cast("User", request.user)


class ListPagination(PageNumberPagination):
    page_size = 50


# --- choice sets, named once in the schema ----------------------------------------------


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
        access = access_of(self.get_serializer_context())
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
        data, ecosystems, attachments = split_validated(serializer.validated_data)
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
        data, ecosystems, attachments = split_validated(serializer.validated_data)
        # All or nothing: the fields and the files of one request.
        with service_errors(), transaction.atomic():
            alert = services.alert_update(alert=alert, by=user, data=data, ecosystems=ecosystems)
            for upload in attachments:
                services.alert_attachment_add(alert=alert, upload=upload, by=user)
        alert = selectors.alert_get(pk=alert.pk, user=user)
        return Response(self.get_serializer(alert).data)


# --- the assessment ---------------------------------------------------------------------


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
