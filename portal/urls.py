from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from alerts.api import api_urlpatterns as alerts_api
from clusters.api import api_urlpatterns as clusters_api
from funding.api import api_urlpatterns as funding_api
from offers.api import api_urlpatterns as offers_api
from portal.accounts.api import ObtainTokenView
from portal.core import api as core_api
from portal.forum.api import api_urlpatterns as forum_api
from portal.updates.api import api_urlpatterns as updates_api

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("ecosystems/", core_api.EcosystemListView.as_view(), name="ecosystem-list"),
    path("categories/", core_api.CategoryListView.as_view(), name="category-list"),
    path("countries/", core_api.CountryListView.as_view(), name="country-list"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *clusters_api,
    *offers_api,
    *alerts_api,
    *updates_api,
    *forum_api,
    *funding_api,
]

urlpatterns = [
    path("", include("portal.home.urls")),
    path("", include("clusters.urls")),
    path("", include("offers.urls")),
    path("", include("alerts.urls")),
    path("", include("funding.urls")),
    path("", include("portal.updates.urls")),
    path("", include("portal.forum.urls")),
    path("accounts/", include("portal.accounts.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("admin/", admin.site.urls),
]

# The admin is for superusers (administrators); Commission staff work in the portal's own
# pages, where each action is checked by the same services the API uses.
admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
    request.user.is_active and request.user.is_superuser
)
admin.site.site_header = "Clusters Response Portal administration"
