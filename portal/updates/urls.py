from django.urls import URLPattern, path

from portal.updates import feeds, views

app_name = "updates"

# Updates are addressed by their slug (made from the title once, never changed). The fixed
# paths come first, and services.RESERVED_SLUGS keeps a title from taking one of them.
urlpatterns: list[URLPattern] = [
    # Public: the list, the Atom feeds and an update's page.
    path("updates/", views.UpdateListView.as_view(), name="list"),
    path("updates/feed/", feeds.UpdatesFeed(), name="feed"),
    path(
        "updates/feed/<slug:ecosystem_slug>/",
        feeds.EcosystemUpdatesFeed(),
        name="ecosystem_feed",
    ),
    # Commission staff: writing, publishing, scheduling, pinning, work in progress.
    path("updates/new/", views.UpdateCreateView.as_view(), name="create"),
    path("updates/drafts/", views.UnpublishedListView.as_view(), name="drafts"),
    path("updates/<slug:slug>/", views.UpdateDetailView.as_view(), name="detail"),
    path("updates/<slug:slug>/edit/", views.UpdateEditView.as_view(), name="edit"),
    path("updates/<slug:slug>/publish/", views.UpdatePublishView.as_view(), name="publish"),
    path("updates/<slug:slug>/schedule/", views.UpdateScheduleView.as_view(), name="schedule"),
    path("updates/<slug:slug>/unpublish/", views.UpdateUnpublishView.as_view(), name="unpublish"),
    path("updates/<slug:slug>/pin/", views.UpdatePinView.as_view(), name="pin"),
]
