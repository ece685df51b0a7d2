"""Commission staff, in a real browser: the dashboard's heatmap leads to the filtered list of
alerts; a weekly report is compiled on demand, read, and opened as a printable page."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alerts.models import WeeklyReport
from alerts.services import alert_escalate
from portal.accounts.roles import Role
from tests.alerts.factories import make_alert
from tests.browser.test_account_journeys import log_in
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISORS = "Disruption in the supply of plastic material for medical visors"
MASKS = "Meltblown fabric for FFP2 masks runs out"
CHIPS = "Supply of electronic components (microcontrollers)"
NOTE = "CONFIDENTIAL: the converter in Lille is close to bankruptcy"


def cell(page: Page, ecosystem: str, country: str):
    """The heatmap cell of an ecosystem (row, by slug) and a country (column, by code)."""
    heatmap = page.locator("table[data-heatmap]")
    codes = heatmap.locator("thead th[data-country]").evaluate_all(
        "cells => cells.map(c => c.dataset.country)"
    )
    return heatmap.locator(f'tr[data-ecosystem="{ecosystem}"] td').nth(codes.index(country))


def test_staff_follow_the_heatmap_to_the_list_and_read_a_weekly_report(
    page, live_server, screenshot
):
    authority = make_user(Role.AUTHORITY, email="procurement@milano.example.eu", verified=True)
    staff = make_user(Role.COMMISSION, email="claire@ec.example.eu")

    def alert(title, status, ecosystems, countries, severity):
        return make_alert(
            by=authority,
            staff=staff,
            status=status,
            title=title,
            ecosystems=ecosystems,
            countries=countries,
            severity=severity,
            confidential_note=NOTE,
        )

    alert(VISORS, "confirmed", ["health"], ["BE", "FR"], "medium")
    alert(MASKS, "confirmed", ["health", "textile"], ["FR"], "critical")
    chips = alert(CHIPS, "confirmed", ["electronics"], ["DE"], "high")
    alert_escalate(alert=chips, by=staff, note="Car plants stop next week.")
    alert("Undisclosed shortage", "reported", ["tourism"], ["MT"], "low")

    # --- The dashboard: the heatmap and the weekly chart -------------------------------
    log_in(page, email=staff.email, password=PASSWORD)
    page.goto("/alerts/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapid alerts dashboard")
    expect(page.locator('[data-stat="open"]')).to_have_text("3")
    expect(page.locator('[data-stat="critical"]')).to_have_text("1")
    expect(page.locator('[data-stat="escalated"]')).to_have_text("1")
    health_fr = cell(page, "health", "FR")
    expect(health_fr.get_by_role("link")).to_have_accessible_name(
        "2 alerts, worst severity: Critical"
    )
    expect(health_fr).to_have_class(re.compile(r"alerts-heatmap__cell--critical"))
    expect(cell(page, "health", "BE")).to_contain_text("1")
    expect(page.locator('figure[data-series="all"] svg rect')).to_have_count(1)
    expect(page.locator('table[data-weekly-table] tr[data-series="all"] td').last).to_have_text(
        "4"  # staff count every report of the week, the unconfirmed one included
    )
    expect(page.locator("body")).not_to_contain_text(NOTE)
    screenshot(page, "alerts-dashboard")

    # --- A cell leads to the list filtered on its ecosystem and country ----------------
    health_fr.get_by_role("link").click()
    expect(page).to_have_url(
        f"{live_server.url}/alerts/?status=confirmed&ecosystem=health&country=FR"
    )
    expect(page.get_by_role("heading", name="2 alerts")).to_be_visible()
    expect(page.get_by_role("link", name=VISORS)).to_be_visible()
    expect(page.get_by_role("link", name=MASKS)).to_be_visible()
    expect(page.get_by_role("link", name=CHIPS)).to_have_count(0)
    page.go_back()

    # A row header leads to the ecosystem's alerts.
    page.locator('tr[data-ecosystem="electronics"] th').get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/alerts/?status=confirmed&ecosystem=electronics")
    expect(page.get_by_role("link", name=CHIPS)).to_be_visible()
    page.go_back()

    # --- The weekly report, compiled now for this week ---------------------------------
    page.get_by_role("link", name="Weekly reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Weekly reports")
    expect(page.get_by_text("No weekly report has been compiled yet.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^This week so far")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapid alerts, week of")
    expect(page.locator(".portal-messages")).to_contain_text("provisional")
    expect(page.locator('[data-total="new"]')).to_have_text("4")
    expect(page.locator('[data-total="confirmed"]')).to_have_text("3")
    expect(page.locator('[data-total="escalated"]')).to_have_text("1")
    expect(page.locator('[data-total="resolved"]')).to_have_text("0")
    escalated = page.locator('section[data-category="escalated"]')
    expect(escalated.get_by_role("link", name=re.compile(re.escape(CHIPS)))).to_be_visible()
    by_ecosystem = page.locator('table[data-table="by-ecosystem"]')
    expect(by_ecosystem.get_by_role("row", name=re.compile(r"^Health"))).to_contain_text("2")
    expect(page.locator("body")).not_to_contain_text(NOTE)
    report = WeeklyReport.objects.get()
    today = timezone.localdate()
    assert report.week_start.weekday() == 0 and 0 <= (today - report.week_start).days < 7
    assert report.data["provisional"] is True
    screenshot(page, "alerts-weekly-report")

    # --- Its printable page --------------------------------------------------------------
    page.get_by_role("link", name="Printable version").click()
    expect(page).to_have_url(re.compile(rf"/alerts/reports/{report.week_start:%Y-%m-%d}/print/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapid alerts, week of")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by its script
    expect(page.get_by_text(VISORS)).to_have_count(2)  # new and confirmed
    expect(page.get_by_text("Provisional: compiled before the week ended.")).to_be_visible()
    screenshot(page, "alerts-weekly-report-print")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()

    # The CSV is offered from the list.
    page.goto("/alerts/reports/")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^CSV")).click()
    assert download.value.suggested_filename == (
        f"rapid-alerts-week-{report.week_start:%Y-%m-%d}.csv"
    )
