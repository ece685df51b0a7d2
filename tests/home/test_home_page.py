"""The home page: live key figures counted from the data, the newest of each section, and a
query budget that does not grow with the data."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from alerts.models import Alert, AlertStatus
from clusters.models import Cluster, ProfileStatus
from offers.models import Demand, Offer, OfferStatus
from portal.home.selectors import KEY_FIGURES_CACHE_KEY
from tests.alerts.factories import make_alert
from tests.clusters.factories import make_cluster
from tests.offers.factories import make_demand, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _world(*, manager, company, authority, staff, n: int) -> None:
    cluster = make_cluster(by=manager)
    make_cluster(by=manager, latitude=None, longitude=None)  # not on the map
    make_cluster(by=manager, status="draft")  # not public, not on the map
    for _ in range(n):
        make_offer(by=company, status=OfferStatus.ROUTED, staff=staff)
        make_offer(by=company, status=OfferStatus.ACCEPTED, staff=staff)  # not channelled yet
        make_offer(by=manager, cluster=cluster, status=OfferStatus.CLOSED, staff=staff)
        make_demand(by=authority)
        make_alert(by=authority, status=AlertStatus.CONFIRMED, staff=staff)
        make_alert(by=authority, status=AlertStatus.RESOLVED, staff=staff)
        make_alert(by=authority, status=AlertStatus.REPORTED)


def _figure(html: str, name: str) -> int:
    marker = f'data-figure="{name}">'
    start = html.index(marker) + len(marker)
    return int(html[start : html.index("<", start)])


def test_key_figures_are_counted_from_the_data(
    client, cluster_manager, company_user, authority, commission_staff
):
    _world(
        manager=cluster_manager,
        company=company_user,
        authority=authority,
        staff=commission_staff,
        n=2,
    )
    html = client.get(reverse("home:index")).content.decode()
    assert (
        _figure(html, "offers_channelled")
        == Offer.objects.filter(status__in=[OfferStatus.ROUTED, OfferStatus.CLOSED]).count()
        == 4
    )
    assert (
        _figure(html, "open_demands")
        == Demand.objects.filter(status__in=["open", "partially_met"]).count()
        == 2
    )
    assert (
        _figure(html, "confirmed_alerts")
        == Alert.objects.filter(status=AlertStatus.CONFIRMED).count()
        == 2
    )
    assert (
        _figure(html, "clusters_on_map")
        == Cluster.objects.filter(status=ProfileStatus.PUBLISHED, latitude__isnull=False).count()
        == 1
    )


def test_key_figures_are_cached_briefly(client, authority, commission_staff):
    make_alert(by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff)
    html = client.get(reverse("home:index")).content.decode()
    assert _figure(html, "confirmed_alerts") == 1
    make_alert(by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff)
    html = client.get(reverse("home:index")).content.decode()
    assert _figure(html, "confirmed_alerts") == 1  # within the minute: from the cache
    cache.delete(KEY_FIGURES_CACHE_KEY)  # the minute is over
    html = client.get(reverse("home:index")).content.decode()
    assert _figure(html, "confirmed_alerts") == 2


def test_home_shows_the_newest_of_each_section(
    client, cluster_manager, company_user, authority, commission_staff
):
    offer = make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=commission_staff)
    draft = make_offer(by=company_user, title="A draft no one may see")
    demand = make_demand(by=authority)
    alert = make_alert(by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff)
    hidden = make_alert(by=authority, title="Reported, not yet assessed")
    html = client.get(reverse("home:index")).content.decode()
    assert offer.get_absolute_url() in html and offer.title in html
    assert draft.title not in html
    assert demand.get_absolute_url() in html
    assert alert.get_absolute_url() in html
    assert hidden.title not in html
    assert "data-map-preview" in html


def test_confidential_note_of_an_active_alert_is_not_on_the_home_page(
    client, authority, commission_staff
):
    make_alert(
        by=authority,
        status=AlertStatus.CONFIRMED,
        staff=commission_staff,
        confidential_note="Supplier X in talks with a foreign buyer",
    )
    assert "Supplier X" not in client.get(reverse("home:index")).content.decode()


def _queries_for_home(django_assert_max_num_queries, budget: int) -> None:
    cache.clear()
    with django_assert_max_num_queries(budget):
        response = Client().get(reverse("home:index"))
    assert response.status_code == 200


HOME_BUDGET = 16


def test_home_page_query_budget_does_not_grow(
    django_assert_max_num_queries, cluster_manager, company_user, authority, commission_staff
):
    _world(
        manager=cluster_manager,
        company=company_user,
        authority=authority,
        staff=commission_staff,
        n=1,
    )
    _queries_for_home(django_assert_max_num_queries, HOME_BUDGET)
    _world(
        manager=cluster_manager,
        company=company_user,
        authority=authority,
        staff=commission_staff,
        n=4,
    )
    _queries_for_home(django_assert_max_num_queries, HOME_BUDGET)
