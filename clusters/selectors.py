"""Reads of cluster and project profiles. Each selector owns its prefetching, so its query
count does not grow with the number of rows."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Max, Prefetch, QuerySet
from django.http import Http404

from clusters.filters import ClusterFilter, ProjectFilter
from clusters.models import Cluster, ClusterManager, ProfileChange, Project, ProjectPartner
from portal.core.models import Category, Ecosystem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

    AnyUser = User | AnonymousUser


def _cluster_prefetch(queryset: QuerySet[Cluster]) -> QuerySet[Cluster]:
    return queryset.prefetch_related(
        "ecosystems",
        "sectors",
        "technologies",
        "value_chains",
        # A category's name shows its parent's: fetch both in one query.
        Prefetch("response_categories", queryset=Category.objects.select_related("parent")),
    )


def cluster_filterset(*, data: Any, user: AnyUser) -> ClusterFilter:
    """The directory's filters over the published clusters (drafts never list)."""
    return ClusterFilter(data=data, queryset=Cluster.objects.published().order_by("name", "pk"))


def cluster_list(*, filterset: ClusterFilter) -> QuerySet[Cluster]:
    queryset = filterset.qs
    # A tie-breaker, so that sorting by country or members pages without repeats or gaps.
    return _cluster_prefetch(queryset.order_by(*queryset.query.order_by, "pk"))


def cluster_get(*, pk: int, user: AnyUser) -> Cluster:
    """A cluster the user may see, with everything its page shows; 404 otherwise."""
    queryset = _cluster_prefetch(Cluster.objects.visible_to(user)).prefetch_related(
        Prefetch(
            "partnerships",
            queryset=ProjectPartner.objects.filter(project__in=Project.objects.visible_to(user))
            .select_related("project")
            .order_by("project__title"),
            to_attr="visible_partnerships",
        ),
        Prefetch(
            "managerships",
            queryset=ClusterManager.objects.select_related("user").order_by("added_at"),
        ),
    )
    try:
        return queryset.get(pk=pk)
    except Cluster.DoesNotExist:
        raise Http404 from None


def cluster_get_editable(*, pk: int, user: AnyUser) -> Cluster:
    """A cluster the user may edit; 404 if they may not see it, so nothing leaks."""
    try:
        return _cluster_prefetch(Cluster.objects.editable_by(user)).get(pk=pk)
    except Cluster.DoesNotExist:
        raise Http404 from None


def clusters_managed_by(*, user: AnyUser) -> QuerySet[Cluster]:
    return (
        Cluster.objects.managed_by(user)
        .annotate(project_count=Count("partnerships", distinct=True))
        .order_by("name")
    )


def cluster_map_rows(*, filterset: ClusterFilter, bbox: tuple[Decimal, ...] | None) -> QuerySet:
    """(id, name, country, latitude, longitude) of the filtered clusters that have a location."""
    queryset = filterset.qs.filter(latitude__isnull=False, longitude__isnull=False)
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        queryset = queryset.filter(
            longitude__gte=min_lon,
            longitude__lte=max_lon,
            latitude__gte=min_lat,
            latitude__lte=max_lat,
        )
    return queryset.order_by().values_list("pk", "name", "country", "latitude", "longitude")


def cluster_map_version(*, rows: QuerySet) -> tuple[int, Any]:
    """How many clusters the map shows and when the latest of them changed: its ETag's base."""
    summary = rows.model.objects.filter(pk__in=rows.values("pk")).aggregate(
        n=Count("pk"), latest=Max("updated_at")
    )
    return summary["n"], summary["latest"]


def _project_prefetch(queryset: QuerySet[Project]) -> QuerySet[Project]:
    return queryset.select_related("programme").prefetch_related(
        "ecosystems",
        Prefetch(
            "partnerships",
            queryset=ProjectPartner.objects.select_related("cluster").order_by(
                "role", "cluster__name"
            ),
        ),
    )


def project_filterset(*, data: Any, user: AnyUser) -> ProjectFilter:
    return ProjectFilter(data=data, queryset=Project.objects.published().order_by("title", "pk"))


def project_list(*, filterset: ProjectFilter) -> QuerySet[Project]:
    queryset = filterset.qs
    return _project_prefetch(queryset.order_by(*queryset.query.order_by, "pk"))


def project_get(*, pk: int, user: AnyUser) -> Project:
    try:
        return _project_prefetch(Project.objects.visible_to(user)).get(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def project_get_editable(*, pk: int, user: AnyUser) -> Project:
    try:
        return _project_prefetch(Project.objects.editable_by(user)).get(pk=pk)
    except Project.DoesNotExist:
        raise Http404 from None


def projects_editable_by(*, user: AnyUser) -> QuerySet[Project]:
    if not user.is_authenticated:
        return Project.objects.none()
    return _project_prefetch(Project.objects.editable_by(user)).order_by("title")


def profile_history(
    *, cluster: Cluster | None = None, project: Project | None = None
) -> QuerySet[ProfileChange]:
    queryset = ProfileChange.objects.select_related("author")
    if cluster is not None:
        return queryset.filter(cluster=cluster)
    return queryset.filter(project=project)


# --- for the home and ecosystem pages ----------------------------------------------------


def clusters_on_map_count(*, ecosystem: Ecosystem | None = None) -> int:
    """Published clusters with a location, the ones the map shows."""
    queryset = Cluster.objects.published().filter(latitude__isnull=False, longitude__isnull=False)
    if ecosystem is not None:
        queryset = queryset.filter(ecosystems=ecosystem)
    return queryset.count()


def published_cluster_count(*, ecosystem: Ecosystem | None = None) -> int:
    queryset = Cluster.objects.published()
    if ecosystem is not None:
        queryset = queryset.filter(ecosystems=ecosystem)
    return queryset.count()


def newest_clusters(*, limit: int, ecosystem: Ecosystem | None = None) -> QuerySet[Cluster]:
    queryset = Cluster.objects.published()
    if ecosystem is not None:
        queryset = queryset.filter(ecosystems=ecosystem)
    return queryset.order_by("-created_at", "-pk")[:limit]
