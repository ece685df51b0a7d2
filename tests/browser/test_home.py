"""The home page and the ecosystem pages in a real browser: key figures, the small map fed
by the real map endpoint (tiles out of reach, as in CI), and the way to an ecosystem."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import Page, expect

from alerts.models import AlertStatus
from offers.models import OfferStatus
from portal.core.models import Ecosystem
from tests.alerts.factories import make_alert
from tests.clusters.factories import make_cluster
from tests.offers.factories import make_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_home_page_and_reaches_an_ecosystem(
    page: Page, screenshot, cluster_manager, authority, commission_staff
):
    cache.clear()  # the key figures are cached for a minute, across tests in this process
    tourism = Ecosystem.objects.get(slug="tourism")
    for n, (lat, lon) in enumerate([(48.2, 16.37), (41.9, 12.5), (52.23, 21.01)]):
        make_cluster(
            by=cluster_manager,
            name=f"Map Cluster {n}",
            latitude=lat,
            longitude=lon,
            ecosystems=[tourism],
        )
    cluster = make_cluster(by=cluster_manager, latitude=None, longitude=None)
    make_offer(
        by=cluster_manager, cluster=cluster, status=OfferStatus.ROUTED, staff=commission_staff
    )
    make_alert(
        by=authority,
        status=AlertStatus.CONFIRMED,
        staff=commission_staff,
        title="Lithium availability for battery makers",
        ecosystems=["tourism"],
    )
    tile_host = urlsplit(settings.LEAFLET_CONFIG["TILES"]).hostname
    page.route(f"*://{tile_host}/**", lambda route: route.abort("internetdisconnected"))

    page.goto("/")
    expect(page.locator('[data-figure="offers_channelled"]')).to_have_text("1")
    expect(page.locator('[data-figure="confirmed_alerts"]')).to_have_text("1")
    expect(page.locator('[data-figure="clusters_on_map"]')).to_have_text("3")
    expect(page.get_by_role("link", name="Lithium availability for battery makers")).to_be_visible()
    # The small map waits until it is scrolled into view, then loads every cluster that has
    # a location from the map endpoint.
    expect(page.locator("[data-map-preview]")).not_to_have_attribute("data-map-ready", "3")
    page.locator("[data-map-preview]").scroll_into_view_if_needed()
    expect(page.locator("[data-map-preview]")).to_have_attribute("data-map-ready", "3")
    expect(page.locator("[data-map-preview] .leaflet-overlay-pane path")).to_have_count(3)
    screenshot(page, "home")

    page.get_by_role("link", name="The 14 industrial ecosystems").click()
    page.get_by_role("link", name="Tourism").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tourism")
    expect(
        page.get_by_text("Preliminary data; may be underestimated where data is missing.")
    ).to_be_visible()
    expect(page.locator('[data-count="clusters"]')).to_have_text("3")
    expect(page.locator('[data-count="alerts"]')).to_have_text("1")
    screenshot(page, "ecosystem-tourism")
    page.locator('[data-count="alerts"]').click()
    expect(page.get_by_role("link", name="Lithium availability for battery makers")).to_be_visible()
