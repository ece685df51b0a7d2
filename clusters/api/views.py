"""Serializers and views of the cluster and project profiles API (see ``clusters.api``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, cast

from django.db.models import QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import exceptions, generics, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from clusters import selectors, services
from clusters.filters import ClusterFilter, ProjectFilter
from clusters.models import Cluster, PartnerRole, Project
from funding.models import Programme
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
