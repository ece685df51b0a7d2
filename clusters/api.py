"""The clusters API under ``/api/v1/``: cluster and project profiles, and the cluster map.

Serializers check only the shape of a request; ``clusters.services`` decide what is allowed
and valid, and the querysets' ``visible_to`` / ``editable_by`` who sees what. The answers:

- reading: published profiles for everyone; a draft only for its managers and staff. A
  profile the user may not see is 404, for reading and for writing, so drafts do not leak;
- writing a profile the user can see but not change (someone else's published profile) is
  403; so is creating without the role (cluster manager or Commission staff). Without
  credentials a write is 401 (token) or 403 (session), DRF's default;
- a service's ``ValidationError`` is 400 with the same per-field messages.
"""

from __future__ import annotations

import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clusters import selectors, services
from clusters.filters import ClusterFilter, ProjectFilter
from clusters.models import Cluster, ClusterLabel, PartnerRole, Project
from funding.models import Programme
from portal.core.api_docs import ApiDocsView
from portal.core.api_errors import service_errors, valid_filterset
from portal.core.models import Category, Ecosystem

if TYPE_CHECKING:
    from portal.accounts.models import User


def _user(request: Request) -> User:
    """The caller, once a permission class has let only signed-in people through."""
    return cast("User", request.user)


class SelectorFilterDocs(DjangoFilterBackend):
    """Documents the view's ``filterset_class`` in the schema. Filtering itself is done by
    the selectors (``cluster_filterset`` / ``project_filterset``), the same as the pages."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        return queryset


class DirectoryPagination(PageNumberPagination):
    page_size = 50


# --- serializers ------------------------------------------------------------------------


class CoordinateField(serializers.DecimalField):
    """Degrees as a JSON number. Finer than 5 decimals (about a metre) is rounded, not
    refused: GPS readings come with more digits than the profile keeps (as in
    ``services._coordinate``, half up)."""

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        super().__init__(
            max_digits=8,
            decimal_places=5,
            min_value=Decimal(-limit),
            max_value=Decimal(limit),
            coerce_to_string=False,
            rounding=ROUND_HALF_UP,
            allow_null=True,
            required=False,
            **kwargs,
        )

    def validate_precision(self, value: Decimal) -> Decimal:
        if value.adjusted() < 3:  # below 1000: rounding cannot overflow the context
            value = value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)
        return super().validate_precision(value)


class TagNamesField(serializers.ListField):
    """Free tags as a list of names; unknown names become new tags (``services._tags``)."""

    child = serializers.CharField(max_length=60)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_representation(self, data: Any) -> list[str]:
        return [tag.name for tag in data.all()]


def _slugs(queryset: QuerySet[Any], **kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(many=True, slug_field="slug", queryset=queryset, **kwargs)


class ClusterSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:cluster-detail")
    page_url = serializers.SerializerMethodField()
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    ecosystems = _slugs(Ecosystem.objects.all())
    sectors = TagNamesField()
    technologies = TagNamesField()
    value_chains = TagNamesField()
    response_categories = _slugs(Category.objects.all(), required=False)
    logo_url = serializers.SerializerMethodField()

    class Meta:
        model = Cluster
        fields = [
            "id", "url", "page_url", "name", "acronym", "description", "website", "country",
            "region", "city", "latitude", "longitude", "ecosystems", "sectors", "technologies",
            "value_chains", "members_total", "members_sme", "members_large",
            "members_research", "year_founded", "management_organisation", "label",
            "label_date", "contact_email", "response_categories", "response_text", "status",
            "logo_url", "created_at", "updated_at",
        ]  # fmt: skip

    def get_page_url(self, cluster: Cluster) -> str:
        return self.context["request"].build_absolute_uri(cluster.get_absolute_url())

    def get_logo_url(self, cluster: Cluster) -> str | None:
        if not cluster.logo:
            return None
        logo = reverse("clusters:logo", kwargs={"pk": cluster.pk})
        return self.context["request"].build_absolute_uri(logo)


@extend_schema_field(OpenApiTypes.INT)
class VisibleClusterField(serializers.PrimaryKeyRelatedField):
    """A cluster id the caller may see; any other id reads as unknown."""

    def get_queryset(self) -> QuerySet[Cluster]:
        return Cluster.objects.visible_to(self.context["request"].user)


class PartnerSerializer(serializers.Serializer):
    cluster = VisibleClusterField()
    role = serializers.ChoiceField(choices=PartnerRole.choices)


class ProjectSerializer(serializers.ModelSerializer):
    """A project. ``programme`` is a funding programme's slug (see
    ``/api/v1/funding/programmes/``) or null; ``programme_other`` names a programme the
    portal does not list; ``programme_name`` is whichever of the two the pages show."""

    url = serializers.HyperlinkedIdentityField(view_name="api:project-detail")
    page_url = serializers.SerializerMethodField()
    partners = PartnerSerializer(many=True, source="partnerships")
    ecosystems = _slugs(Ecosystem.objects.all(), required=False)
    programme = serializers.SlugRelatedField(
        slug_field="slug", queryset=Programme.objects.all(), allow_null=True, required=False
    )
    programme_name = serializers.CharField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "url", "page_url", "title", "acronym", "description", "programme",
            "programme_name", "programme_other", "partners", "start_date", "end_date",
            "budget", "ecosystems", "website", "status", "created_at", "updated_at",
        ]  # fmt: skip

    def get_page_url(self, project: Project) -> str:
        return self.context["request"].build_absolute_uri(project.get_absolute_url())


def _project_input(
    validated: dict[str, Any],
) -> tuple[dict[str, Any], list[tuple[Cluster, str]] | None]:
    """Split validated input into the service's ``data`` and ``partners`` (None: unchanged)."""
    data = dict(validated)
    rows = data.pop("partnerships", None)
    partners = [(row["cluster"], row["role"]) for row in rows] if rows is not None else None
    return data, partners


# --- clusters ---------------------------------------------------------------------------


class ClusterListView(generics.ListCreateAPIView):
    """Published clusters, filtered like the directory (50 a page); POST creates a cluster
    (cluster managers, who become its manager, and Commission staff)."""

    serializer_class = ClusterSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = DirectoryPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = ClusterFilter

    def get_queryset(self) -> QuerySet[Cluster]:
        filterset = selectors.cluster_filterset(
            data=self.request.query_params, user=self.request.user
        )
        return selectors.cluster_list(filterset=valid_filterset(filterset))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not services.can_create_cluster(user):
            raise exceptions.PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            cluster = services.cluster_create(by=user, data=dict(serializer.validated_data))
        return Response(self.get_serializer(cluster).data, status=status.HTTP_201_CREATED)


class ClusterDetailView(generics.RetrieveUpdateDestroyAPIView):
    """One cluster. Reading: published, or a draft you manage (staff: any); else 404.
    Changing: its managers and staff; someone else's published cluster is 403."""

    serializer_class = ClusterSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Cluster]:
        return Cluster.objects.visible_to(self.request.user)

    def get_object(self) -> Cluster:
        return selectors.cluster_get(pk=self.kwargs["pk"], user=self.request.user)

    def _editable(self) -> Cluster:
        cluster = self.get_object()  # 404 before 403: an invisible draft does not leak
        if not services.can_edit_cluster(_user(self.request), cluster):
            raise exceptions.PermissionDenied
        return cluster

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cluster = self._editable()
        serializer = self.get_serializer(
            cluster, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        with service_errors():
            cluster = services.cluster_update(
                cluster=cluster, by=_user(request), data=dict(serializer.validated_data)
            )
        return Response(self.get_serializer(cluster).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        cluster = self._editable()
        with service_errors():
            services.cluster_delete(cluster=cluster, by=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- projects ---------------------------------------------------------------------------


class ProjectListView(generics.ListCreateAPIView):
    """Published projects, filtered like the directory (50 a page); POST creates a project
    coordinated by a cluster you manage (cluster managers and Commission staff)."""

    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = DirectoryPagination
    filter_backends = [SelectorFilterDocs]
    filterset_class = ProjectFilter

    def get_queryset(self) -> QuerySet[Project]:
        filterset = selectors.project_filterset(
            data=self.request.query_params, user=self.request.user
        )
        return selectors.project_list(filterset=valid_filterset(filterset))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        if not services.can_create_cluster(user):
            raise exceptions.PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, partners = _project_input(serializer.validated_data)
        with service_errors():
            project = services.project_create(by=user, data=data, partners=partners or [])
        project = selectors.project_get(pk=project.pk, user=user)
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)


class ProjectDetailView(generics.RetrieveUpdateDestroyAPIView):
    """One project. Reading: published, or a draft your cluster coordinates (staff: any);
    else 404. Changing: the coordinating cluster's managers and staff; otherwise 403."""

    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticatedOrReadOnly]

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.visible_to(self.request.user)

    def get_object(self) -> Project:
        return selectors.project_get(pk=self.kwargs["pk"], user=self.request.user)

    def _editable(self) -> Project:
        project = self.get_object()  # 404 before 403, as for clusters
        if not services.can_edit_project(_user(self.request), project):
            raise exceptions.PermissionDenied
        return project

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self._editable()
        serializer = self.get_serializer(
            project, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data, partners = _project_input(serializer.validated_data)
        with service_errors():
            project = services.project_update(
                project=project, by=_user(request), data=data, partners=partners
            )
        project = selectors.project_get(pk=project.pk, user=_user(request))
        return Response(self.get_serializer(project).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self._editable()
        with service_errors():
            services.project_delete(project=project, by=_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the cluster map --------------------------------------------------------------------

# Bump when the features' shape changes, so cached copies stop matching.
MAP_FORMAT = "1"
_PK_SENTINEL = 987654321


class _FirstRenderer(BaseContentNegotiation):
    """The map answers GeoJSON whatever the client's Accept says (errors as JSON)."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


def parse_bbox(raw: str | None) -> tuple[Decimal, ...] | None:
    """``minLon,minLat,maxLon,maxLat`` in degrees, or a 400 saying what is wrong.

    Values beyond ±180/±90 are clamped: a zoomed-out Leaflet map reports wrapped bounds.
    """
    if raw is None or not raw.strip():
        return None
    message = _("bbox is minLon,minLat,maxLon,maxLat in degrees, e.g. 2.5,49.5,6.4,51.5.")
    parts = raw.split(",")
    try:
        values = [Decimal(part.strip()) for part in parts]
    except InvalidOperation:
        raise exceptions.ValidationError({"bbox": [message]}) from None
    if len(values) != 4 or not all(v.is_finite() for v in values):
        raise exceptions.ValidationError({"bbox": [message]})
    limits = (180, 90, 180, 90)
    min_lon, min_lat, max_lon, max_lat = (
        max(Decimal(-limit), min(Decimal(limit), value))
        for value, limit in zip(values, limits, strict=True)
    )
    if min_lon > max_lon or min_lat > max_lat:
        message = _("In bbox (minLon,minLat,maxLon,maxLat), a minimum is above its maximum.")
        raise exceptions.ValidationError({"bbox": [message]})
    return min_lon, min_lat, max_lon, max_lat


def _map_etag(request: Request, count: int, latest: Any) -> str:
    """Cheap: the query string, how many clusters match and their latest change."""
    params = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    stamp = latest.isoformat() if latest else ""
    raw = f"{MAP_FORMAT}|{params}|{count}|{stamp}"
    return quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])


_MAP_PARAMETERS = [
    OpenApiParameter("q", str, description="Text in name, acronym, description or tags."),
    OpenApiParameter("country", str, many=True, description="ISO 3166 alpha-2; repeatable."),
    OpenApiParameter("region", str),
    OpenApiParameter("ecosystem", str, many=True, description="Ecosystem slug; repeatable."),
    OpenApiParameter("label", str, enum=ClusterLabel.values),
    OpenApiParameter("category", str, description="Solution category slug."),
    OpenApiParameter("bbox", str, description="minLon,minLat,maxLon,maxLat (WGS84 degrees)."),
]


@method_decorator(gzip_page, name="dispatch")
class ClusterMapView(APIView):
    """Published clusters with a location as a GeoJSON FeatureCollection, filtered like the
    directory, optionally within ``bbox``. Properties are kept small (id, name, country,
    page url) so 50,000 clusters stay one fast response; the page's popups ask for more.

    Caching: the ETag comes from the query string and ``cluster_map_version`` (one
    aggregate query), so a matching ``If-None-Match`` is a 304 before any row is read.
    ``Cache-Control: public, max-age=60``: the map is the same for everybody, and under a
    crisis' load a minute's staleness is worth the requests it saves; after that, browsers
    and shared caches revalidate with the ETag. No authentication is read, so the response
    does not vary by cookie.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        parameters=_MAP_PARAMETERS,
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="GeoJSON FeatureCollection; each feature has a Point geometry "
                '([lon, lat]) and properties "id", "name", "country", "url" (the page).',
            ),
            304: OpenApiResponse(description="Not modified (If-None-Match matched the ETag)."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad filter or bbox."),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        filterset = valid_filterset(
            selectors.cluster_filterset(data=request.query_params, user=request.user)
        )
        bbox = parse_bbox(request.query_params.get("bbox"))
        rows = selectors.cluster_map_rows(filterset=filterset, bbox=bbox)
        count, latest = selectors.cluster_map_version(rows=rows)
        etag = _map_etag(request, count, latest)
        response = get_conditional_response(request, etag=etag)
        if response is None:
            response = HttpResponse(_feature_collection(rows), content_type="application/geo+json")
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=60)
        return response


def _feature_collection(rows: QuerySet[Any]) -> bytes:
    """The FeatureCollection, written as text row by row: for 50,000 clusters this is five
    times faster than building dicts for ``json.dumps``. Only the name is free text, and it
    goes through JSON's own string encoder; the rest are numbers and a country code."""
    # One reverse() for all rows: reversing 50,000 times would dominate the response time.
    prefix, suffix = reverse("clusters:detail", kwargs={"pk": _PK_SENTINEL}).split(
        str(_PK_SENTINEL)
    )
    quote = json.encoder.encode_basestring
    features = ",".join(
        f'{{"type":"Feature","id":{pk},'
        f'"geometry":{{"type":"Point","coordinates":[{float(lon)!r},{float(lat)!r}]}},'
        f'"properties":{{"id":{pk},"name":{quote(name)},"country":{quote(country)},'
        f'"url":{quote(f"{prefix}{pk}{suffix}")}}}}}'
        for pk, name, country, lat, lon in rows
    )
    return f'{{"type":"FeatureCollection","features":[{features}]}}'.encode()


api_urlpatterns: list[URLPattern] = [
    # The map before clusters/<pk>/, so "map" is never read as an id.
    path("clusters/map/", ClusterMapView.as_view(), name="cluster-map"),
    path("clusters/", ClusterListView.as_view(), name="cluster-list"),
    path("clusters/<int:pk>/", ClusterDetailView.as_view(), name="cluster-detail"),
    path("projects/", ProjectListView.as_view(), name="project-list"),
    path("projects/<int:pk>/", ProjectDetailView.as_view(), name="project-detail"),
    # Portal-wide, not the clusters' own: here because portal/urls.py splices only this list.
    path("docs/", ApiDocsView.as_view(), name="docs"),
]
