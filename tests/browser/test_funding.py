"""Funding in a real browser: a cluster manager finds an open call for their cluster on
"My profiles" and asks for a reminder; anyone reads NextGenerationEU's chart and table."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from funding.models import CallReminder
from portal.accounts.roles import Role
from portal.core.models import Ecosystem
from tests.browser.test_account_journeys import log_in
from tests.clusters.factories import make_cluster
from tests.factories import PASSWORD, make_user
from tests.funding.factories import closed_call, open_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALL_TITLE = "Resilient medical textiles value chains"


def test_a_cluster_manager_sees_an_open_call_and_asks_for_a_reminder(page, live_server, screenshot):
    manager = make_user(Role.CLUSTER_MANAGER, email="marta@lodz-textiles.example.eu")
    staff = make_user(Role.COMMISSION, email="claire@ec.example.eu")
    make_cluster(
        by=manager,
        name="Lodz Medical Textiles",
        country="PL",
        ecosystems=list(Ecosystem.objects.filter(slug__in=["textile", "health"])),
    )
    call = open_call(
        by=staff,
        title=CALL_TITLE,
        ecosystems=("textile",),
        eligible_countries=["PL", "CZ"],
        closes_in=datetime.timedelta(days=20),
    )
    open_call(by=staff, title="Tourism recovery", ecosystems=("tourism",))
    closed_call(by=staff, title="Last year's textile call", ecosystems=("textile",))

    log_in(page, email=manager.email, password=PASSWORD)
    page.goto("/my/profiles/")
    panel = page.get_by_role("region", name="Open calls for your clusters")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("link", name=CALL_TITLE)).to_be_visible()
    expect(panel).to_contain_text("Lodz Medical Textiles")
    expect(panel).not_to_contain_text("Tourism recovery")
    expect(panel).not_to_contain_text("Last year's textile call")
    screenshot(page, "funding-1-my-profiles")

    panel.get_by_role("button", name="Remind me a week before the deadline").click()

    expect(page).to_have_url(f"{live_server.url}/my/profiles/")
    remind_on = timezone.localtime(call.deadline_at - datetime.timedelta(days=7))
    expect(page.locator(".portal-messages")).to_contain_text(
        f"We will e-mail you about {CALL_TITLE} on {remind_on.day} {remind_on:%B %Y}"
    )
    panel = page.get_by_role("region", name="Open calls for your clusters")
    expect(panel.get_by_role("button", name="Cancel the reminder")).to_be_visible()
    screenshot(page, "funding-2-reminder-set")
    reminder = CallReminder.objects.get()
    assert (reminder.call, reminder.user, reminder.sent_at) == (call, manager, None)

    # The call's own page knows about the reminder too, and shows the deadline in two zones.
    panel.get_by_role("link", name=CALL_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)
    expect(page.locator("[data-deadline-utc]")).to_contain_text(f"{call.deadline_at:%H:%M}")
    expect(page.get_by_role("button", name="Cancel the reminder")).to_be_visible()


def test_the_nextgenerationeu_page_shows_its_chart_and_table(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Funding").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Funding")
    chart = page.get_by_role("img", name="NextGenerationEU by component, in EUR billion")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    expect(chart.locator("rect")).to_have_count(10)

    table = page.get_by_role("table", name="NextGenerationEU by component")
    expect(table).to_be_visible()
    amounts = {
        row.get_attribute("data-key"): Decimal(row.locator("td").first.inner_text())
        for row in table.locator("tbody tr").all()
    }
    total = Decimal(table.locator("tfoot td").first.inner_text())
    assert total == Decimal("750")
    parts = {"rrf-loans", "rrf-grants"}
    assert sum(v for k, v in amounts.items() if k not in parts) == total
    assert amounts["rrf-loans"] + amounts["rrf-grants"] == amounts["rrf"] == Decimal("672.5")
    expect(page.get_by_text("repaid until 2058")).to_be_visible()
