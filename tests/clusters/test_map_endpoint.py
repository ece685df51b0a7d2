"""``GET /api/v1/clusters/map/``: GeoJSON of the published clusters with a location, filtered
like the directory, compressed, and free when unchanged (ETag, 304)."""

import gzip
import json

import pytest
from django.urls import reverse

from clusters import services
from portal.core.models import Ecosystem
from tests.clusters.factories import make_cluster

MAP = "/api/v1/clusters/map/"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clusters(cluster_manager):
    digital = list(Ecosystem.objects.filter(slug="digital"))
    return {
        "ghent": make_cluster(
            by=cluster_manager, name="Ghent Health", latitude=51.05, longitude=3.72
        ),
        "lyon": make_cluster(
            by=cluster_manager,
            name="Lyon Photonics",
            country="FR",
            latitude=45.764,
            longitude=4.8357,
            ecosystems=digital,
            sectors=["Lasers"],
        ),
        "lisbon": make_cluster(
            by=cluster_manager,
            name="Lisbon Digital",
            country="PT",
            latitude=38.7223,
            longitude=-9.1393,
            ecosystems=digital,
        ),
        "draft": make_cluster(by=cluster_manager, name="Draft Cluster", status="draft"),
        "nowhere": make_cluster(
            by=cluster_manager, name="No Location", latitude=None, longitude=None
        ),
    }


def names(response):
    assert response.status_code == 200, response.content
    return sorted(f["properties"]["name"] for f in response.json()["features"])


@pytest.mark.django_db
def test_the_map_is_geojson_of_published_clusters_with_a_location(client, clusters):
    response = client.get(MAP)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    by_name = {f["properties"]["name"]: f for f in body["features"]}
    assert sorted(by_name) == ["Ghent Health", "Lisbon Digital", "Lyon Photonics"]
    lyon = clusters["lyon"]
    assert by_name["Lyon Photonics"] == {
        "type": "Feature",
        "id": lyon.pk,
        # GeoJSON puts longitude first; numbers, not strings.
        "geometry": {"type": "Point", "coordinates": [4.8357, 45.764]},
        "properties": {
            "id": lyon.pk,
            "name": "Lyon Photonics",
            "country": "FR",
            "url": reverse("clusters:detail", kwargs={"pk": lyon.pk}),
        },
    }


@pytest.mark.django_db
def test_names_with_quotes_and_other_characters_stay_valid_json(client, cluster_manager):
    name = 'The "Quote" \\ Cluster\n«Ĳzer» </script>\u2028'
    make_cluster(by=cluster_manager, name=name, latitude=0, longitude=-0.5)

    feature = json.loads(client.get(MAP).content)["features"][0]

    assert feature["properties"]["name"] == name
    assert feature["geometry"]["coordinates"] == [-0.5, 0.0]


@pytest.mark.django_db
def test_an_empty_map_is_an_empty_collection(client):
    response = client.get(MAP)

    assert json.loads(response.content) == {"type": "FeatureCollection", "features": []}


@pytest.mark.django_db
def test_the_map_is_public_even_for_a_signed_in_user(client, clusters, company_user):
    client.force_login(company_user)

    response = client.get(MAP)

    assert names(response) == ["Ghent Health", "Lisbon Digital", "Lyon Photonics"]
    # Nothing personal in it, so it does not vary by cookie and shared caches may keep it.
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_the_map_honours_the_directory_filters(client, clusters):
    assert names(client.get(MAP, {"country": "FR"})) == ["Lyon Photonics"]
    assert names(client.get(MAP, {"country": ["FR", "BE"]})) == ["Ghent Health", "Lyon Photonics"]
    assert names(client.get(MAP, {"ecosystem": "digital"})) == ["Lisbon Digital", "Lyon Photonics"]
    assert names(client.get(MAP, {"q": "laser"})) == ["Lyon Photonics"]
    assert names(client.get(MAP, {"q": "lisbon", "country": "FR"})) == []


@pytest.mark.django_db
def test_the_map_honours_a_bounding_box(client, clusters):
    # Roughly France and Benelux: Lisbon is outside.
    assert names(client.get(MAP, {"bbox": "-5,42,8,52"})) == ["Ghent Health", "Lyon Photonics"]
    assert names(client.get(MAP, {"bbox": "-10,38,-9,39"})) == ["Lisbon Digital"]
    # A zoomed-out Leaflet map reports wrapped bounds beyond ±180: clamped, not refused.
    assert len(names(client.get(MAP, {"bbox": "-400,-95,400,95"}))) == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bbox", ["1,2,3", "1,2,3,4,5", "a,b,c,d", "nan,1,2,3", "1,2,inf,4", "8,42,-5,52", "-5,52,8,42"]
)
def test_a_bad_bounding_box_is_400_with_a_clear_message(client, clusters, bbox):
    response = client.get(MAP, {"bbox": bbox})

    assert response.status_code == 400
    assert "minLon,minLat,maxLon,maxLat" in response.json()["bbox"][0]


@pytest.mark.django_db
def test_a_bad_filter_is_400(client, clusters):
    response = client.get(MAP, {"ecosystem": "no-such-ecosystem"})

    assert response.status_code == 400
    assert "ecosystem" in response.json()


@pytest.mark.django_db
def test_an_unchanged_map_is_a_304_without_reading_the_clusters(
    client, clusters, django_assert_max_num_queries
):
    first = client.get(MAP)
    etag = first["ETag"]
    assert etag.startswith('"') or etag.startswith('W/"')
    assert first["Cache-Control"] in ("public, max-age=60", "max-age=60, public")

    # One aggregate (count and latest change); the features are never built.
    with django_assert_max_num_queries(1):
        again = client.get(MAP, HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


@pytest.mark.django_db
def test_the_etag_depends_on_the_filters(client, clusters):
    everything = client.get(MAP)["ETag"]
    france = client.get(MAP, {"country": "FR"})

    assert france["ETag"] != everything
    assert client.get(MAP, {"country": "FR"}, HTTP_IF_NONE_MATCH=everything).status_code == 200
    # Same clusters, other filters: still another representation.
    assert client.get(MAP, {"q": "lyon"})["ETag"] != france["ETag"]


@pytest.mark.django_db
def test_an_edit_changes_the_etag(client, clusters, cluster_manager):
    etag = client.get(MAP)["ETag"]

    services.cluster_update(cluster=clusters["ghent"], by=cluster_manager, data={"name": "Gent"})
    response = client.get(MAP, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Gent" in names(response)


@pytest.mark.django_db
def test_unpublishing_a_cluster_changes_the_etag(client, clusters, cluster_manager):
    etag = client.get(MAP)["ETag"]

    services.cluster_update(cluster=clusters["lyon"], by=cluster_manager, data={"status": "draft"})
    response = client.get(MAP, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "Lyon Photonics" not in names(response)


@pytest.mark.django_db
def test_the_map_is_gzipped_for_clients_that_accept_it(client, clusters):
    response = client.get(MAP, HTTP_ACCEPT_ENCODING="gzip, deflate")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = json.loads(gzip.decompress(response.content))
    assert len(body["features"]) == 3
    # gzip weakens the ETag; the weak form still earns a 304.
    again = client.get(MAP, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_the_map_is_plain_for_clients_that_do_not_accept_gzip(client, clusters):
    response = client.get(MAP)

    assert not response.has_header("Content-Encoding")


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 50])
def test_the_map_runs_a_fixed_number_of_queries(
    client, cluster_manager, django_assert_max_num_queries, n
):
    for i in range(n):
        make_cluster(by=cluster_manager, latitude=40 + i / 10, longitude=i / 10)

    # The version (count and latest change) and the rows.
    with django_assert_max_num_queries(2):
        response = client.get(MAP, {"country": "BE", "bbox": "-1,39,6,46"})

    assert len(response.json()["features"]) == n
