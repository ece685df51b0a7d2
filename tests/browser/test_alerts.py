"""The Rapid Alert Function in a real browser: a cluster manager reports a disruption; the
Commission takes it under assessment, sees the similar alert a public authority reported,
merges the two, confirms the authority's alert and escalates it; the public list then shows
the confirmed alert's summary, never the confidential note.

Each step checks the page and what the database holds afterwards.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from alerts.models import Alert, AlertStatus, AlertTransition, TransitionKind
from portal.accounts.roles import Role
from tests.alerts.factories import make_alert
from tests.browser.test_account_journeys import log_in
from tests.browser.test_offer_journey import PDF, choose, labelled, log_out, message
from tests.clusters.factories import make_cluster
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Polypropylene granulate missing for face shields"
NOTE = "CONFIDENTIAL: Visor Works in Ghent may close within a month."
ESCALATION = "Hospitals in three countries run out of face shields in two weeks."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def open_alert(page: Page, title: str) -> None:
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_an_alert_goes_from_a_cluster_through_assessment_to_the_public_list(
    page, live_server, tmp_path, mailoutbox, screenshot
):
    today = timezone.localdate()
    manager = make_user(Role.CLUSTER_MANAGER, email="ines@plastics-cluster.example.eu")
    cluster = make_cluster(by=manager, name="Flanders Plastics Cluster")
    staff = make_user(Role.COMMISSION, email="claire@ec.example.eu")
    authority = make_user(Role.AUTHORITY, email="health@wallonia.example.eu", verified=True)
    # The same disruption, reported earlier by a public authority and being assessed.
    earlier = make_alert(
        by=authority,
        status=AlertStatus.UNDER_ASSESSMENT,
        staff=staff,
        title="Shortage of plastic granulate for medical visors",
        materials=["polypropylene granulate"],
        countries=["BE", "FR"],
        severity="critical",
        confidential_note="",
    )
    evidence_file = tmp_path / "cancelled-orders.pdf"
    evidence_file.write_bytes(PDF)

    # --- The cluster manager reports the disruption -------------------------------------
    log_in(page, email=manager.email, password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rapid alerts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapid alerts")
    page.get_by_role("link", name="Report an alert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report an alert")
    # One cluster managed: it is chosen already.
    expect(labelled(page, "Reporting cluster")).to_have_value(str(cluster.pk))
    labelled(page, "Title").fill(TITLE)
    labelled(page, "Type of disruption").select_option(label="Supply disruption")
    labelled(page, "Description").fill("Our converters cannot source PP granulate.")
    choose(page, "Industrial ecosystems", "Health")
    choose(page, "Value-chain stage", "Raw materials")
    labelled(page, "Products or materials affected").fill("polypropylene granulate, visors")
    choose(page, "Countries affected", "Belgium")
    labelled(page, "Regions affected").fill("Flanders")
    labelled(page, "Started on").fill((today - datetime.timedelta(days=4)).isoformat())
    labelled(page, "Expected duration (days)").fill("45")
    choose(page, "Severity", "High")
    labelled(page, "Number of companies affected").fill("-2")
    labelled(page, "Evidence").fill("Three suppliers cancelled their orders this week.")
    labelled(page, "Evidence links").fill("https://example.eu/orders")
    labelled(page, "Evidence files").set_input_files(str(evidence_file))
    page.get_by_text("Critical companies are at risk", exact=True).click()
    labelled(page, "Confidential note on the companies at risk").fill(NOTE)
    page.get_by_role("button", name="Report the alert").click()

    # A negative count is refused on its field; the rest is kept.
    expect(page.locator(".portal-error-summary")).to_contain_text("cannot be negative")
    expect(labelled(page, "Title")).to_have_value(TITLE)
    assert not Alert.objects.filter(title=TITLE).exists()
    labelled(page, "Number of companies affected").fill("18")
    labelled(page, "Evidence files").set_input_files(str(evidence_file))
    screenshot(page, "alerts-1-report-form")
    page.get_by_role("button", name="Report the alert").click()

    alert = Alert.objects.get(title=TITLE)
    expect(page).to_have_url(f"{live_server.url}/alerts/{alert.pk}/")
    expect(message(page)).to_contain_text("Your alert is reported.")
    expect(page.locator(".portal-profile-head .portal-status")).to_contain_text("Reported")
    expect(page.get_by_role("link", name="cancelled-orders.pdf")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_have_count(0)  # not even to its reporter
    assert alert.cluster == cluster
    assert alert.companies_affected == 18
    assert alert.materials == ["polypropylene granulate", "visors"]
    assert alert.critical_companies_at_risk is True
    assert alert.confidential_note == NOTE
    assert alert.attachments.get().original_name == "cancelled-orders.pdf"
    log_out(page)

    # --- Staff take it under assessment and merge it into the similar alert -------------
    log_in(page, email=staff.email, password=PASSWORD)
    page.get_by_role("banner").get_by_role("link", name="Alert assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessment queue")
    rows = page.locator("table.portal-alert-queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(earlier.title)  # oldest first
    expect(rows.nth(1)).to_contain_text(TITLE)
    expect(rows.nth(1)).to_contain_text("Flanders Plastics Cluster")
    expect(rows.nth(1).locator(".portal-badge")).to_contain_text("1")  # one similar alert
    screenshot(page, "alerts-2-queue")
    rows.nth(1).get_by_role("link", name=TITLE).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_text(NOTE)).to_be_visible()  # staff read the confidential note
    page.get_by_role("button", name="Take under assessment").click()
    expect(message(page)).to_contain_text("is now “Under assessment”")
    similar = page.get_by_role("region", name="Similar open alerts")
    expect(similar).to_contain_text(earlier.title)
    expect(similar).to_contain_text("polypropylene granulate")
    screenshot(page, "alerts-3-similar")
    merge = page.get_by_role("region", name="Merge")
    choose(merge, "Merge into a similar alert", f"#{earlier.pk} {earlier.title}")
    merge.get_by_label(re.compile("^Note")).fill("The same granulate shortage, in Flanders.")
    merge.get_by_role("button", name="Merge into that alert").click()

    expect(page).to_have_url(f"{live_server.url}/alerts/{earlier.pk}/")
    expect(message(page)).to_contain_text("is merged into this one")
    reporters = page.locator(".portal-alert-reporters")
    expect(reporters).to_contain_text(manager.get_full_name())
    expect(reporters).to_contain_text(authority.get_full_name())
    alert.refresh_from_db()
    assert alert.status == AlertStatus.MERGED
    assert alert.merged_into == earlier

    # --- ... confirm the authority's alert, and escalate it -----------------------------
    assess = page.get_by_role("region", name="Assessment")
    assess.get_by_label(re.compile("^Note")).fill("Confirmed with two clusters.")
    assess.get_by_role("button", name="Confirm").click()
    expect(message(page)).to_contain_text("is now “Confirmed”")
    escalate = page.get_by_role("region", name="Escalate")
    escalate.get_by_label(re.compile("^Why escalate")).fill(ESCALATION)
    escalate.get_by_role("button", name="Escalate").click()
    expect(message(page)).to_contain_text("is escalated")
    expect(page.get_by_role("region", name="Escalation")).to_contain_text(ESCALATION)
    history = page.locator(".portal-history__entry")
    expect(history.last).to_contain_text("Escalated")
    screenshot(page, "alerts-4-confirmed-escalated")

    earlier.refresh_from_db()
    assert earlier.status == AlertStatus.CONFIRMED
    assert earlier.escalated is True
    steps = list(
        AlertTransition.objects.filter(alert__in=[alert, earlier])
        .order_by("created_at", "pk")
        .values_list("alert", "kind", "from_status", "to_status", "by")
    )
    assert steps[-4:] == [
        (alert.pk, TransitionKind.STATUS, "reported", "under_assessment", staff.pk),
        (alert.pk, TransitionKind.STATUS, "under_assessment", "merged", staff.pk),
        (earlier.pk, TransitionKind.STATUS, "under_assessment", "confirmed", staff.pk),
        (earlier.pk, TransitionKind.ESCALATION, "confirmed", "confirmed", staff.pk),
    ]
    log_out(page)

    # --- The public list shows the confirmed alert's summary ----------------------------
    page.goto("/alerts/")
    results = page.locator(".portal-results .portal-alert")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(earlier.title)
    expect(results.first).to_contain_text("Critical")
    expect(results.first).to_contain_text("Confirmed")
    expect(results.first).to_contain_text("+1 similar report")
    expect(results.first).to_contain_text("Belgium, France")
    expect(page.get_by_text(TITLE)).to_have_count(0)  # the merged report is not public
    screenshot(page, "alerts-5-public-list")
    open_alert(page, earlier.title)
    expect(page.get_by_text("Log in to see details and evidence")).to_be_visible()
    html = page.content()
    for secret in (NOTE, ESCALATION, "Our converters cannot source", "cancelled-orders.pdf"):
        assert secret not in html
    screenshot(page, "alerts-6-public-alert")
