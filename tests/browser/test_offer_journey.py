"""The portal's whole reason to exist, in a real browser: a company offers, the Commission
accepts, a public authority finds the offer among the matches for its demand and asks for
the company's contact details.

Each step checks the page and what the database holds afterwards. Celery runs eagerly here
(``tests/conftest.py``), so the matches a task computes after commit are there when the
request that queued it returns.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from offers.models import Demand, Interest, Match, Offer, OfferStatus, OfferTransition
from portal.accounts.roles import Role
from tests.browser.test_account_journeys import log_in
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
OFFER_TITLE = "FFP2 respirators, EN 149"
CONTACT_EMAIL = "sales@maskworks.example.eu"
REVIEW_NOTE = "Taking this one: checking the datasheet."
ACCEPT_NOTE = "EN 149 certificate and datasheet checked; capacity confirmed by phone."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def labelled(page: Page | Locator, label: str) -> Locator:
    """The input a visible label names, required (``*``) or optional alike."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?( \(optional\))?$"))


def choose(page: Page | Locator, group: str, option: str) -> None:
    """Tick a radio button or checkbox as a person does: ECL draws it on the label."""
    page.get_by_role("group", name=re.compile(rf"^{re.escape(group)}\*?$")).get_by_text(
        option, exact=True
    ).click()


def log_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()


def message(page: Page) -> Locator:
    return page.locator(".portal-messages")


def test_offer_goes_from_company_through_triage_to_an_authoritys_demand(
    page, live_server, tmp_path, mailoutbox, screenshot
):
    today = timezone.localdate()
    company = make_user(Role.COMPANY, email="ana@maskworks.example.eu", organisation="Maskworks")
    staff = make_user(Role.COMMISSION, email="claire@ec.example.eu")
    authority = make_user(Role.AUTHORITY, email="procurement@milano.example.eu", verified=True)
    datasheet = tmp_path / "ffp2-datasheet.pdf"
    datasheet.write_bytes(PDF)

    # --- The company posts and submits an offer ----------------------------------------
    log_in(page, email=company.email, password=PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/me/")
    page.get_by_role("banner").get_by_role("link", name="My offers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My offers")
    expect(page.get_by_text("You have not posted any offer yet.")).to_be_visible()
    page.get_by_role("link", name="Post an offer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an offer")

    labelled(page, "Title").fill(OFFER_TITLE)
    labelled(page, "Solution category").select_option(label="Face masks and respirators")
    labelled(page, "Description").fill("Certified FFP2 respirators from our line in Ghent.")
    # The company's details start from the representative's organisation.
    expect(labelled(page, "Company name")).to_have_value("Maskworks")
    choose(page, "Company size", "SME")
    labelled(page, "Quantity available").fill("20000")
    labelled(page, "Unit").fill("pieces")
    labelled(page, "Lead time (days)").fill("5")
    for country in ("Italy", "Belgium"):
        choose(page, "Delivery countries", country)
    labelled(page, "Certifications").fill("CE, EN 149")
    labelled(page, "Valid until").fill((today + datetime.timedelta(days=60)).isoformat())
    labelled(page, "Contact person").fill("Ana Maes")
    labelled(page, "Contact e-mail").fill(CONTACT_EMAIL)
    labelled(page, "Contact phone").fill("+32 9 123 45 67")
    labelled(page, "Datasheets").set_input_files(str(datasheet))
    screenshot(page, "offer-journey-1-form")
    page.get_by_role("button", name="Save and submit").click()

    offer = Offer.objects.get()
    expect(page).to_have_url(f"{live_server.url}/offers/{offer.pk}/")
    expect(message(page)).to_contain_text("Your offer is submitted.")
    expect(page.get_by_role("heading", level=1)).to_have_text(OFFER_TITLE)
    expect(page.locator(".portal-profile-head .portal-status")).to_have_text("Submitted")
    expect(page.get_by_role("link", name="ffp2-datasheet.pdf")).to_be_visible()
    screenshot(page, "offer-journey-2-submitted")

    assert offer.status == OfferStatus.SUBMITTED
    assert offer.submitted_by == company
    assert offer.submitted_at is not None
    assert offer.category.slug == "ppe-masks"
    assert offer.company_name == "Maskworks"
    assert offer.company_size == "sme"
    assert offer.quantity == 20000
    assert offer.lead_time_days == 5
    assert sorted(str(c) for c in offer.delivery_countries) == ["BE", "IT"]
    assert offer.certifications == ["CE", "EN 149"]
    assert offer.valid_until == today + datetime.timedelta(days=60)
    assert offer.contact_email == CONTACT_EMAIL
    assert offer.cluster is None
    (attachment,) = offer.attachments.all()
    assert attachment.original_name == "ffp2-datasheet.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == company
    assert Path(attachment.file.path).read_bytes() == PDF
    assert list(offer.transitions.values_list("from_status", "to_status", "by")) == [
        ("draft", "submitted", company.pk)
    ]
    log_out(page)

    # --- Commission staff triage it ----------------------------------------------------
    log_in(page, email=staff.email, password=PASSWORD)
    page.get_by_role("banner").get_by_role("link", name="Triage desk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triage desk")
    rows = page.locator("table.portal-triage-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(OFFER_TITLE)
    expect(rows.first).to_contain_text("Maskworks")
    expect(rows.first).to_contain_text("Submitted")
    expect(rows.first).to_contain_text("No one")
    screenshot(page, "offer-journey-3-queue")
    rows.first.get_by_role("link", name=OFFER_TITLE).click()

    expect(page).to_have_url(f"{live_server.url}/triage/offers/{offer.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(OFFER_TITLE)
    # Staff see the confidential contact and the datasheet.
    expect(page.get_by_role("link", name=CONTACT_EMAIL)).to_be_visible()
    expect(page.get_by_role("link", name="ffp2-datasheet.pdf")).to_be_visible()
    page.get_by_role("button", name="Assign to me").click()
    expect(message(page)).to_contain_text("The offer is assigned to you.")
    expect(page.get_by_text("You are handling this offer.")).to_be_visible()
    offer.refresh_from_db()
    assert offer.assignee == staff

    # The status form, not the duplicate form beside it (which has a note too).
    decide = page.get_by_role("region", name="Change status")
    choose(decide, "New status", "Under review")
    labelled(decide, "Note").fill(REVIEW_NOTE)
    decide.get_by_role("button", name="Change status").click()
    expect(message(page)).to_contain_text("The offer is now “Under review”.")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.UNDER_REVIEW
    assert offer.first_decision_at is None

    choose(decide, "New status", "Accepted")
    labelled(decide, "Note").fill(ACCEPT_NOTE)
    decide.get_by_role("button", name="Change status").click()
    expect(message(page)).to_contain_text("The offer is now “Accepted”.")
    expect(page.locator(".portal-triage-head .portal-status")).to_have_text("Accepted")
    history = page.locator(".portal-history__entry")
    expect(history).to_have_count(3)
    expect(history.nth(1)).to_contain_text("Submitted → Under review")
    expect(history.nth(1)).to_contain_text(REVIEW_NOTE)
    expect(history.nth(2)).to_contain_text("Under review → Accepted")
    expect(history.nth(2)).to_contain_text(staff.get_full_name())
    expect(history.nth(2)).to_contain_text(ACCEPT_NOTE)
    screenshot(page, "offer-journey-4-accepted")

    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.first_decision_at is not None
    steps = list(
        OfferTransition.objects.filter(offer=offer).values_list(
            "from_status", "to_status", "by", "note"
        )
    )
    assert steps == [
        ("draft", "submitted", company.pk, ""),
        ("submitted", "under_review", staff.pk, REVIEW_NOTE),
        ("under_review", "accepted", staff.pk, ACCEPT_NOTE),
    ]
    # The poster is told of each change.
    assert [m.to for m in mailoutbox].count([company.email]) == 3
    log_out(page)

    # --- A public authority publishes its demand and sees the offer matched -----------
    log_in(page, email=authority.email, password=PASSWORD)
    page.get_by_role("banner").get_by_role("link", name="My demand").click()
    page.get_by_role("link", name="Publish a demand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish a demand")
    labelled(page, "Title").fill("FFP2 masks for Milan hospitals")
    labelled(page, "Category").select_option(label="Face masks and respirators")
    labelled(page, "Description").fill("Respirators for intensive-care staff.")
    labelled(page, "Quantity needed").fill("10000")
    labelled(page, "Unit").fill("pieces")
    labelled(page, "Certifications required").fill("EN 149")
    labelled(page, "Delivery country").select_option(label="Italy")
    labelled(page, "Delivery region").fill("Lombardy")
    labelled(page, "Needed by").fill((today + datetime.timedelta(days=10)).isoformat())
    choose(page, "Urgency", "Critical")
    page.get_by_role("button", name="Publish the demand").click()

    demand = Demand.objects.get()
    expect(page).to_have_url(f"{live_server.url}/demand/{demand.pk}/")
    expect(message(page)).to_contain_text("The demand is published.")
    assert demand.authority == authority
    assert demand.posted_by == authority
    assert demand.quantity == 10000
    assert str(demand.country) == "IT"
    assert demand.needed_by == today + datetime.timedelta(days=10)
    assert demand.certifications == ["EN 149"]
    assert demand.urgency == "critical"
    match = Match.objects.get(demand=demand)
    assert match.offer == offer
    assert match.score == 100
    assert [(p["part"], p["points"], p["max"]) for p in match.parts] == [
        ("category", 30, 30),
        ("quantity", 20, 20),
        ("delivery", 20, 20),
        ("lead_time", 20, 20),
        ("certifications", 10, 10),
    ]

    matched = page.locator(f"#match-{offer.pk}")
    expect(page.locator(".portal-match")).to_have_count(1)
    expect(matched.get_by_role("heading", name=OFFER_TITLE)).to_be_visible()
    expect(matched.locator(".portal-score-box__value")).to_have_text("100")
    parts = matched.locator(".portal-score-parts tbody tr")
    expect(parts).to_have_count(5)
    expect(parts.locator("th")).to_have_text(
        ["Category", "Quantity", "Delivery", "Lead time", "Certifications"]
    )
    expect(parts.nth(0)).to_contain_text("30 / 30")
    expect(parts.nth(0)).to_contain_text("Same category: Face masks and respirators")
    expect(parts.nth(1)).to_contain_text("Covers 100% of the 10,000 pieces needed")
    expect(parts.nth(2)).to_contain_text("Delivers to Italy")
    expect(parts.nth(3)).to_contain_text("Delivers in 5 days; needed in 10")
    expect(parts.nth(4)).to_contain_text("Has EN 149")
    # The company's contact stays hidden until the authority expresses interest.
    expect(page.get_by_text(CONTACT_EMAIL)).to_have_count(0)
    assert CONTACT_EMAIL not in page.content()
    screenshot(page, "offer-journey-5-matches")

    mails_before = len(mailoutbox)
    matched.get_by_label("Message to the company").fill("Could you deliver 5,000 first?")
    matched.get_by_role("button", name=re.compile("^Express interest")).click()

    expect(page).to_have_url(re.compile(rf"/demand/{demand.pk}/#match-{offer.pk}$"))
    expect(message(page)).to_contain_text(f"Your interest in “{OFFER_TITLE}” is recorded")
    contact = matched.locator(".portal-match__contact")
    expect(contact.get_by_role("link", name=CONTACT_EMAIL)).to_be_visible()
    expect(contact).to_contain_text("Ana Maes")
    expect(contact).to_contain_text("+32 9 123 45 67")
    expect(contact).to_contain_text("Interest expressed: the company has been told.")
    expect(matched.get_by_role("button", name=re.compile("^Express interest"))).to_have_count(0)
    screenshot(page, "offer-journey-6-interest")

    interest = Interest.objects.get()
    assert (interest.demand, interest.offer, interest.expressed_by) == (demand, offer, authority)
    assert interest.note == "Could you deliver 5,000 first?"
    told = sorted(tuple(m.to) for m in mailoutbox[mails_before:])
    assert told == sorted([(CONTACT_EMAIL, company.email), (authority.email,)])
