from django.urls import path

from clusters.views import (
    cluster_managers,
    cluster_profile,
    directory,
    history,
    map,
    my_profiles,
    project_profile,
)

app_name = "clusters"

urlpatterns = [
    # Directory (public) and the cluster map.
    path("clusters/", directory.ClusterListView.as_view(), name="list"),
    path("clusters/map/", map.ClusterMapView.as_view(), name="map"),
    path("clusters/<int:pk>/", directory.ClusterDetailView.as_view(), name="detail"),
    path("clusters/<int:pk>/logo/", directory.cluster_logo, name="logo"),
    path("projects/", directory.ProjectListView.as_view(), name="project_list"),
    path("projects/<int:pk>/", directory.ProjectDetailView.as_view(), name="project_detail"),
    # Managing profiles (logged in, permission-checked by the services).
    path("my/profiles/", my_profiles.MyProfilesView.as_view(), name="my_profiles"),
    path("clusters/new/", cluster_profile.ClusterCreateView.as_view(), name="create"),
    path("clusters/<int:pk>/edit/", cluster_profile.ClusterUpdateView.as_view(), name="edit"),
    path("clusters/<int:pk>/delete/", cluster_profile.ClusterDeleteView.as_view(), name="delete"),
    path(
        "clusters/<int:pk>/managers/",
        cluster_managers.ClusterManagersView.as_view(),
        name="managers",
    ),
    path("clusters/<int:pk>/history/", history.ClusterHistoryView.as_view(), name="history"),
    path("projects/new/", project_profile.ProjectCreateView.as_view(), name="project_create"),
    path(
        "projects/<int:pk>/edit/", project_profile.ProjectUpdateView.as_view(), name="project_edit"
    ),
    path(
        "projects/<int:pk>/delete/",
        project_profile.ProjectDeleteView.as_view(),
        name="project_delete",
    ),
    path(
        "projects/<int:pk>/history/", history.ProjectHistoryView.as_view(), name="project_history"
    ),
]
