"""The offers API under ``/api/v1/``: offers and their lifecycle, demand, matches, interest.

Serializers check only the shape of a request; ``offers.services`` decide what is allowed
and valid, ``Offer.objects.visible_to`` / ``Demand.objects.visible_to`` (through the
selectors) who sees what. The answers:

- reading: what ``visible_to`` allows (staff: everything; a company its own offers and the
  public catalogue; a cluster manager also the offers its clusters channel; an authority also
  the offers matched to its demand; everyone open demand). Anything else is 404, for
  reading and for writing, so drafts do not leak;
- confidential fields (``contact_*``, ``price_indication``, ``registration_number``) are
  ``null`` unless ``selectors.confidential_access`` lets the caller read them;
- changing something the caller can see but not change is 403, and so is creating without
  the role (offers: company representatives and cluster managers; demand: verified public
  authorities and staff). Without credentials a write is 401 (token) or 403 (session);
- a service's ``ValidationError`` (an illegal transition too) is 400 with per-field messages.

Offers are never deleted through the API: there is no service for it, a draft nobody
submits simply expires with its "valid until" date, and a submitted offer is part of the
Commission's record. ``DELETE`` is therefore 405.
"""

from django.urls import URLPattern, path

from offers.api.serializers import CountryCodeField
from offers.api.views import (
    DemandDetailView,
    DemandListView,
    DemandMatchesView,
    InterestView,
    OfferDetailView,
    OfferListView,
    OfferMatchesView,
    OfferTransitionsView,
)

__all__ = ["CountryCodeField", "api_urlpatterns"]

api_urlpatterns: list[URLPattern] = [
    path("offers/", OfferListView.as_view(), name="offer-list"),
    path("offers/<int:pk>/", OfferDetailView.as_view(), name="offer-detail"),
    path("offers/<int:pk>/transitions/", OfferTransitionsView.as_view(), name="offer-transitions"),
    path("offers/<int:pk>/matches/", OfferMatchesView.as_view(), name="offer-matches"),
    path("demands/", DemandListView.as_view(), name="demand-list"),
    path("demands/<int:pk>/", DemandDetailView.as_view(), name="demand-detail"),
    path("demands/<int:pk>/matches/", DemandMatchesView.as_view(), name="demand-matches"),
    path(
        "demands/<int:pk>/matches/<int:offer_pk>/interest/",
        InterestView.as_view(),
        name="demand-interest",
    ),
]
