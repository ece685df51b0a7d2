"""The public rapid-alert dashboard: the heatmap's counts and links, the weekly chart, the
totals, what the public may see, and fixed query budgets.

Expected figures are computed here by plain Python over the rows, not by the selectors.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from alerts.models import SEVERITY_RANK, Alert, AlertStatus
from alerts.selectors import alert_filterset, alert_list
from alerts.selectors_dashboard import alerts_per_week
from alerts.services import alert_escalate
from portal.core.models import Ecosystem
from tests.alerts.factories import make_alert

pytestmark = pytest.mark.django_db

S = AlertStatus
BRUSSELS = ZoneInfo("Europe/Brussels")
SECRET_TITLE = "Undisclosed shortage of tourism beds"
NOTE = "CONFIDENTIAL-NOTE: the Maltese operator is insolvent"
URL = "/alerts/dashboard/"


@pytest.fixture
def alerts(authority, commission_staff):
    """Open confirmed alerts across ecosystems and countries, and alerts that must not count
    (not confirmed, or no longer open)."""

    def alert(status, ecosystems, countries, severity="high", **kwargs):
        return make_alert(
            by=authority,
            staff=commission_staff,
            status=status,
            ecosystems=ecosystems,
            countries=countries,
            severity=severity,
            confidential_note=NOTE,
            **kwargs,
        )

    made = {
        "visors": alert(S.CONFIRMED, ["health"], ["BE", "FR"], "medium"),
        "masks": alert(S.CONFIRMED, ["health", "textile"], ["FR"], "critical"),
        "chips": alert(S.CONFIRMED, ["electronics", "mobility-transport-automotive"], ["DE"]),
        "lithium": alert(
            S.CONFIRMED, ["mobility-transport-automotive", "energy-intensive"], ["DE", "PL"], "low"
        ),
        "aviation": alert(S.CONFIRMED, ["aerospace-defence"], ["FR", "ES"], "critical"),
        # Not counted in the heatmap: not confirmed, or resolved.
        "resolved": alert(S.RESOLVED, ["health"], ["BE"], "critical"),
        "reported": alert(S.REPORTED, ["tourism"], ["MT"], "critical", title=SECRET_TITLE),
        "assessing": alert(S.UNDER_ASSESSMENT, ["tourism"], ["MT"], title=SECRET_TITLE + " 2"),
        "dismissed": alert(S.DISMISSED, ["tourism"], ["MT"], title=SECRET_TITLE + " 3"),
    }
    made["merged"] = alert(
        S.MERGED, ["tourism"], ["MT"], merged_into=made["visors"], title=SECRET_TITLE + " 4"
    )
    alert_escalate(alert=made["aviation"], by=commission_staff, note="Plants at risk.")
    return made


def expected_heatmap() -> tuple[dict[tuple[str, str], set[int]], dict[tuple[str, str], str]]:
    """Cells (ecosystem slug, country code) → the open confirmed alerts in them, and the worst
    severity of each cell, from the rows."""
    cells: dict[tuple[str, str], set[int]] = defaultdict(set)
    worst: dict[tuple[str, str], str] = {}
    for alert in Alert.objects.filter(status="confirmed").prefetch_related("ecosystems"):
        for ecosystem in alert.ecosystems.all():
            for country in alert.countries:
                key = (ecosystem.slug, country.code)
                cells[key].add(alert.pk)
                if SEVERITY_RANK[alert.severity] > SEVERITY_RANK.get(worst.get(key, ""), 0):
                    worst[key] = alert.severity
    return cells, worst


def heatmap_cells(html: str) -> dict[tuple[str, str], tuple[int, str, str]]:
    """(ecosystem, country) → (count, severity class, link) for every cell with alerts."""
    table = html.split("data-heatmap", 1)[1].split("</table>", 1)[0]
    head, body = table.split("<tbody", 1)
    countries = re.findall(r'data-country="([A-Z]{2})"', head)
    found = {}
    for slug, row in re.findall(r'data-ecosystem="([a-z-]+)">(.*?)</tr>', body, re.S):
        tds = re.findall(r'<td class="[^"]*alerts-heatmap__cell--(\w+)"(.*?)</td>', row, re.S)
        assert len(tds) == len(countries)
        for country, (severity, cell) in zip(countries, tds, strict=True):
            count = re.search(r'data-count="(\d+)"', cell)
            link = re.search(r'href="([^"]+)"', cell)
            if count:
                found[(slug, country)] = (int(count.group(1)), severity, link.group(1))
            else:
                assert severity == "none" and link is None
    return found


def unescape(url: str) -> str:
    return url.replace("&amp;", "&")


def test_heatmap_counts_equal_an_independent_count(client, alerts):
    expected, worst = expected_heatmap()

    html = client.get(URL).content.decode()

    cells = heatmap_cells(html)
    assert {key: n for key, (n, _s, _u) in cells.items()} == {
        key: len(pks) for key, pks in expected.items()
    }
    assert {key: severity for key, (_n, severity, _u) in cells.items()} == worst
    # The scenario is the one intended: an alert in two ecosystems counts in both rows.
    assert cells[("health", "FR")][0] == 2
    assert cells[("textile", "FR")][0] == 1
    assert cells[("health", "FR")][1] == "critical"
    assert cells[("health", "BE")][:2] == (1, "medium")  # the resolved alert is not counted
    # Every ecosystem has its row, whether or not it has alerts; countries only with alerts.
    assert html.count('data-ecosystem="') == Ecosystem.objects.count() == 14
    assert set(re.findall(r'data-country="([A-Z]{2})"', html)) == {"BE", "FR", "DE", "PL", "ES"}
    # The grand total counts each alert once.
    open_confirmed = Alert.objects.filter(status="confirmed").count()
    assert f'data-total="all">{open_confirmed}<' in html
    # The severity is written in each cell, not only coloured.
    assert "worst severity" in html and ">Critical</span>" in html


def test_each_cell_links_to_the_filtered_list_of_its_alerts(client, alerts):
    expected, _worst = expected_heatmap()
    html = client.get(URL).content.decode()

    for (slug, country), (_n, _severity, link) in heatmap_cells(html).items():
        url = urlsplit(unescape(link))
        assert url.path == reverse("alerts:list")
        assert parse_qsl(url.query) == [
            ("status", "confirmed"), ("ecosystem", slug), ("country", country)
        ]  # fmt: skip
        # The list, read with its own filters, holds exactly the cell's alerts.
        filterset = alert_filterset(data=QueryDict(url.query), user=AnonymousUser())
        assert {a.pk for a in alert_list(filterset=filterset)} == expected[(slug, country)]

    # Row and column headers link to the ecosystem's and the country's open alerts.
    assert 'href="/alerts/?status=confirmed&amp;ecosystem=health"' in html
    assert 'href="/alerts/?status=confirmed&amp;country=DE"' in html
    filterset = alert_filterset(data=QueryDict("status=confirmed&country=DE"), user=AnonymousUser())
    assert {a.pk for a in alert_list(filterset=filterset)} == {
        alerts["chips"].pk,
        alerts["lithium"].pk,
    }


@pytest.mark.parametrize("who", ["anonymous", "company_user", "cluster_manager"])
def test_dashboard_never_shows_non_public_alerts_to_the_public(client, alerts, who, request):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET_TITLE not in html
    assert NOTE not in html and "CONFIDENTIAL" not in html
    # Tourism and Malta have only non-public alerts: no cell, no column, no chart series.
    assert 'data-country="MT"' not in html
    assert 'data-series="tourism"' not in html
    assert "country=MT" not in html and "ecosystem=tourism" not in html
    # The chart counts public alerts only: confirmed and resolved.
    chart = alerts_per_week(user=AnonymousUser())
    assert chart.public_only
    assert sum(chart.totals) == Alert.objects.filter(status__in=["confirmed", "resolved"]).count()
    assert 'data-stat="escalated"' not in html


def test_staff_chart_counts_every_report_and_shows_escalations(client, alerts, commission_staff):
    client.force_login(commission_staff)

    html = client.get(URL).content.decode()

    assert 'data-series="tourism"' in html  # reported, assessing, dismissed, merged
    chart = alerts_per_week(user=commission_staff)
    assert not chart.public_only
    assert sum(chart.totals) == Alert.objects.count()
    assert re.search(r'data-stat="escalated"><a [^>]*>1</a>', html)
    assert SECRET_TITLE not in html  # the dashboard lists no alert, even to staff
    # Still no heatmap cell for alerts not confirmed.
    assert 'data-country="MT"' not in html


def test_weekly_chart_counts_equal_an_independent_count(authority, commission_staff):
    now = timezone.now()
    today = timezone.localtime(now, BRUSSELS).date()
    this_monday = today - datetime.timedelta(days=today.weekday())
    placements = [  # (weeks ago, status, ecosystems)
        (0, S.CONFIRMED, ["health"]),
        (0, S.REPORTED, ["health"]),
        (1, S.CONFIRMED, ["health", "digital"]),
        (3, S.RESOLVED, ["digital"]),
        (3, S.CONFIRMED, ["retail"]),
        (5, S.DISMISSED, ["retail"]),
        (11, S.CONFIRMED, ["construction"]),
        (12, S.CONFIRMED, ["construction"]),  # before the chart's first week
    ]
    for weeks_ago, status, ecosystems in placements:
        alert = make_alert(
            by=authority, staff=commission_staff, status=status, ecosystems=ecosystems
        )
        monday = this_monday - datetime.timedelta(weeks=weeks_ago)
        moment = datetime.datetime(monday.year, monday.month, monday.day, 0, 30, tzinfo=BRUSSELS)
        Alert.objects.filter(pk=alert.pk).update(created_at=moment)

    for user, public_only in ((AnonymousUser(), True), (commission_staff, False)):
        chart = alerts_per_week(user=user, now=now)

        first = this_monday - datetime.timedelta(weeks=11)
        expected: Counter[tuple[datetime.date, str]] = Counter()
        totals: Counter[datetime.date] = Counter()
        for alert in Alert.objects.prefetch_related("ecosystems"):
            if public_only and alert.status not in ("confirmed", "resolved"):
                continue
            local = timezone.localtime(alert.created_at, BRUSSELS).date()
            monday = local - datetime.timedelta(days=local.weekday())
            if monday < first:
                continue
            totals[monday] += 1
            for ecosystem in alert.ecosystems.all():
                expected[(monday, ecosystem.slug)] += 1

        assert chart.weeks[0] == first and chart.weeks[-1] == this_monday
        got = Counter(
            {
                (monday, series.slug): n
                for series in chart.series
                for monday, n in zip(chart.weeks, series.counts, strict=True)
                if n
            }
        )
        assert got == expected
        assert chart.totals == [totals[monday] for monday in chart.weeks]
    assert sum(alerts_per_week(user=AnonymousUser(), now=now).totals) == 5
    assert sum(alerts_per_week(user=commission_staff, now=now).totals) == 7


def test_totals_equal_an_independent_count(client, alerts, commission_staff):
    month_start = timezone.localdate().replace(day=1)
    old = make_alert(by=alerts["visors"].reported_by, staff=commission_staff, status=S.RESOLVED)
    Alert.objects.filter(pk=old.pk).update(
        resolved_at=datetime.datetime(
            month_start.year, month_start.month, month_start.day, tzinfo=BRUSSELS
        )
        - datetime.timedelta(seconds=1)
    )
    rows = list(Alert.objects.values("status", "severity", "escalated", "resolved_at"))
    since = datetime.datetime(month_start.year, month_start.month, month_start.day, tzinfo=BRUSSELS)
    expected = {
        "open": sum(r["status"] == "confirmed" for r in rows),
        "critical": sum(r["status"] == "confirmed" and r["severity"] == "critical" for r in rows),
        "escalated": sum(r["status"] == "confirmed" and r["escalated"] for r in rows),
        "resolved": sum(r["status"] == "resolved" and r["resolved_at"] >= since for r in rows),
    }
    assert expected == {"open": 5, "critical": 2, "escalated": 1, "resolved": 1}

    public = client.get(URL).content.decode()
    client.force_login(commission_staff)
    staff = client.get(URL).content.decode()

    for html in (public, staff):
        for stat in ("open", "critical"):
            assert re.search(rf'data-stat="{stat}"><a [^>]*>{expected[stat]}</a>', html)
        assert f'data-stat="resolved">{expected["resolved"]}<' in html
    assert 'data-stat="escalated"' not in public
    assert re.search(rf'data-stat="escalated"><a [^>]*>{expected["escalated"]}</a>', staff)


def test_dashboard_draws_svg_charts_with_a_table_and_no_inline_styles(client, alerts):
    html = client.get(URL).content.decode()

    assert html.count("<svg") >= 2
    assert re.search(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#', html)
    assert "data-weekly-table" in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "<script>" not in html
    assert "alerts-dashboard-charts.css" in html


def test_empty_dashboard_says_so(client, db):
    html = client.get(URL).content.decode()

    assert "No confirmed alert is open at the moment." in html
    assert "No alert was reported in this period." in html


@pytest.mark.parametrize("who", ["anonymous", "commission_staff"])
def test_dashboard_has_a_fixed_query_budget(
    client, alerts, authority, commission_staff, who, django_assert_max_num_queries
):
    if who != "anonymous":
        client.force_login(commission_staff)
    budget = 6 if who == "anonymous" else 8

    with django_assert_max_num_queries(budget):
        assert client.get(URL).status_code == 200
    countries = ["IT", "NL", "AT", "SE", "FI", "IE", "PT", "CZ"]
    for n, country in enumerate(countries):
        make_alert(
            by=authority,
            staff=commission_staff,
            status=S.CONFIRMED if n % 2 else S.REPORTED,
            ecosystems=["digital", "retail", "tourism"][: 1 + n % 3],
            countries=[country, "BE"],
            severity=["low", "medium", "high", "critical"][n % 4],
        )

    with django_assert_max_num_queries(budget):
        html = client.get(URL).content.decode()
    assert 'data-country="NL"' in html  # the new alerts are there
