"""EU updates in a real browser: a Commission staff member writes an update in Markdown,
saves it as a draft, schedules it, then publishes it, and a visitor finds it on the public
list and reads it, with the Markdown rendered and anything dangerous gone.

Each step checks the page and what the database holds afterwards.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from portal.accounts.roles import Role
from portal.updates.models import Update
from tests.browser.test_account_journeys import log_in
from tests.browser.test_offer_journey import labelled, message
from tests.factories import PASSWORD, make_user
from tests.updates.factories import ago, make_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Standards for masks made freely available"
BODY = """## What changes

European standards for **filtering masks** and *gloves* are free to download.

- EN 149
- EN 14683

[The Commission's announcement](https://ec.europa.eu/commission/presscorner/home/en)

<script>document.title = "hacked"</script>
[a trap](javascript:alert(1))
"""


def visitor(browser: Browser, live_server) -> Page:
    """A second browser, not logged in: what the public sees."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(10_000)
    return context.new_page()


def public_titles(page: Page) -> list[str]:
    page.goto("/updates/")
    return page.locator(".portal-result__title").all_inner_texts()


def test_staff_write_schedule_and_publish_an_update_the_public_then_reads(
    page, browser, live_server, screenshot
):
    staff = make_user(Role.COMMISSION, email="claire@ec.example.eu")
    make_update(title="An older update", published=ago(days=3), ecosystems=["health"])
    public = visitor(browser, live_server)

    # --- Staff write the update ----------------------------------------------------------
    log_in(page, email=staff.email, password=PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="EU updates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EU updates")
    page.get_by_role("link", name="Write an update").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write an update")

    # A first try without a title and with an FTP link is refused on both fields.
    labelled(page, "Summary").fill("CEN and CENELEC make standards for masks free.")
    labelled(page, "Text").fill(BODY)
    labelled(page, "Source link").fill("ftp://files.example.eu/standards.pdf")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("#id_title-error")).to_have_text("This field is required.")
    expect(page.locator("#id_source_url-error")).to_contain_text("http:// or https://")
    assert Update.objects.count() == 1  # the older update only

    labelled(page, "Title").fill(TITLE)
    labelled(page, "Source link").fill(
        "https://single-market-economy.ec.europa.eu/news/standards_en"
    )
    labelled(page, "Category").select_option(label="Standards and certification")
    page.get_by_role("group", name="Industrial ecosystems concerned").get_by_text(
        "Health", exact=True
    ).click()
    page.get_by_role("group", name="Industrial ecosystems concerned").get_by_text(
        "Textile", exact=True
    ).click()
    screenshot(page, "updates-1-form")
    page.get_by_role("button", name="Save as draft").click()

    update = Update.objects.get(title=TITLE)
    expect(page).to_have_url(f"{live_server.url}/updates/{update.slug}/")
    expect(message(page)).to_contain_text("The draft is saved.")
    expect(page.locator(".updates-article__head .portal-status--draft")).to_have_text("Draft")
    assert update.published_at is None
    assert update.author == staff
    assert sorted(e.slug for e in update.ecosystems.all()) == ["health", "textile"]
    assert TITLE not in public_titles(public)

    # --- Staff schedule it for tomorrow morning ------------------------------------------
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    labelled(page, "Publish on").fill(f"{tomorrow.isoformat()}T08:30")
    page.get_by_role("button", name="Schedule").click()
    expect(message(page)).to_contain_text("The update is scheduled for")
    expect(page.locator(".updates-article__head .updates-status--scheduled")).to_contain_text(
        f"Scheduled for {tomorrow.day} "
    )
    update.refresh_from_db()
    assert timezone.localtime(update.published_at) == timezone.make_aware(
        datetime.datetime.combine(tomorrow, datetime.time(8, 30))
    )
    screenshot(page, "updates-2-scheduled")

    # Scheduled: still nowhere for the public, and its page does not exist for them.
    assert TITLE not in public_titles(public)
    response = public.goto(f"/updates/{update.slug}/")
    assert response is not None and response.status == 404

    # Staff find it among the drafts and scheduled updates.
    page.goto("/updates/drafts/")
    expect(page.get_by_role("row", name=re.compile(TITLE))).to_contain_text("Scheduled for")
    page.get_by_role("link", name=TITLE).click()

    # --- Staff publish it now ------------------------------------------------------------
    page.get_by_role("button", name="Publish now").click()
    expect(message(page)).to_contain_text("The update is published.")
    expect(page.locator(".updates-article__head .portal-status")).to_have_count(0)
    update.refresh_from_db()
    assert update.published_at <= timezone.now()

    # --- The public finds and reads it ---------------------------------------------------
    assert public_titles(public) == [TITLE, "An older update"]
    expect(public.locator(".portal-result").first).to_contain_text("Standards and certification")
    expect(public.locator(".portal-result").first).to_contain_text("Textile")
    labelled(public, "Industrial ecosystem").select_option(label="Textile")
    public.get_by_role("button", name="Apply filters").click()
    expect(public.locator(".portal-result__title")).to_have_text([TITLE])
    expect(public.get_by_role("link", name="Atom feed for Textile")).to_be_visible()
    public.get_by_role("link", name=TITLE).click()

    expect(public).to_have_url(f"{live_server.url}/updates/{update.slug}/")
    expect(public.get_by_role("heading", level=1)).to_have_text(TITLE)
    body = public.locator(".updates-body")
    expect(body.get_by_role("heading", level=2)).to_have_text("What changes")
    expect(body.locator("strong")).to_have_text("filtering masks")
    expect(body.locator("li")).to_have_text(["EN 149", "EN 14683"])
    expect(body.get_by_role("link", name="The Commission's announcement")).to_have_attribute(
        "href", "https://ec.europa.eu/commission/presscorner/home/en"
    )
    expect(body.locator("script")).to_have_count(0)
    expect(body.locator('a[href^="javascript"]')).to_have_count(0)
    assert public.title() != "hacked"
    expect(public.get_by_role("link", name=re.compile("The official text"))).to_have_attribute(
        "href", "https://single-market-economy.ec.europa.eu/news/standards_en"
    )
    expect(public.get_by_text("Publication", exact=True)).to_have_count(0)
    screenshot(public, "updates-3-public")
    public.context.close()
