from django.urls import path

from offers.views import demand, offers, routing, triage, triage_offer, triage_reports

app_name = "offers"

urlpatterns = [
    # The public catalogue and offers (a page shows what its viewer may see).
    path("solutions/", offers.CatalogueView.as_view(), name="catalogue"),
    path("offers/mine/", offers.MyOffersView.as_view(), name="mine"),
    path("offers/new/", offers.OfferCreateView.as_view(), name="create"),
    path("offers/<int:pk>/", offers.OfferDetailView.as_view(), name="detail"),
    path("offers/<int:pk>/edit/", offers.OfferUpdateView.as_view(), name="edit"),
    path("offers/<int:pk>/submit/", offers.OfferSubmitView.as_view(), name="submit"),
    path("offers/attachments/<int:pk>/", offers.attachment_download, name="attachment"),
    # Demand from public authorities, its matches and interest.
    path("demand/", demand.DemandListView.as_view(), name="demand_list"),
    path("demand/mine/", demand.MyDemandView.as_view(), name="demand_mine"),
    path("demand/new/", demand.DemandCreateView.as_view(), name="demand_create"),
    path("demand/<int:pk>/", demand.DemandDetailView.as_view(), name="demand_detail"),
    path("demand/<int:pk>/edit/", demand.DemandUpdateView.as_view(), name="demand_edit"),
    path("demand/<int:pk>/status/", demand.DemandStatusView.as_view(), name="demand_status"),
    path(
        "demand/<int:pk>/interest/<int:offer_pk>/",
        demand.InterestView.as_view(),
        name="demand_interest",
    ),
    # The Commission's triage desk.
    path("triage/", triage.TriageQueueView.as_view(), name="triage"),
    path(
        "triage/dashboard/", triage_reports.TriageDashboardView.as_view(), name="triage_dashboard"
    ),
    path("triage/export.csv", triage_reports.triage_export_csv, name="triage_export_csv"),
    path("triage/export.xlsx", triage_reports.triage_export_xlsx, name="triage_export_xlsx"),
    path("triage/bulk/", triage.TriageBulkView.as_view(), name="triage_bulk"),
    path("triage/offers/<int:pk>/", triage_offer.TriageOfferView.as_view(), name="triage_offer"),
    path(
        "triage/offers/<int:pk>/transition/",
        triage_offer.TriageTransitionView.as_view(),
        name="triage_transition",
    ),
    path(
        "triage/offers/<int:pk>/assign/",
        triage_offer.TriageAssignView.as_view(),
        name="triage_assign",
    ),
    path(
        "triage/offers/<int:pk>/duplicate/",
        triage_offer.TriageDuplicateView.as_view(),
        name="triage_duplicate",
    ),
    # Routing accepted offers to the Commission: deliveries, rules and destinations.
    path("triage/deliveries/", routing.DeliveryListView.as_view(), name="deliveries"),
    path(
        "triage/deliveries/<int:pk>/retry/",
        routing.DeliveryRetryView.as_view(),
        name="delivery_retry",
    ),
    path("triage/routing/", routing.RoutingOverviewView.as_view(), name="routing_rules"),
    path(
        "triage/routing/rules/new/",
        routing.RoutingRuleCreateView.as_view(),
        name="routing_rule_create",
    ),
    path(
        "triage/routing/rules/<int:pk>/edit/",
        routing.RoutingRuleUpdateView.as_view(),
        name="routing_rule_edit",
    ),
    path(
        "triage/routing/rules/<int:pk>/delete/",
        routing.RoutingRuleDeleteView.as_view(),
        name="routing_rule_delete",
    ),
    path(
        "triage/routing/destinations/new/",
        routing.DestinationCreateView.as_view(),
        name="destination_create",
    ),
    path(
        "triage/routing/destinations/<int:pk>/edit/",
        routing.DestinationUpdateView.as_view(),
        name="destination_edit",
    ),
]
