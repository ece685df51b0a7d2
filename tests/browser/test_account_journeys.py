"""Account journeys in a real browser: register, log in, verify, find one's way around.

Each journey checks what the page shows and what the database holds afterwards. The
Django-client tests in ``tests/accounts`` cover the rules in detail; these prove that the
rendered HTML, the CSS and the JavaScript let a person actually do it.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import BrowserContext, Locator, Page, expect

from portal.accounts.models import Organisation, User
from portal.accounts.roles import OrganisationKind, Role
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "amber-lighthouse-47-quietly"
SECTION_TITLES = [
    "EU updates",
    "Solutions",
    "Demand",
    "Rapid alerts",
    "Ecosystems",
    "Cluster map",
    "Clusters",
    "Projects",
    "Funding",
    "Forum",
    "My profiles",
]


def session_user_id(context: BrowserContext) -> str | None:
    """The user the browser's session cookie is logged in as, read from the database."""
    key = next((c["value"] for c in context.cookies() if c["name"] == "sessionid"), None)
    if key is None:
        return None
    session = Session.objects.filter(session_key=key).first()
    return session.get_decoded().get("_auth_user_id") if session else None


def field(page: Page, label: str) -> Locator:
    """The input a visible label names (the required-field asterisk is decoration).

    Found by its label, as a person or a screen reader finds it: this fails if the label is
    lost or no longer tied to its input.
    """
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?$"))


def fill_registration(
    page: Page,
    *,
    role_label: str,
    email: str,
    full_name: str = "Ana Novak",
    organisation: str = "Novak Precision d.o.o.",
    country: str = "Slovenia",
) -> None:
    page.goto("/accounts/register/")
    # A person clicks the visible label: ECL draws the radio there and lays the label over
    # the native input.
    page.get_by_role("group", name="I register as").get_by_text(role_label, exact=True).click()
    expect(page.get_by_role("radio", name=role_label, exact=True)).to_be_checked()
    field(page, "Full name").fill(full_name)
    field(page, "E-mail address").fill(email)
    field(page, "Organisation").fill(organisation)
    field(page, "Country").select_option(label=country)
    field(page, "Password").fill(NEW_PASSWORD)
    field(page, "Password again").fill(NEW_PASSWORD)


def submit_registration(page: Page) -> None:
    page.get_by_role("button", name="Create my account").click()


def log_in(page: Page, *, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    field(page, "E-mail address").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def detail(page: Page, term: str):
    """The value next to ``term`` in the my-account definition list."""
    return page.locator("dl.portal-details dt", has_text=term).locator(
        "xpath=following-sibling::dd[1]"
    )


# --- Registration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role_label", "role", "kind"),
    [
        ("Company (SME) representative", Role.COMPANY, OrganisationKind.COMPANY),
        ("Cluster manager", Role.CLUSTER_MANAGER, OrganisationKind.CLUSTER_ORGANISATION),
    ],
    ids=["company", "cluster_manager"],
)
def test_person_registers_in_browser_and_lands_logged_in_on_my_account(
    page, context, live_server, role_label, role, kind
):
    email = f"ana.{role}@example.eu"
    fill_registration(page, role_label=role_label, email=email)
    submit_registration(page)

    expect(page).to_have_url(f"{live_server.url}/accounts/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("status").first).to_contain_text("Welcome! Your account is ready.")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(detail(page, "Role")).to_have_text(role_label)
    expect(detail(page, "Organisation")).to_have_text("Novak Precision d.o.o. (Slovenia)")
    expect(detail(page, "Can publish demand")).to_have_text("No")
    expect(page.get_by_text("Awaiting verification")).to_have_count(0)

    user = User.objects.select_related("organisation").get(email=email)
    assert user.role == role
    assert user.full_name == "Ana Novak"
    assert user.is_verified
    assert user.check_password(NEW_PASSWORD)
    assert user.organisation is not None
    assert user.organisation.name == "Novak Precision d.o.o."
    assert user.organisation.kind == kind
    assert user.organisation.country == "SI"
    assert session_user_id(context) == str(user.pk)


def test_public_authority_registers_unverified_and_sees_it_on_my_account(
    page, context, live_server, screenshot
):
    email = "procurement@ljubljana.example.eu"
    fill_registration(
        page, role_label="Public authority", email=email, organisation="City of Ljubljana"
    )
    submit_registration(page)

    expect(page).to_have_url(f"{live_server.url}/accounts/me/")
    expect(page.get_by_text("Commission staff will verify your public authority")).to_be_visible()
    expect(page.get_by_text("Awaiting verification", exact=True)).to_be_visible()
    expect(detail(page, "Verified")).to_have_text("Not yet")
    expect(detail(page, "Can publish demand")).to_have_text("No")
    screenshot(page, "my-account-unverified-authority")

    user = User.objects.select_related("organisation").get(email=email)
    assert user.role == Role.AUTHORITY
    assert not user.is_verified
    assert user.verified_at is None
    assert user.organisation.kind == OrganisationKind.PUBLIC_AUTHORITY
    assert list(User.objects.awaiting_verification()) == [user]
    assert session_user_id(context) == str(user.pk)


def test_empty_registration_lists_every_error_and_moves_focus_to_the_summary(page, screenshot):
    page.goto("/accounts/register/")
    submit_registration(page)

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    # portal.js moves focus so a screen reader announces what to fix.
    expect(summary).to_be_focused()
    # Role, full name, e-mail, organisation, country and both passwords.
    expect(summary.get_by_role("listitem")).to_have_count(7)
    email_input = field(page, "E-mail address")
    expect(email_input).to_have_attribute("aria-invalid", "true")
    expect(email_input).to_have_attribute("aria-describedby", re.compile(r"\bid_email-error\b"))
    # The summary's links lead to the fields.
    summary.get_by_role("link", name=re.compile("^Full name")).click()
    expect(field(page, "Full name")).to_be_focused()
    screenshot(page, "register-errors")
    assert User.objects.count() == 0


@pytest.mark.parametrize("tampering", ["changed_radio", "added_radio"])
def test_tampered_commission_role_is_refused_on_the_field_and_creates_nobody(
    page, context, live_server, tampering
):
    fill_registration(page, role_label="Company (SME) representative", email="mallory@example.eu")
    if tampering == "changed_radio":
        page.evaluate(
            """() => {
              const radio = document.querySelector('input[name="role"]:checked');
              radio.value = "commission";
            }"""
        )
    else:
        page.evaluate(
            """() => {
              const radio = document.createElement("input");
              radio.type = "radio";
              radio.name = "role";
              radio.value = "commission";
              document.querySelector('input[name="role"]').closest("ul").append(radio);
              radio.checked = true;
            }"""
        )
    assert page.evaluate("document.querySelector('input[name=role]:checked').value") == "commission"
    submit_registration(page)

    expect(page).to_have_url(f"{live_server.url}/accounts/register/")
    role_error = page.locator("#id_role-error")
    expect(role_error).to_be_visible()
    expect(role_error).to_contain_text("Select a valid choice")
    expect(page.get_by_role("group", name="I register as")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_role-error\b")
    )
    # Only the role is wrong: nothing else in the form is blamed.
    expect(page.locator("[data-error-summary] li")).to_have_count(1)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert session_user_id(context) is None


# --- Logging in -----------------------------------------------------------------------


def test_wrong_password_says_so_and_keeps_the_person_logged_out(page, context, live_server):
    user = make_user(Role.COMPANY, email="bob@company.example.eu")

    log_in(page, email=user.email, password="not-my-password")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("[data-error-summary]")).to_contain_text("not right")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
    user.refresh_from_db()
    assert user.last_login is None
    assert session_user_id(context) is None

    # The e-mail address is kept; the password is typed again.
    expect(field(page, "E-mail address")).to_have_value(user.email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/me/")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    user.refresh_from_db()
    assert user.last_login is not None
    assert session_user_id(context) == str(user.pk)


# --- Verification by Commission staff --------------------------------------------------


def test_commission_staff_verify_a_pending_authority(page, live_server, mailoutbox, screenshot):
    staff = make_user(Role.COMMISSION, email="claire@ec.example.eu")
    pending = make_user(Role.AUTHORITY, email="erik@authority.example.eu", verified=False)
    other = make_user(Role.AUTHORITY, email="frida@authority.example.eu", verified=False)

    log_in(page, email=staff.email, password=PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/me/")
    page.get_by_role("banner").get_by_role("link", name="Verify accounts").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/verification/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    screenshot(page, "verification-queue")

    page.get_by_role("button", name=f"Verify {pending.email}").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/verification/")
    expect(page.get_by_role("status").first).to_contain_text(f"{pending.email} is verified.")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(other.email)

    pending.refresh_from_db()
    assert pending.is_verified
    assert pending.verified_by_id == staff.pk
    assert pending.verified_at is not None
    other.refresh_from_db()
    assert not other.is_verified
    assert [m.to for m in mailoutbox] == [[pending.email]]


# --- Navigation -------------------------------------------------------------------------


def test_main_navigation_lists_every_section_and_marks_the_current_one(
    page, live_server, screenshot
):
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(SECTION_TITLES)
    expect(nav.locator("[aria-current]")).to_have_count(0)
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    screenshot(page, "home-desktop")

    nav.get_by_role("link", name="Clusters", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/clusters/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clusters")
    current = nav.locator('[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Clusters")
    # /clusters/map/ is a different section, even though its path starts with /clusters/.
    expect(nav.get_by_role("link", name="Cluster map")).not_to_have_attribute(
        "aria-current", "page"
    )


def test_on_a_phone_the_menu_opens_and_closes_behind_a_button(page, screenshot):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Menu")
    clusters = nav.get_by_role("link", name="Clusters", exact=True)

    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(clusters).to_be_hidden()

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(clusters).to_be_visible()
    expect(nav.get_by_role("link")).to_have_count(len(SECTION_TITLES))
    # Nothing sticks out sideways: a horizontal scrollbar on a phone is a layout bug.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "home-mobile-menu-open")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(clusters).to_be_hidden()


# --- Assets -----------------------------------------------------------------------------


def test_pages_load_everything_from_the_portal_itself_without_errors(page, live_server):
    requested: list[str] = []
    failed: list[str] = []
    console_errors: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))

    page.goto("/", wait_until="networkidle")
    # The vendored ECL and the portal's script ran, and the logo is really there.
    expect(page.locator("html")).to_have_class(re.compile(r"\bhas-js\b"))
    assert page.evaluate("typeof window.ECL") == "object"
    logo = page.get_by_role("img", name="European Commission")
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert console_errors == []

    page.goto("/accounts/register/", wait_until="networkidle")

    foreign = [url for url in requested if not url.startswith(f"{live_server.url}/")]
    assert foreign == []
    assert failed == []
    assert console_errors == []
    for asset in ("ecl-ec.css", "portal.css", "ecl-ec.js", "portal.js", "logo-ec--en.svg"):
        assert any(url.endswith(asset) for url in requested), asset
