from django.urls import URLPattern, path

from funding import views

app_name = "funding"

urlpatterns: list[URLPattern] = [
    # Public: the landing page (NextGenerationEU), programmes, calls and the calendar feed.
    path("funding/", views.FundingIndexView.as_view(), name="index"),
    path("funding/programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    # "new" before <slug>: the slug "new" is reserved (funding.models).
    path("funding/programmes/new/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path(
        "funding/programmes/<slug:slug>/",
        views.ProgrammeDetailView.as_view(),
        name="programme_detail",
    ),
    path(
        "funding/programmes/<slug:slug>/edit/",
        views.ProgrammeUpdateView.as_view(),
        name="programme_edit",
    ),
    path(
        "funding/programmes/<slug:slug>/delete/",
        views.ProgrammeDeleteView.as_view(),
        name="programme_delete",
    ),
    path("funding/calls/", views.CallListView.as_view(), name="call_list"),
    path("funding/calls.ics", views.calls_ics, name="calls_ics"),
    path("funding/calls/new/", views.CallCreateView.as_view(), name="call_create"),
    path("funding/calls/<int:pk>/", views.CallDetailView.as_view(), name="call_detail"),
    path("funding/calls/<int:pk>/edit/", views.CallUpdateView.as_view(), name="call_edit"),
    path("funding/calls/<int:pk>/delete/", views.CallDeleteView.as_view(), name="call_delete"),
    # Logged in: ask for (or cancel) a reminder a week before the deadline.
    path(
        "funding/calls/<int:pk>/reminder/", views.CallReminderView.as_view(), name="call_reminder"
    ),
]
