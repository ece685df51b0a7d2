"""The public directory: cluster and project lists with filters, detail pages, logos."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from clusters import selectors, services
from clusters.filters import ClusterFilter, ProjectFilter
from clusters.forms import prepare_filter_form
from clusters.models import Cluster, ProfileStatus, Project

# Filters that narrow the results (sorting and paging do not).
_NARROWING_EXCLUDED = {"page", "sort"}


class _DirectoryListView(ListView):
    paginate_by = 20
    filterset: ClusterFilter | ProjectFilter

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filter_form"] = self.filterset.form
        # Page links keep the filters: "?<filters>&page=N".
        context["page_query"] = query.urlencode()
        context["is_filtered"] = any(
            value.strip()
            for key, values in query.lists()
            if key not in _NARROWING_EXCLUDED
            for value in values
        )
        context["result_count"] = context["paginator"].count
        return context


class ClusterListView(_DirectoryListView):
    """The directory of published cluster profiles, with the filters the map also uses."""

    template_name = "clusters/cluster_list.html"
    context_object_name = "clusters"

    def get_queryset(self) -> QuerySet[Cluster]:
        self.filterset = selectors.cluster_filterset(data=self.request.GET, user=self.request.user)
        prepare_filter_form(self.filterset.form)
        return selectors.cluster_list(filterset=self.filterset)


class ProjectListView(_DirectoryListView):
    template_name = "clusters/project_list.html"
    context_object_name = "projects"

    def get_queryset(self) -> QuerySet[Project]:
        self.filterset = selectors.project_filterset(data=self.request.GET, user=self.request.user)
        prepare_filter_form(self.filterset.form)
        return selectors.project_list(filterset=self.filterset)


def _can_edit_cluster(request: HttpRequest, cluster: Cluster) -> bool:
    user = request.user
    return bool(user.is_authenticated and services.can_edit_cluster(user, cluster))


def _can_edit_project(request: HttpRequest, project: Project) -> bool:
    user = request.user
    return bool(user.is_authenticated and services.can_edit_project(user, project))


class ClusterDetailView(DetailView):
    template_name = "clusters/cluster_detail.html"
    context_object_name = "cluster"

    def get_object(self, queryset: Any = None) -> Cluster:
        return selectors.cluster_get(pk=self.kwargs["pk"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cluster: Cluster = self.object
        context["can_edit"] = _can_edit_cluster(self.request, cluster)
        context["partnerships"] = cluster.visible_partnerships  # type: ignore[attr-defined]
        context["is_draft"] = cluster.status == ProfileStatus.DRAFT
        return context


class ProjectDetailView(DetailView):
    template_name = "clusters/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset: Any = None) -> Project:
        return selectors.project_get(pk=self.kwargs["pk"], user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        project: Project = self.object
        partnerships = list(project.partnerships.all())
        # A partner cluster still in draft is named only to those who may see it.
        visible = set(
            Cluster.objects.visible_to(self.request.user)
            .filter(pk__in=[p.cluster_id for p in partnerships])
            .values_list("pk", flat=True)
        )
        context["partnerships"] = [p for p in partnerships if p.cluster_id in visible]
        context["can_edit"] = _can_edit_project(self.request, project)
        context["is_draft"] = project.status == ProfileStatus.DRAFT
        return context


def cluster_logo(request: HttpRequest, pk: int) -> FileResponse:
    """The cluster's logo: a PNG the portal re-encoded itself, served as nothing but an image."""
    cluster = get_object_or_404(
        Cluster.objects.visible_to(request.user).only("pk", "logo", "status"), pk=pk
    )
    if not cluster.logo:
        raise Http404
    try:
        handle = cluster.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type="image/png", as_attachment=False, filename=f"cluster-{pk}-logo.png"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the file is a document with no rights at all.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Pages link the logo with ?v=<last change>, so a new logo gets a new URL.
    if cluster.status == ProfileStatus.PUBLISHED:
        response["Cache-Control"] = "public, max-age=86400"
    else:
        response["Cache-Control"] = "private, max-age=3600"
    return response
