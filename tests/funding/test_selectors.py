"""Selectors other pages call: calls for a manager's clusters ("My profiles"), calls closing
soon (home page) and open calls for an ecosystem (ecosystem pages), with fixed queries."""

import datetime

import pytest
from django.utils import timezone

from funding import selectors, services
from portal.core.models import Ecosystem
from tests.clusters.factories import make_cluster
from tests.funding.factories import closed_call, make_call, make_programme, open_call, upcoming_call

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def eco(*slugs):
    return list(Ecosystem.objects.filter(slug__in=slugs))


@pytest.fixture
def clusters(cluster_manager):
    """A health cluster in Poland and a digital cluster in Belgium."""
    return [
        make_cluster(
            by=cluster_manager, name="Lodz Health", country="PL", ecosystems=eco("health")
        ),
        make_cluster(
            by=cluster_manager, name="Ghent Digital", country="BE", ecosystems=eco("digital")
        ),
    ]


def test_calls_fit_a_cluster_by_ecosystem_and_country(commission_staff, clusters):
    fits = {
        open_call(by=commission_staff, title="Health, any country", ecosystems=("health",)),
        open_call(
            by=commission_staff,
            title="Health in PL",
            ecosystems=("health",),
            eligible_countries=["PL", "CZ"],
        ),
        open_call(by=commission_staff, title="Any ecosystem, BE", eligible_countries=["BE"]),
        open_call(by=commission_staff, title="Anything, anywhere"),
    }
    # Not one of them fits a single cluster both ways.
    open_call(
        by=commission_staff, title="Health in BE", ecosystems=("health",), eligible_countries=["BE"]
    )
    open_call(
        by=commission_staff,
        title="Digital in PL",
        ecosystems=("digital",),
        eligible_countries=["PL"],
    )
    open_call(by=commission_staff, title="Textile", ecosystems=("textile",))
    open_call(
        by=commission_staff,
        title="Health in France",
        ecosystems=("health",),
        eligible_countries=["FR"],
    )
    upcoming_call(by=commission_staff, title="Health, not yet open", ecosystems=("health",))
    closed_call(by=commission_staff, title="Health, closed", ecosystems=("health",))

    calls = selectors.calls_for_clusters(clusters=clusters)

    assert {c.title for c in calls} == {c.title for c in fits}
    fitting = {c.title: sorted(k.name for k in c.fitting_clusters) for c in calls}
    assert fitting["Health in PL"] == ["Lodz Health"]
    assert fitting["Any ecosystem, BE"] == ["Ghent Digital"]
    assert fitting["Anything, anywhere"] == ["Ghent Digital", "Lodz Health"]


def test_calls_for_clusters_come_nearest_deadline_first_and_are_capped(commission_staff, clusters):
    for days in (30, 5, 12):
        open_call(by=commission_staff, title=f"In {days} days", closes_in=days * DAY)

    calls = selectors.calls_for_clusters(clusters=clusters, limit=2)

    assert [c.title for c in calls] == ["In 5 days", "In 12 days"]


def test_no_clusters_no_calls_no_query(commission_staff, django_assert_num_queries):
    open_call(by=commission_staff)

    with django_assert_num_queries(0):
        assert selectors.calls_for_clusters(clusters=[]) == []


def test_calls_for_clusters_has_a_fixed_query_count(
    commission_staff, cluster_manager, django_assert_num_queries
):
    clusters = [
        make_cluster(by=cluster_manager, ecosystems=eco("health", "digital")) for _ in range(6)
    ]
    for n in range(8):
        open_call(by=commission_staff, title=f"Call {n}", ecosystems=("health", "textile"))

    with django_assert_num_queries(3):
        calls = selectors.calls_for_clusters(clusters=clusters)
        [list(c.ecosystems.all()) for c in calls]
        [c.programme.name for c in calls]

    assert len(calls) == 8


def test_calls_closing_soon_are_the_publics_open_calls_by_deadline(
    commission_staff, django_assert_num_queries
):
    hidden = make_programme(by=commission_staff)
    for days in (20, 3, 9, 40):
        open_call(
            by=commission_staff,
            title=f"In {days} days",
            closes_in=days * DAY,
            ecosystems=("health",),
        )
    open_call(by=commission_staff, title="Hidden", programme=hidden, closes_in=DAY)
    services.programme_update(programme=hidden, by=commission_staff, data={"active": False})
    upcoming_call(by=commission_staff, title="Upcoming")
    closed_call(by=commission_staff, title="Closed")

    with django_assert_num_queries(2):
        calls = selectors.calls_closing_soon(limit=3)
        shown = [
            (c.title, c.status, c.programme.name, [e.slug for e in c.ecosystems.all()])
            for c in calls
        ]

    assert shown == [
        ("In 3 days", "open", "Euroclusters", ["health"]),
        ("In 9 days", "open", "Euroclusters", ["health"]),
        ("In 20 days", "open", "Euroclusters", ["health"]),
    ]


def test_open_calls_for_an_ecosystem_include_calls_for_every_ecosystem(
    commission_staff, django_assert_num_queries
):
    open_call(by=commission_staff, title="Health", ecosystems=("health",), closes_in=3 * DAY)
    open_call(by=commission_staff, title="Every ecosystem", closes_in=5 * DAY)
    open_call(by=commission_staff, title="Digital", ecosystems=("digital",))
    closed_call(by=commission_staff, title="Closed health", ecosystems=("health",))
    health = Ecosystem.objects.get(slug="health")

    with django_assert_num_queries(2):
        calls = selectors.open_calls_for_ecosystem(ecosystem=health, limit=5)
        titles = [(c.title, c.programme.slug) for c in calls]

    assert titles == [("Health", "euroclusters"), ("Every ecosystem", "euroclusters")]


def test_selectors_take_the_moment_to_look_from(commission_staff):
    now = timezone.now()
    call = make_call(by=commission_staff, now=now, opens_in=2 * DAY, closes_in=10 * DAY)

    assert selectors.calls_closing_soon(limit=5, now=now) == []
    assert selectors.calls_closing_soon(limit=5, now=now + 3 * DAY) == [call]
