"""The industrial ecosystem pages: published figures with year and source under the
"preliminary data" warning, "no published figure yet" where there is none, live counts."""

import csv
from decimal import Decimal

import pytest
from django.urls import reverse

from alerts.models import AlertStatus
from offers.models import OfferStatus
from portal.core.figures import FIGURES_FILE, figures_by_ecosystem, read_figures
from portal.core.models import Ecosystem
from tests.alerts.factories import make_alert
from tests.clusters.factories import make_cluster
from tests.offers.factories import make_offer

WARNING = "Preliminary data; may be underestimated where data is missing."


def test_every_figure_has_a_value_unit_and_source():
    figures = read_figures()
    assert figures, "the figures file is empty"
    for figure in figures:
        assert figure.value > 0
        assert figure.unit
        assert figure.source.startswith("https://")
        assert figure.year is None or 1990 <= figure.year <= 2030


@pytest.mark.django_db
def test_every_figure_belongs_to_a_known_ecosystem():
    slugs = set(Ecosystem.objects.values_list("slug", flat=True))
    assert set(figures_by_ecosystem()) <= slugs


def test_a_malformed_file_is_refused(tmp_path):
    bad = tmp_path / "figures.csv"
    bad.write_text("ecosystem,value\ntourism,7\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns"):
        read_figures(bad)


@pytest.mark.django_db
def test_ecosystem_page_shows_each_figure_with_year_source_and_warning(client):
    with FIGURES_FILE.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["ecosystem"] == "tourism"]
    html = client.get(reverse("home:ecosystem", args=["tourism"])).content.decode()
    assert WARNING in html
    for row in rows:
        assert row["figure"][0].upper() + row["figure"][1:] in html  # capfirst
        assert row["source"] in html
        value = format(Decimal(row["value"]).normalize(), "f")
        assert value in html
        if row["year"]:
            assert f"Year: {row['year']}" in html
    assert "Year not given by the source" in html  # "SMEs among firms" has no year
    assert "No published figure yet" not in html


@pytest.mark.django_db
def test_ecosystem_without_figures_says_so_and_invents_none(client):
    assert "digital" not in figures_by_ecosystem()
    html = client.get(reverse("home:ecosystem", args=["digital"])).content.decode()
    assert "No published figure yet for this ecosystem." in html
    assert WARNING in html
    assert "ecosystem-figure__value" not in html


@pytest.mark.django_db
def test_unknown_ecosystem_is_404(client):
    assert client.get(reverse("home:ecosystem", args=["no-such-thing"])).status_code == 404


@pytest.mark.django_db
def test_ecosystem_list_names_all_fourteen(client):
    html = client.get(reverse("home:ecosystems")).content.decode()
    for ecosystem in Ecosystem.objects.all():
        assert reverse("home:ecosystem", args=[ecosystem.slug]) in html
    assert Ecosystem.objects.count() == 14


def _count(html: str, name: str) -> int:
    marker = f'data-count="{name}">'
    start = html.index(marker) + len(marker)
    return int(html[start : html.index("<", start)])


@pytest.mark.django_db
def test_live_counts_follow_the_data(client, cluster_manager, authority, commission_staff):
    health = Ecosystem.objects.get(slug="health")
    textile = Ecosystem.objects.get(slug="textile")
    health_cluster = make_cluster(by=cluster_manager, ecosystems=[health])
    textile_cluster = make_cluster(by=cluster_manager, ecosystems=[textile])
    make_offer(
        by=cluster_manager,
        cluster=health_cluster,
        status=OfferStatus.ACCEPTED,
        staff=commission_staff,
    )
    make_offer(
        by=cluster_manager, cluster=health_cluster, status=OfferStatus.SUBMITTED
    )  # not public
    make_offer(
        by=cluster_manager,
        cluster=textile_cluster,
        status=OfferStatus.ACCEPTED,
        staff=commission_staff,
    )
    make_alert(
        by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff, ecosystems=["health"]
    )
    make_alert(by=authority, status=AlertStatus.REPORTED, ecosystems=["health"])  # not public
    make_alert(
        by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff, ecosystems=["textile"]
    )

    html = client.get(reverse("home:ecosystem", args=["health"])).content.decode()
    assert _count(html, "clusters") == 1
    assert _count(html, "offers") == 1
    assert _count(html, "alerts") == 1
    assert "?ecosystem=health" in html


@pytest.mark.django_db
def test_ecosystem_page_query_budget_does_not_grow(
    client, django_assert_max_num_queries, cluster_manager, authority, commission_staff
):
    def add(n: int) -> None:
        for _ in range(n):
            cluster = make_cluster(by=cluster_manager)
            make_offer(
                by=cluster_manager,
                cluster=cluster,
                status=OfferStatus.ACCEPTED,
                staff=commission_staff,
            )
            make_alert(by=authority, status=AlertStatus.CONFIRMED, staff=commission_staff)

    add(1)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("home:ecosystem", args=["health"])).status_code == 200
    add(4)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("home:ecosystem", args=["health"])).status_code == 200
