"""The weekly report: its figures equal counts made independently here, by plain Python over
the rows; compiling is idempotent; the task compiles the week that ended; the pages are for
Commission staff only; the CSV parses and matches; the printable page renders.

The alerts are made through the real services (``make_alert``), then their report time and
the times of their assessment steps are moved into the weeks under test with queryset
updates. The week under test, 25 to 31 March 2024, ends with the switch to summer time in
Brussels (Sunday 31 March, 02:00 → 03:00), so it is an hour short.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import json
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertStatus, AlertTransition, TransitionKind, WeeklyReport
from alerts.services import alert_escalate, alert_transition, weekly_report_compile
from alerts.tasks import compile_weekly_report
from portal.core.models import Ecosystem
from tests.alerts.factories import make_alert

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
WEEK = datetime.date(2024, 3, 25)  # Monday; the week under test
BEFORE = WEEK - datetime.timedelta(days=7)
AFTER = WEEK + datetime.timedelta(days=7)
AFTER_THE_WEEKS = datetime.datetime(2024, 4, 10, 12, tzinfo=BRUSSELS)  # "now" for compiling
NOTE = "TOP-SECRET: the supplier in Toulouse is about to be sold"
S = AlertStatus


def at(day: datetime.date, hour: int = 9, minute: int = 0, second: int = 0) -> datetime.datetime:
    """A moment in Brussels time."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BRUSSELS)


def day(n: int, week: datetime.date = WEEK) -> datetime.date:
    """Day ``n`` of a week: 0 is Monday, 6 is Sunday."""
    return week + datetime.timedelta(days=n)


def place(alert: Alert, reported: datetime.datetime, **steps: datetime.datetime) -> None:
    """Move an alert's report and its assessment steps to the given moments. Steps not named
    happen an hour after the report (``under_assessment``) or are left alone."""
    Alert.objects.filter(pk=alert.pk).update(created_at=reported)
    AlertTransition.objects.filter(alert=alert, from_status="").update(created_at=reported)
    steps.setdefault(S.UNDER_ASSESSMENT, reported + datetime.timedelta(hours=1))
    for step, moment in steps.items():
        if step == "escalation":
            AlertTransition.objects.filter(alert=alert, kind=TransitionKind.ESCALATION).update(
                created_at=moment
            )
            Alert.objects.filter(pk=alert.pk).update(escalated_at=moment)
            continue
        AlertTransition.objects.filter(
            alert=alert, kind=TransitionKind.STATUS, to_status=step
        ).update(created_at=moment)
        if step == S.CONFIRMED:
            Alert.objects.filter(pk=alert.pk).update(confirmed_at=moment)
        if step == S.RESOLVED:
            Alert.objects.filter(pk=alert.pk).update(resolved_at=moment)


@pytest.fixture
def world(authority, commission_staff):
    """Alerts reported and assessed across three weeks, several ecosystems and countries."""

    def alert(status, ecosystems, countries, **kwargs):
        return make_alert(
            by=authority,
            staff=commission_staff,
            status=status,
            ecosystems=ecosystems,
            countries=countries,
            confidential_note=NOTE,
            critical_companies_at_risk=True,
            **kwargs,
        )

    a = {}
    a["visors"] = alert(S.CONFIRMED, ["health"], ["BE", "FR"], severity="high")
    place(a["visors"], at(day(0)), confirmed=at(day(1), 10))
    # Merged into "visors" in the same week: a new report, but confirmed only as the group.
    a["visors_again"] = alert(S.MERGED, ["health"], ["BE"], merged_into=a["visors"])
    place(a["visors_again"], at(day(2)), merged=at(day(2), 11))
    # Reported the week before; confirmed on the stroke of Monday midnight; escalated Friday.
    a["chips"] = alert(S.CONFIRMED, ["health", "electronics"], ["DE"], severity="critical")
    alert_escalate(alert=a["chips"], by=commission_staff, note="Car plants stop next week.")
    place(a["chips"], at(day(3, BEFORE)), confirmed=at(day(0), 0), escalation=at(day(4), 15))
    # Confirmed the week before, resolved on the last minute of the (short) Sunday.
    a["aviation"] = alert(
        S.RESOLVED,
        ["aerospace-defence"],
        ["FR"],
        type="labour_restructuring",
        value_chain_stage="services",
        expected_duration_days=90,
    )
    place(
        a["aviation"],
        at(day(0, BEFORE)),
        confirmed=at(day(1, BEFORE)),
        resolved=at(day(6), 23, 59, 59),
    )
    # Reported late on Sunday in Brussels: still Sunday there, already 21:30 UTC.
    a["iot"] = alert(S.REPORTED, ["electronics"], ["IT"], type="standardisation_gap")
    place(a["iot"], at(day(6), 23, 30))
    a["textile"] = alert(S.DISMISSED, ["textile"], ["PL", "RO"], severity="low")
    place(a["textile"], at(day(3)), dismissed=at(day(4)))
    # Reported this week, confirmed exactly at the start of the next one: not confirmed here.
    a["gas"] = alert(S.CONFIRMED, ["energy-intensive"], ["IT"], severity="medium")
    place(a["gas"], at(day(4)), confirmed=at(AFTER, 0))
    # All of it one second before the week starts.
    a["lithium"] = alert(
        S.CONFIRMED, ["mobility-transport-automotive", "energy-intensive"], ["DE", "PL"]
    )
    place(
        a["lithium"],
        at(day(6, BEFORE), 23, 59, 58),
        under_assessment=at(day(6, BEFORE), 23, 59, 59),
        confirmed=at(day(6, BEFORE), 23, 59, 59),
    )
    a["next_week"] = alert(S.REPORTED, ["health"], ["BE"])
    place(a["next_week"], at(AFTER, 0))
    return a


def expected_figures(week_start: datetime.date) -> dict[str, dict]:
    """The week's figures computed from the rows, without the code under test."""
    start = datetime.datetime(week_start.year, week_start.month, week_start.day, tzinfo=BRUSSELS)
    nxt = week_start + datetime.timedelta(days=7)
    end = datetime.datetime(nxt.year, nxt.month, nxt.day, tzinfo=BRUSSELS)
    alerts = {a.pk: a for a in Alert.objects.prefetch_related("ecosystems")}
    in_week = lambda moment: start <= moment < end  # noqa: E731

    ids = {
        "new": {pk for pk, a in alerts.items() if in_week(a.created_at)},
        "confirmed": set(),
        "escalated": set(),
        "resolved": set(),
    }
    for t in AlertTransition.objects.all():
        if not in_week(t.created_at) or alerts[t.alert_id].status == S.MERGED:
            continue
        if t.kind == TransitionKind.ESCALATION:
            ids["escalated"].add(t.alert_id)
        elif t.to_status == S.CONFIRMED:
            ids["confirmed"].add(t.alert_id)
        elif t.to_status == S.RESOLVED:
            ids["resolved"].add(t.alert_id)
    figures = {}
    for category, pks in ids.items():
        figures[category] = {
            "ids": pks,
            "total": len(pks),
            "by_ecosystem": dict(
                Counter(e.slug for pk in pks for e in alerts[pk].ecosystems.all())
            ),
            "by_country": dict(Counter(c.code for pk in pks for c in alerts[pk].countries)),
        }
    return figures


def test_weekly_report_figures_equal_an_independent_count(world):
    report = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)

    expected = expected_figures(WEEK)
    categories = report.data["categories"]
    for category, figures in expected.items():
        got = categories[category]
        assert got["total"] == figures["total"], category
        assert {a["id"] for a in got["alerts"]} == figures["ids"], category
        assert got["by_ecosystem"] == figures["by_ecosystem"], category
        assert got["by_country"] == figures["by_country"], category
    # The scenario is the one intended (so the comparison above compares something).
    a = world
    assert expected["new"]["ids"] == {
        a[k].pk for k in ("visors", "visors_again", "iot", "textile", "gas")
    }
    assert expected["confirmed"]["ids"] == {a["visors"].pk, a["chips"].pk}
    assert expected["escalated"]["ids"] == {a["chips"].pk}
    assert expected["resolved"]["ids"] == {a["aviation"].pk}
    assert categories["new"]["by_ecosystem"] == {
        "health": 2, "electronics": 1, "textile": 1, "energy-intensive": 1
    }  # fmt: skip
    # An alert in two ecosystems counts in both.
    assert categories["confirmed"]["by_ecosystem"] == {"health": 2, "electronics": 1}
    assert categories["new"]["by_country"] == {"BE": 2, "IT": 2, "FR": 1, "PL": 1, "RO": 1}
    assert report.data["schema"] == 1
    assert report.data["provisional"] is False


def test_weekly_report_lists_each_alert_with_its_details_and_group(world):
    report = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)

    confirmed = {a["id"]: a for a in report.data["categories"]["confirmed"]["alerts"]}
    visors = confirmed[world["visors"].pk]
    assert visors["group_size"] == 2  # the alert merged into it counts toward the group
    assert visors["title"] == world["visors"].title
    assert visors["countries"] == ["BE", "FR"]
    assert visors["ecosystems"] == ["health"]
    assert visors["proposed_solutions"] == world["visors"].proposed_solutions
    assert visors["started_on"] == world["visors"].started_on.isoformat()
    resolved = report.data["categories"]["resolved"]["alerts"][0]
    assert resolved["type"] == "labour_restructuring"
    assert resolved["value_chain_stage"] == "services"
    assert resolved["expected_duration_days"] == 90
    new = {a["id"]: a for a in report.data["categories"]["new"]["alerts"]}
    assert new[world["visors_again"].pk]["merged_into"] == world["visors"].pk
    assert new[world["visors_again"].pk]["group_size"] == 1


def test_weekly_report_never_holds_the_confidential_note(world):
    report = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)

    assert Alert.objects.filter(confidential_note=NOTE).count() == len(world)
    assert NOTE not in json.dumps(report.data)
    assert "confidential" not in json.dumps(report.data)


def test_a_later_change_does_not_rewrite_the_week(world, commission_staff):
    before = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS).data
    # Today, long after the week, the confirmed alert is resolved.
    alert_transition(alert=world["visors"], to_status=S.RESOLVED, by=commission_staff)

    after = weekly_report_compile(week_start=WEEK).data

    for category in ("new", "confirmed", "escalated", "resolved"):
        assert after["categories"][category]["total"] == before["categories"][category]["total"]
    confirmed = {a["id"]: a for a in after["categories"]["confirmed"]["alerts"]}
    assert confirmed[world["visors"].pk]["status"] == "resolved"  # as it stands now


def test_compiling_twice_leaves_one_report_with_the_latest_figures(world, authority):
    first = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    late = make_alert(by=authority, ecosystems=["retail"], countries=["MT"])
    place(late, at(day(5)))

    second = weekly_report_compile(
        week_start=WEEK, now=AFTER_THE_WEEKS + datetime.timedelta(hours=1)
    )

    assert WeeklyReport.objects.count() == 1
    assert second.pk == first.pk
    assert second.compiled_at > first.compiled_at
    assert second.data["categories"]["new"]["total"] == (
        first.data["categories"]["new"]["total"] + 1
    )


def test_a_week_not_over_is_provisional_until_compiled_again(world):
    during = at(day(3), 12)

    report = weekly_report_compile(week_start=WEEK, now=during)
    assert report.data["provisional"] is True

    # One second after the week ends, the same week compiles as final.
    report = weekly_report_compile(week_start=WEEK, now=at(AFTER, 0, 0, 1))
    assert report.data["provisional"] is False
    assert WeeklyReport.objects.count() == 1


def test_only_a_monday_that_has_come_can_start_a_report(db):
    with pytest.raises(ValidationError) as error:
        weekly_report_compile(week_start=WEEK + datetime.timedelta(days=1))
    assert "week_start" in error.value.message_dict
    this_monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    with pytest.raises(ValidationError):
        weekly_report_compile(week_start=this_monday + datetime.timedelta(days=7))
    assert WeeklyReport.objects.count() == 0


def test_only_staff_compile_on_demand(company_user, authority):
    for user in (company_user, authority):
        with pytest.raises(PermissionDenied):
            weekly_report_compile(week_start=WEEK, by=user)
    assert WeeklyReport.objects.count() == 0


def test_the_task_compiles_the_week_that_ended_and_is_safe_to_run_twice(db):
    today = timezone.localdate()
    last_monday = today - datetime.timedelta(days=today.weekday() + 7)

    first = compile_weekly_report()
    second = compile_weekly_report.delay().get()

    assert first == second
    report = WeeklyReport.objects.get()
    assert report.week_start == last_monday
    assert report.data["provisional"] is False
    assert report.data["week_end"] == (last_monday + datetime.timedelta(days=6)).isoformat()


def test_compiling_runs_a_fixed_number_of_queries(world, authority, django_assert_max_num_queries):
    # Five reads, then update_or_create (a read and a write inside three savepoints).
    with django_assert_max_num_queries(13):
        weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    for n in range(5):
        extra = make_alert(by=authority, ecosystems=["health", "digital"], countries=["BE", "NL"])
        place(extra, at(day(n)))

    with django_assert_max_num_queries(13):
        report = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    assert report.data["categories"]["new"]["total"] == 10


# --- Pages -------------------------------------------------------------------------------------


def report_urls(week: str = WEEK.isoformat()) -> list[str]:
    return [
        reverse("alerts:reports"),
        reverse("alerts:report_detail", args=[week]),
        reverse("alerts:report_csv", args=[week]),
        reverse("alerts:report_print", args=[week]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)

    for url in report_urls():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url
    response = client.post(reverse("alerts:reports"), {"week": "previous"})
    assert "/login/" in response.url
    assert WeeklyReport.objects.count() == 1


@pytest.mark.parametrize(
    "role", ["company_user", "cluster_manager", "authority", "unverified_authority"]
)
def test_other_users_are_refused_report_pages(client, world, role, request):
    weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    client.force_login(request.getfixturevalue(role))

    for url in report_urls():
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("alerts:reports"), {"week": "previous"}).status_code == 403
    assert WeeklyReport.objects.count() == 1


def test_staff_see_every_report_page(client, world, commission_staff):
    report = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    client.force_login(commission_staff)

    listing = client.get(reverse("alerts:reports")).content.decode()
    page = client.get(report.get_absolute_url()).content.decode()

    assert reverse("alerts:report_detail", args=["2024-03-25"]) in listing
    assert reverse("alerts:report_csv", args=["2024-03-25"]) in listing
    assert "alerts-report__provisional" not in listing  # compiled after the week ended
    assert world["visors"].title in page and world["aviation"].title in page
    assert 'data-total="new">5<' in page
    assert 'data-total="confirmed">2<' in page
    assert "counts in both" in page  # the page says how multi-ecosystem alerts count
    # Ecosystems in the portal's order (the JSON keeps no key order), countries by name.
    tables = dict(re.findall(r'data-table="([a-z-]+)">(.*?)</table>', page, re.S))

    def rows(table: str) -> list[str]:
        cells = re.findall(r'<th class="ecl-table__cell" scope="row">([^<]+)</th>', table)
        return [html.unescape(cell) for cell in cells]

    slugs = {slug for a in report.data["categories"].values() for slug in a["by_ecosystem"]}
    assert rows(tables["by-ecosystem"]) == [
        e.name for e in Ecosystem.objects.filter(slug__in=slugs).order_by("position")
    ]
    assert rows(tables["by-country"]) == [
        "Belgium",
        "France",
        "Germany",
        "Italy",
        "Poland",
        "Romania",
    ]
    assert "merged into another alert" in page
    for text in (NOTE, "TOP-SECRET"):
        assert text not in page and text not in listing


@pytest.mark.parametrize(
    "week", ["2024-03-26", "2024-13-01", "2024-02-30", "0000-01-03", "2024-04-01", "9999-12-27"]
)
def test_an_invalid_or_unknown_week_is_a_404(client, world, commission_staff, week):
    weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    client.force_login(commission_staff)

    for url in report_urls(week)[1:]:
        assert client.get(url).status_code == 404, url


def test_staff_compile_the_previous_week_now(client, commission_staff):
    client.force_login(commission_staff)
    today = timezone.localdate()
    last_monday = today - datetime.timedelta(days=today.weekday() + 7)

    response = client.post(reverse("alerts:reports"), {"week": "previous"})

    report = WeeklyReport.objects.get()
    assert report.week_start == last_monday
    assert response.status_code == 302
    assert response.url == report.get_absolute_url()
    client.post(reverse("alerts:reports"), {"week": "previous"})
    assert WeeklyReport.objects.count() == 1


def test_staff_compile_the_current_week_as_provisional(client, commission_staff):
    client.force_login(commission_staff)

    response = client.post(reverse("alerts:reports"), {"week": "current"}, follow=True)

    report = WeeklyReport.objects.get()
    assert report.week_start == timezone.localdate() - datetime.timedelta(
        days=timezone.localdate().weekday()
    )
    assert report.data["provisional"] is True
    assert "provisional" in response.content.decode().lower()
    listing = client.get(reverse("alerts:reports")).content.decode()
    assert "alerts-report__provisional" in listing


def test_compile_now_refuses_any_other_week(client, commission_staff):
    client.force_login(commission_staff)

    response = client.post(reverse("alerts:reports"), {"week": "2020-04-06"}, follow=True)

    assert response.status_code == 200
    assert WeeklyReport.objects.count() == 0
    assert "Choose the current or the previous week." in response.content.decode()


def test_report_pages_have_fixed_query_budgets(
    client, world, authority, commission_staff, django_assert_max_num_queries
):
    client.force_login(commission_staff)
    weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    weekly_report_compile(week_start=BEFORE, now=AFTER_THE_WEEKS)

    def measure() -> None:
        for url in [*report_urls(), reverse("alerts:report_detail", args=[BEFORE.isoformat()])]:
            with django_assert_max_num_queries(4):
                assert client.get(url).status_code == 200

    measure()
    for n in range(6):
        extra = make_alert(by=authority, ecosystems=["health", "digital"], countries=["BE", "NL"])
        place(extra, at(day(n % 7)))
    for k in range(1, 8):
        weekly_report_compile(week_start=BEFORE - datetime.timedelta(weeks=k), now=AFTER_THE_WEEKS)
    weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    measure()


# --- CSV ---------------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_one_row_per_alert_per_category_matching_the_report(
    client, world, commission_staff
):
    report = weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    client.force_login(commission_staff)

    response = client.get(reverse("alerts:report_csv", args=[WEEK.isoformat()]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="rapid-alerts-week-2024-03-25.csv"'
    )
    rows = read_csv(response)
    assert list(rows[0]) == [
        "week", "category", "alert_id", "title", "type", "severity", "value_chain_stage",
        "started_on", "expected_duration_days", "ecosystems", "countries",
        "proposed_solutions", "group_size",
    ]  # fmt: skip
    expected = expected_figures(WEEK)
    got = Counter(row["category"] for row in rows)
    assert got == {category: figures["total"] for category, figures in expected.items()}
    by_category = {(row["category"], int(row["alert_id"])): row for row in rows}
    for category, figures in expected.items():
        assert {pk for cat, pk in by_category if cat == category} == figures["ids"]
    visors = by_category[("confirmed", world["visors"].pk)]
    assert visors["week"] == "2024-03-25"
    assert visors["title"] == world["visors"].title
    assert visors["type"] == "supply_disruption"
    assert visors["severity"] == "high"
    assert visors["value_chain_stage"] == "raw_materials"
    assert visors["started_on"] == world["visors"].started_on.isoformat()
    assert visors["expected_duration_days"] == "30"
    assert visors["ecosystems"] == "health"
    assert visors["countries"] == "BE, FR"
    assert visors["group_size"] == "2"
    chips = by_category[("escalated", world["chips"].pk)]
    assert chips["ecosystems"] == "electronics, health"  # in the portal's order of ecosystems
    assert NOTE not in response.content.decode("utf-8-sig")
    assert len(rows) == sum(c["total"] for c in report.data["categories"].values())


@pytest.mark.parametrize("formula", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)"])
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(
    client, authority, commission_staff, formula
):
    alert = make_alert(
        by=authority,
        title=f"{formula} disruption",
        proposed_solutions=f"{formula} and more",
        ecosystems=["health"],
    )
    place(alert, at(day(2)))
    weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    client.force_login(commission_staff)

    rows = read_csv(client.get(reverse("alerts:report_csv", args=[WEEK.isoformat()])))

    assert rows[0]["title"] == f"'{formula} disruption"
    assert rows[0]["proposed_solutions"] == f"'{formula} and more"


def test_printable_page_renders_the_report_without_inline_styles(client, world, commission_staff):
    weekly_report_compile(week_start=WEEK, now=AFTER_THE_WEEKS)
    client.force_login(commission_staff)

    response = client.get(reverse("alerts:report_print", args=[WEEK.isoformat()]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "alerts-report-print.css" in html
    assert "Rapid alerts, week of 25 March 2024 to 31 March 2024" in html
    assert world["chips"].title in html and world["aviation"].title in html
    assert 'data-total="resolved">1<' in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
    assert "<script>" not in html
    assert NOTE not in html
    # No navigation of the portal on paper: no main menu.
    assert "portal-nav" not in html
