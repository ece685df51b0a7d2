"""The cluster map's endpoint: every published cluster with a location, as GeoJSON, gzipped
and cached with an ETag (see ``clusters.api``)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from clusters import selectors
from clusters.models import ClusterLabel
from portal.core.api_errors import valid_filterset

if TYPE_CHECKING:
    pass


# Bump when the features' shape changes, so cached copies stop matching.
MAP_FORMAT = "1"
_PK_SENTINEL = 987654321


class _FirstRenderer(BaseContentNegotiation):
    """The map answers GeoJSON whatever the client's Accept says (errors as JSON)."""

    def select_parser(self, request: Any, parsers: Any) -> Any:
        return parsers[0]

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        return renderers[0], renderers[0].media_type


def parse_bbox(raw: str | None) -> tuple[Decimal, ...] | None:
    """``minLon,minLat,maxLon,maxLat`` in degrees, or a 400 saying what is wrong.

    Values beyond ±180/±90 are clamped: a zoomed-out Leaflet map reports wrapped bounds.
    """
    if raw is None or not raw.strip():
        return None
    message = _("bbox is minLon,minLat,maxLon,maxLat in degrees, e.g. 2.5,49.5,6.4,51.5.")
    parts = raw.split(",")
    try:
        values = [Decimal(part.strip()) for part in parts]
    except InvalidOperation:
        raise exceptions.ValidationError({"bbox": [message]}) from None
    if len(values) != 4 or not all(v.is_finite() for v in values):
        raise exceptions.ValidationError({"bbox": [message]})
    limits = (180, 90, 180, 90)
    min_lon, min_lat, max_lon, max_lat = (
        max(Decimal(-limit), min(Decimal(limit), value))
        for value, limit in zip(values, limits, strict=True)
    )
    if min_lon > max_lon or min_lat > max_lat:
        message = _("In bbox (minLon,minLat,maxLon,maxLat), a minimum is above its maximum.")
        raise exceptions.ValidationError({"bbox": [message]})
    return min_lon, min_lat, max_lon, max_lat


def _map_etag(request: Request, count: int, latest: Any) -> str:
    """Cheap: the query string, how many clusters match and their latest change."""
    params = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
    stamp = latest.isoformat() if latest else ""
    raw = f"{MAP_FORMAT}|{params}|{count}|{stamp}"
    return quote_etag(hashlib.sha256(raw.encode()).hexdigest()[:32])


_MAP_PARAMETERS = [
    OpenApiParameter("q", str, description="Text in name, acronym, description or tags."),
    OpenApiParameter("country", str, many=True, description="ISO 3166 alpha-2; repeatable."),
    OpenApiParameter("region", str),
    OpenApiParameter("ecosystem", str, many=True, description="Ecosystem slug; repeatable."),
    OpenApiParameter("label", str, enum=ClusterLabel.values),
    OpenApiParameter("category", str, description="Solution category slug."),
    OpenApiParameter("bbox", str, description="minLon,minLat,maxLon,maxLat (WGS84 degrees)."),
]


@method_decorator(gzip_page, name="dispatch")
class ClusterMapView(APIView):
    """Published clusters with a location as a GeoJSON FeatureCollection, filtered like the
    directory, optionally within ``bbox``. Properties are kept small (id, name, country,
    page url) so 50,000 clusters stay one fast response; the page's popups ask for more.

    Caching: the ETag comes from the query string and ``cluster_map_version`` (one
    aggregate query), so a matching ``If-None-Match`` is a 304 before any row is read.
    ``Cache-Control: public, max-age=60``: the map is the same for everybody, and under a
    crisis' load a minute's staleness is worth the requests it saves; after that, browsers
    and shared caches revalidate with the ETag. No authentication is read, so the response
    does not vary by cookie.
    """

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRenderer

    @extend_schema(
        parameters=_MAP_PARAMETERS,
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="GeoJSON FeatureCollection; each feature has a Point geometry "
                '([lon, lat]) and properties "id", "name", "country", "url" (the page).',
            ),
            304: OpenApiResponse(description="Not modified (If-None-Match matched the ETag)."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad filter or bbox."),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        filterset = valid_filterset(
            selectors.cluster_filterset(data=request.query_params, user=request.user)
        )
        bbox = parse_bbox(request.query_params.get("bbox"))
        rows = selectors.cluster_map_rows(filterset=filterset, bbox=bbox)
        count, latest = selectors.cluster_map_version(rows=rows)
        etag = _map_etag(request, count, latest)
        response = get_conditional_response(request, etag=etag)
        if response is None:
            response = HttpResponse(_feature_collection(rows), content_type="application/geo+json")
        response["ETag"] = etag
        patch_cache_control(response, public=True, max_age=60)
        return response


def _feature_collection(rows: QuerySet[Any]) -> bytes:
    """The FeatureCollection, written as text row by row: for 50,000 clusters this is five
    times faster than building dicts for ``json.dumps``. Only the name is free text, and it
    goes through JSON's own string encoder; the rest are numbers and a country code."""
    # One reverse() for all rows: reversing 50,000 times would dominate the response time.
    prefix, suffix = reverse("clusters:detail", kwargs={"pk": _PK_SENTINEL}).split(
        str(_PK_SENTINEL)
    )
    quote = json.encoder.encode_basestring
    features = ",".join(
        f'{{"type":"Feature","id":{pk},'
        f'"geometry":{{"type":"Point","coordinates":[{float(lon)!r},{float(lat)!r}]}},'
        f'"properties":{{"id":{pk},"name":{quote(name)},"country":{quote(country)},'
        f'"url":{quote(f"{prefix}{pk}{suffix}")}}}}}'
        for pk, name, country, lat, lon in rows
    )
    return f'{{"type":"FeatureCollection","features":[{features}]}}'.encode()
