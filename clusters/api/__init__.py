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

from django.urls import URLPattern, path

from clusters.api.map import ClusterMapView
from clusters.api.views import (
    ClusterDetailView,
    ClusterListView,
    ProjectDetailView,
    ProjectListView,
    SelectorFilterDocs,
    VisibleClusterField,
)
from portal.core.api_docs import ApiDocsView

__all__ = ["SelectorFilterDocs", "VisibleClusterField", "api_urlpatterns"]


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
