"""The funding API under ``/api/v1/funding/``: programmes and calls, read-only and public.

Everyone reads what the pages show (``visible_to``: inactive programmes and their calls for
Commission staff only; anything else is 404). Calls filter like the calls page —
``status`` (repeatable: upcoming, open, closed; all of them when absent), ``programme``
(slug), ``ecosystem`` (slug), ``country`` (ISO code), ``q`` and ``sort`` — and a filter
value the portal does not know is a 400 with the field's message. Programmes and calls are
changed by staff in the portal's pages.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import URLPattern, path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from funding import selectors
from funding.filters import CallFilter
from funding.models import Call, CallStatus, Programme
from portal.core.api_errors import valid_filterset


class ListPagination(PageNumberPagination):
    page_size = 50


class FilterDocs(DjangoFilterBackend):
    """Documents ``filterset_class`` in the schema; the selector does the filtering."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset


def _slugs() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)


@extend_schema_field({"type": "string", "enum": CallStatus.values}, component_name="CallStatus")
class CallStatusField(serializers.CharField):
    pass


class ProgrammeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:funding-programme-detail", lookup_field="slug"
    )
    page_url = serializers.SerializerMethodField()
    objectives = serializers.ListField(
        source="objective_list", child=serializers.CharField(), read_only=True
    )
    ecosystems = _slugs()

    class Meta:
        model = Programme
        fields = [
            "slug", "url", "page_url", "name", "summary", "description", "objectives",
            "ecosystems", "link", "active",
        ]  # fmt: skip
        read_only_fields = fields

    def get_page_url(self, programme: Programme) -> str:
        return self.context["request"].build_absolute_uri(programme.get_absolute_url())


class CallSerializer(serializers.ModelSerializer):
    """A call. ``opens_at``/``deadline_at`` are instants (ISO 8601 with an offset);
    ``deadline_local`` is the deadline as the call publishes it, in ``timezone``. A null
    ``budget`` means the budget is not published; empty ``eligible_countries`` or
    ``ecosystems`` mean every country or ecosystem."""

    url = serializers.HyperlinkedIdentityField(view_name="api:funding-call-detail")
    page_url = serializers.SerializerMethodField()
    programme: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    status = CallStatusField(read_only=True)
    deadline_local = serializers.SerializerMethodField()
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=False, allow_null=True, read_only=True
    )
    eligible_countries = serializers.SerializerMethodField()
    ecosystems = _slugs()

    class Meta:
        model = Call
        fields = [
            "id", "url", "page_url", "title", "programme", "programme_name", "summary",
            "status", "opens_at", "deadline_at", "timezone", "deadline_local", "budget",
            "eligible_countries", "ecosystems", "link",
        ]  # fmt: skip
        read_only_fields = fields

    def get_page_url(self, call: Call) -> str:
        return self.context["request"].build_absolute_uri(call.get_absolute_url())

    def get_deadline_local(self, call: Call) -> str:
        return call.deadline_local.isoformat()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_eligible_countries(self, call: Call) -> list[str]:
        return [str(country) for country in call.eligible_countries]


class ProgrammeListView(generics.ListAPIView):
    """Programmes (inactive ones for Commission staff only)."""

    serializer_class = ProgrammeSerializer
    permission_classes = [AllowAny]
    pagination_class = ListPagination

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programme_list(user=self.request.user)


class ProgrammeDetailView(generics.RetrieveAPIView):
    serializer_class = ProgrammeSerializer
    permission_classes = [AllowAny]
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Programme]:
        return selectors.programme_list(user=self.request.user)

    def get_object(self) -> Programme:
        return selectors.programme_get(slug=self.kwargs["slug"], user=self.request.user)


class CallListView(generics.ListAPIView):
    """Calls for proposals, nearest deadline first (50 a page), with their status now."""

    serializer_class = CallSerializer
    permission_classes = [AllowAny]
    pagination_class = ListPagination
    filter_backends = [FilterDocs]
    filterset_class = CallFilter

    def get_queryset(self) -> QuerySet[Call]:
        filterset = selectors.call_filterset(data=self.request.query_params, user=self.request.user)
        return selectors.call_list(filterset=valid_filterset(filterset))


class CallDetailView(generics.RetrieveAPIView):
    serializer_class = CallSerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Call]:
        return Call.objects.visible_to(self.request.user)

    def get_object(self) -> Call:
        return selectors.call_get(pk=self.kwargs["pk"], user=self.request.user)


api_urlpatterns: list[URLPattern] = [
    path("funding/programmes/", ProgrammeListView.as_view(), name="funding-programme-list"),
    path(
        "funding/programmes/<slug:slug>/",
        ProgrammeDetailView.as_view(),
        name="funding-programme-detail",
    ),
    path("funding/calls/", CallListView.as_view(), name="funding-call-list"),
    path("funding/calls/<int:pk>/", CallDetailView.as_view(), name="funding-call-detail"),
]
