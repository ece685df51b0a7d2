"""The cluster map in a real browser, against the real map and detail endpoints.

The tile server is out of reach (as it is in CI, and for anyone offline): every tile request
fails, and the map must still show its markers, clusters and popups.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, Route, expect

from clusters.demo import CATALOGUE
from clusters.models import Cluster
from portal.core.models import Ecosystem
from tests.clusters.factories import make_cluster
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TILE_HOST = urlsplit(settings.LEAFLET_CONFIG["TILES"]).hostname
DRAFT_NAME = "Unpublished Draft Cluster"
# Eight clusters on one spot: only spiderfying tells them apart. No other group on the map
# ever counts eight, so the icon that says 8 is theirs.
LEUVEN = [f"Leuven Cluster {letter}" for letter in "ABCDEFGH"]


@pytest.fixture
def clusters(reference_data, cluster_manager) -> list[Cluster]:
    """30 published clusters across Europe (10 of them in Belgium) and one draft."""
    ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
    made = []
    for entry in CATALOGUE[:20]:  # 20 cities, none in Belgium
        made.append(
            make_cluster(
                by=cluster_manager,
                name=entry.name,
                country=entry.country,
                region=entry.region,
                city=entry.city,
                latitude=entry.latitude,
                longitude=entry.longitude,
                ecosystems=[ecosystems[slug] for slug in entry.ecosystems],
            )
        )
    for n in range(2):  # close together in Ghent
        made.append(
            make_cluster(
                by=cluster_manager,
                name=f"Ghent Cluster {n}",
                latitude=51.05 + n / 100,
                longitude=3.72 + n / 100,
            )
        )
    for name in LEUVEN:
        made.append(make_cluster(by=cluster_manager, name=name, latitude=50.8798, longitude=4.7005))
    make_cluster(
        by=cluster_manager, name=DRAFT_NAME, status="draft", latitude=50.85, longitude=4.35
    )
    return made


def open_map(page: Page, live_server, path: str = "/clusters/map/") -> dict:
    """Open the map with tiles failing; returns what the page asked for and what broke."""
    seen: dict = {"hosts": set(), "tile_requests": 0, "errors": []}
    server_host = urlsplit(live_server.url).hostname

    def record(request) -> None:
        host = urlsplit(request.url).hostname
        seen["hosts"].add(host)
        if host == TILE_HOST:
            seen["tile_requests"] += 1

    page.on("request", record)
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.route(f"*://{TILE_HOST}/**", lambda route: route.abort("internetdisconnected"))
    page.goto(path)
    expect(page.locator(".marker-cluster").first).to_be_visible()
    seen["server_host"] = server_host
    return seen


def count_text(page: Page) -> Locator:
    return page.locator("[data-map-count]")


def click_center(page: Page, locator: Locator) -> None:
    """Click the middle of an icon once it stops moving (the map animates its zooms and the
    clusters' splits). Playwright's own click would first scroll the map's overflow-hidden
    container to the element, which shifts Leaflet's panes."""
    expect(page.locator("[data-map-canvas]")).not_to_have_attribute("aria-busy", "true")
    expect(locator).to_be_visible()
    box, previous = locator.bounding_box(), None
    for _ in range(40):
        if box is not None and box == previous:
            break
        page.wait_for_timeout(100)
        box, previous = locator.bounding_box(), box
    canvas = page.locator("[data-map-canvas]").bounding_box()
    assert box is not None and canvas is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert canvas["x"] < x < canvas["x"] + canvas["width"], "the icon is out of the map's view"
    assert canvas["y"] < y < canvas["y"] + canvas["height"], "the icon is out of the map's view"
    page.mouse.click(x, y)


def cluster_labels(page: Page) -> list[int]:
    """The numbers on the cluster icons, once they have stopped moving."""
    page.wait_for_timeout(400)  # the plugin animates a split for 300 ms
    return [int(text) for text in page.locator(".marker-cluster").all_inner_texts()]


def test_the_map_shows_clusters_and_popups_when_tiles_cannot_load(
    page: Page, live_server, clusters, screenshot
):
    seen = open_map(page, live_server)

    expect(count_text(page)).to_have_text("30 clusters on the map")
    assert seen["hosts"] <= {seen["server_host"], TILE_HOST}, seen["hosts"]
    assert seen["tile_requests"] > 0  # it tried, and every tile failed
    expect(page.locator("[data-map-tiles-note]")).to_be_visible()
    # The accessible alternative: the same clusters as a list.
    expect(page.get_by_role("link", name="Show these clusters as a list")).to_have_attribute(
        "href", "/clusters/"
    )
    screenshot(page, "cluster-map-test-loaded")

    # A single marker's popup: name and country at once, the ecosystems once the API answers.
    held: list[Route] = []
    irish = next(c for c in clusters if c.name == "Irish MedTech Cluster")
    page.route(f"**/api/v1/clusters/{irish.pk}/", lambda route: held.append(route))
    click_center(page, page.locator('.leaflet-marker-icon[title="Irish MedTech Cluster"]'))
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Irish MedTech Cluster")
    expect(popup).to_contain_text("Ireland")
    expect(popup).to_contain_text("Loading ecosystems…")
    for _ in range(100):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the popup asked the API for the cluster's ecosystems"
    held[0].continue_()
    expect(popup).to_contain_text("Electronics")
    expect(popup).to_contain_text("Health")
    expect(popup).not_to_contain_text("Loading")
    link = popup.get_by_role("link", name="View the cluster profile")
    expect(link).to_have_attribute("href", f"/clusters/{irish.pk}/")
    screenshot(page, "cluster-map-test-popup")
    assert seen["errors"] == []

    # The link leads to the cluster's page.
    with page.expect_navigation():
        link.click()
    assert page.url.endswith(f"/clusters/{irish.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Irish MedTech Cluster")

    # When the API cannot answer, the popup says so and keeps its name and link. (A fresh
    # map: the first popup panned the map to fit in, which can push a corner out of view.)
    tallinn = next(c for c in clusters if c.name == "Estonian ICT Cluster")
    page.route(f"**/api/v1/clusters/{tallinn.pk}/", lambda route: route.abort())
    page.goto("/clusters/map/")
    click_center(page, page.locator('.leaflet-marker-icon[title="Estonian ICT Cluster"]'))
    expect(popup).to_contain_text("Estonian ICT Cluster")
    expect(popup).to_contain_text("The ecosystems could not be loaded.")
    expect(popup.get_by_role("link", name="View the cluster profile")).to_have_attribute(
        "href", f"/clusters/{tallinn.pk}/"
    )
    assert seen["errors"] == []
    assert seen["errors"] == []


def test_clicking_a_cluster_icon_zooms_in_then_spiderfies(page: Page, live_server, clusters):
    seen = open_map(page, live_server)
    expect(count_text(page)).to_have_text("30 clusters on the map")
    for name in LEUVEN:
        expect(page.locator(f'.leaflet-marker-icon[title="{name}"]')).to_have_count(0)

    # The biggest icon holds Belgium's ten: each click on it zooms in, until Ghent's two and
    # Leuven's eight part.
    leuven = page.locator(".marker-cluster", has_text=re.compile(r"^8$"))
    labels = cluster_labels(page)
    assert max(labels) >= 10
    for _ in range(6):
        if leuven.count():
            break
        biggest = page.locator(".marker-cluster", has_text=re.compile(rf"^{max(labels)}$"))
        click_center(page, biggest.first)
        expect(page.locator("[data-map-canvas]")).not_to_have_attribute("aria-busy", "true")
        page.wait_for_function(
            "before => [...document.querySelectorAll('.marker-cluster')]"
            ".map(icon => icon.textContent).sort().join() !== before",
            arg=",".join(sorted(str(n) for n in labels)),
        )
        labels = cluster_labels(page)
    expect(leuven).to_be_visible()

    # Eight clusters on one spot never separate by zooming: a click spreads them out.
    click_center(page, leuven)
    for name in LEUVEN:
        expect(page.locator(f'.leaflet-marker-icon[title="{name}"]')).to_be_visible()
    assert seen["errors"] == []


def test_a_keyboard_opens_and_closes_a_popup(page: Page, live_server, clusters):
    open_map(page, live_server)
    expect(page.locator("[data-map-canvas]")).not_to_have_attribute("aria-busy", "true")
    marker = page.get_by_role("button", name="Irish MedTech Cluster")

    marker.focus()
    page.keyboard.press("Enter")

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Health")
    expect(page.locator(".cluster-map-popup")).to_be_focused()
    page.keyboard.press("Tab")
    expect(popup.get_by_role("link", name="View the cluster profile")).to_be_focused()
    page.keyboard.press("Escape")
    expect(popup).to_have_count(0)
    expect(marker).to_be_focused()


def test_filtering_by_country_reloads_the_markers_and_the_address(
    page: Page, live_server, clusters, screenshot
):
    open_map(page, live_server)
    expect(count_text(page)).to_have_text("30 clusters on the map")

    page.get_by_label("Country").select_option("BE")
    with page.expect_response(re.compile(r"/api/v1/clusters/map/\?country=BE$")):
        page.get_by_role("button", name="Show on the map").click()

    expect(count_text(page)).to_have_text("10 clusters on the map")
    assert urlsplit(page.url).path == "/clusters/map/"
    assert urlsplit(page.url).query == "country=BE"
    expect(page.get_by_role("link", name="Show these clusters as a list")).to_have_attribute(
        "href", "/clusters/?country=BE"
    )
    screenshot(page, "cluster-map-test-filtered")

    # The address is shareable: opened again, the map shows the same ten.
    page.goto(page.url)
    expect(count_text(page)).to_have_text("10 clusters on the map")
    expect(page.get_by_label("Country")).to_have_values(["BE"])

    # Two countries at once; then no filter at all.
    page.get_by_label("Country").select_option(["BE", "IE"])
    page.get_by_role("button", name="Show on the map").click()
    expect(count_text(page)).to_have_text("11 clusters on the map")
    assert urlsplit(page.url).query == "country=BE&country=IE"
    page.get_by_label("Country").select_option([])
    page.get_by_role("button", name="Show on the map").click()
    expect(count_text(page)).to_have_text("30 clusters on the map")
    assert urlsplit(page.url).query == ""


def test_a_draft_never_appears_on_the_map(page: Page, live_server, clusters, cluster_manager):
    # Not for the public…
    with page.expect_response(re.compile(r"/api/v1/clusters/map/")) as answer:
        open_map(page, live_server, "/clusters/map/?country=BE")
    names = {f["properties"]["name"] for f in answer.value.json()["features"]}
    assert DRAFT_NAME not in names
    assert len(names) == 10
    expect(count_text(page)).to_have_text("10 clusters on the map")

    # …nor for its own manager: the map shows what is published.
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^E-mail address\*?$")).fill(cluster_manager.email)
    page.get_by_label(re.compile(r"^Password\*?$")).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    with page.expect_response(re.compile(r"/api/v1/clusters/map/")) as answer:
        page.goto("/clusters/map/?country=BE")
    names = {f["properties"]["name"] for f in answer.value.json()["features"]}
    assert DRAFT_NAME not in names
    expect(count_text(page)).to_have_text("10 clusters on the map")
