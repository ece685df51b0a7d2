"""The cluster map: a full-page Leaflet map of the published clusters, with the directory's
filters. The page itself holds no cluster data: its script loads the markers from the map
endpoint (GeoJSON) with the filters' query string, and each popup's details from the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_countries import countries

from clusters.forms import prepare_filter_form
from clusters.selectors import cluster_filterset
from portal.core.models import Ecosystem

# The map does not sort: the directory's ``sort`` filter is not shown on it.
MAP_FILTER_FIELDS = ("q", "country", "region", "ecosystem", "label", "category")
OSM_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def tile_layer() -> tuple[str, str]:
    """The configured tile URL and its attribution (HTML, from settings).

    ``LEAFLET_CONFIG["TILES"]`` is a URL, or django-leaflet's list of ``(name, url, attribution
    or options)``; the map uses the first layer.
    """
    tiles: Any = settings.LEAFLET_CONFIG.get("TILES", "")
    attribution = ""
    if not isinstance(tiles, str):
        _name, tiles, extra = tiles[0]
        attribution = extra.get("attribution", "") if isinstance(extra, dict) else str(extra)
    if not attribution and (urlsplit(tiles).hostname or "").endswith("openstreetmap.org"):
        attribution = OSM_ATTRIBUTION  # required by the OpenStreetMap tile usage policy
    return tiles, attribution


def _cluster_detail_url_template() -> str:
    """The API's cluster detail URL with ``{id}`` where the cluster's id goes."""
    marker = 987654321
    return reverse("api:cluster-detail", kwargs={"pk": marker}).replace(str(marker), "{id}")


class ClusterMapView(TemplateView):
    template_name = "clusters/map.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        filterset = cluster_filterset(data=self.request.GET, user=self.request.user)
        form = prepare_filter_form(filterset.form)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        tiles, attribution = tile_layer()
        center: Any = settings.LEAFLET_CONFIG.get("DEFAULT_CENTER") or (50.85, 4.35)
        context.update(
            form=form,
            fields=[form[name] for name in MAP_FILTER_FIELDS if name in form.fields],
            query_string=query.urlencode(),
            list_url=reverse("clusters:list"),
            map_data_url=reverse("api:cluster-map"),
            map_detail_url=_cluster_detail_url_template(),
            tiles_url=tiles,
            tiles_attribution=attribution,
            attribution_prefix=settings.LEAFLET_CONFIG.get("ATTRIBUTION_PREFIX") or "",
            map_center=f"{float(center[0])},{float(center[1])}",
            map_zoom=settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM") or 4,
            # Names for what the endpoints give as codes, and the script's sentences.
            map_text={
                "ecosystems": dict(Ecosystem.objects.values_list("slug", "name")),
                "countries": {code: str(name) for code, name in countries},
                "countOne": _("%(count)s cluster on the map"),
                "countOther": _("%(count)s clusters on the map"),
                "countLoading": _("Loading the clusters…"),
                "countFailed": _("The clusters could not be loaded. Try again later."),
                "ecosystemsLoading": _("Loading ecosystems…"),
                "ecosystemsFailed": _("The ecosystems could not be loaded."),
                "ecosystemsNone": _("No ecosystem given."),
                "ecosystemsLabel": _("Industrial ecosystems"),
                "profileLink": _("View the cluster profile"),
            },
        )
        return context
