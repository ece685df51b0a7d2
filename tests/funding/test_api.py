"""/api/v1/funding/: programmes and calls, read-only, filtered like the pages."""

import datetime

import pytest

from funding import services
from tests.funding.factories import (
    closed_call,
    make_call,
    make_programme,
    open_call,
    programme,
    upcoming_call,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(commission_staff):
    return {
        "open": open_call(
            by=commission_staff,
            title="Open health",
            ecosystems=("health",),
            eligible_countries=["BE"],
            budget=2_500_000,
        ),
        "upcoming": upcoming_call(
            by=commission_staff,
            title="Upcoming digital",
            ecosystems=("digital",),
            programme=programme("clusterxchange"),
        ),
        "closed": closed_call(by=commission_staff, title="Closed anywhere"),
    }


def titles(response) -> set[str]:
    return {row["title"] for row in response.json()["results"]}


def test_anyone_reads_the_programmes(api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/funding/programmes/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["slug"] for r in rows] == [
        "euroclusters", "cluster-excellence-programme", "clusterxchange", "pact-for-skills",
        "social-economy-canvas", "intelligent-cities-reskilling",
    ]  # fmt: skip
    social = rows[4]
    assert social["ecosystems"] == ["proximity-social-economy"]
    assert social["page_url"] == "http://testserver/funding/programmes/social-economy-canvas/"
    assert rows[0]["objectives"][0] == "Develop value chains across the single market"


def test_a_programme_by_its_slug(api_client):
    response = api_client.get("/api/v1/funding/programmes/clusterxchange/")

    assert response.status_code == 200
    assert response.json()["name"] == "ClusterXchange"
    assert api_client.get("/api/v1/funding/programmes/nowhere/").status_code == 404


def test_an_inactive_programme_is_for_staff_only(api_client, commission_staff):
    made = make_programme(by=commission_staff, active=False)

    assert api_client.get(f"/api/v1/funding/programmes/{made.slug}/").status_code == 404
    api_client.force_authenticate(commission_staff)
    assert api_client.get(f"/api/v1/funding/programmes/{made.slug}/").json()["active"] is False


def test_a_call_reads_with_its_status_and_dates(api_client, calls):
    call = calls["open"]

    row = api_client.get(f"/api/v1/funding/calls/{call.pk}/").json()

    assert row["status"] == "open"
    assert row["programme"] == "euroclusters" and row["programme_name"] == "Euroclusters"
    assert row["budget"] == 2500000
    assert row["eligible_countries"] == ["BE"]
    assert row["ecosystems"] == ["health"]
    assert row["timezone"] == "Europe/Brussels"
    deadline = datetime.datetime.fromisoformat(row["deadline_at"])
    assert deadline == call.deadline_at
    assert datetime.datetime.fromisoformat(row["deadline_local"]) == deadline


def test_calls_list_every_status_by_default(api_client, calls):
    response = api_client.get("/api/v1/funding/calls/")

    assert titles(response) == {"Open health", "Upcoming digital", "Closed anywhere"}
    statuses = {row["title"]: row["status"] for row in response.json()["results"]}
    assert statuses == {
        "Open health": "open",
        "Upcoming digital": "upcoming",
        "Closed anywhere": "closed",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=open", {"Open health"}),
        ("status=open&status=upcoming", {"Open health", "Upcoming digital"}),
        ("programme=clusterxchange", {"Upcoming digital"}),
        ("ecosystem=health", {"Open health", "Closed anywhere"}),
        ("country=PL", {"Upcoming digital", "Closed anywhere"}),
        ("country=BE&status=open", {"Open health"}),
    ],
)
def test_calls_filter(api_client, calls, query, expected):
    assert titles(api_client.get(f"/api/v1/funding/calls/?{query}")) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=soon", "status"),
        ("programme=nowhere", "programme"),
        ("ecosystem=space", "ecosystem"),
        ("country=XX", "country"),
        ("country=US", "country"),
        ("sort=budget", "sort"),
    ],
)
def test_a_bad_filter_is_a_400_with_the_fields_message(api_client, calls, query, field):
    response = api_client.get(f"/api/v1/funding/calls/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_the_api_is_read_only(api_client, commission_staff, calls):
    api_client.force_authenticate(commission_staff)

    assert api_client.post("/api/v1/funding/calls/", {"title": "x"}).status_code == 405
    assert api_client.delete(f"/api/v1/funding/calls/{calls['open'].pk}/").status_code == 405
    assert api_client.put("/api/v1/funding/programmes/euroclusters/", {}).status_code == 405


def test_calls_of_an_inactive_programme_are_hidden(api_client, commission_staff):
    made = make_programme(by=commission_staff)
    call = open_call(by=commission_staff, programme=made)
    services.programme_update(programme=made, by=commission_staff, data={"active": False})

    assert api_client.get(f"/api/v1/funding/calls/{call.pk}/").status_code == 404
    assert titles(api_client.get("/api/v1/funding/calls/")) == set()


@pytest.mark.parametrize("n", [3, 30])
def test_the_calls_list_has_a_fixed_query_budget(
    api_client, commission_staff, django_assert_max_num_queries, n
):
    for i in range(n):
        make_call(
            by=commission_staff,
            title=f"Call {i}",
            ecosystems=("health", "digital"),
            eligible_countries=["BE", "FR"],
        )

    # count, page with programmes, ecosystems, and the slug lookups of the two filters.
    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/funding/calls/?ecosystem=health&programme=euroclusters")

    assert response.json()["count"] == n


def test_the_calls_appear_in_the_schema(api_client):
    schema = api_client.get("/api/v1/schema/?format=json").json()

    assert "/api/v1/funding/calls/" in schema["paths"]
    names = [p["name"] for p in schema["paths"]["/api/v1/funding/calls/"]["get"]["parameters"]]
    assert {"status", "programme", "ecosystem", "country"} <= set(names)
