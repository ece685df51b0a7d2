"""The offer pages: the catalogue "Solutions", an offer's page, "My offers", the offer form,
submitting, and datasheet downloads.

The matrix runs every role (the company that posted, another company, the channelling
cluster's manager and its co-manager, another cluster's manager, verified and unverified
public authorities, Commission staff, anonymous) through each page, and checks both the
answer and what the database holds afterwards.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clusters import services as cluster_services
from clusters.models import Cluster
from offers.models import Offer, OfferAttachment, OfferStatus, OfferTransition
from portal.accounts.roles import Role
from tests.clusters.factories import make_cluster
from tests.factories import make_user
from tests.offers.factories import make_offer

ROLES = [
    "poster",  # the cluster manager who posted the channelled offers
    "co_manager",  # co-manages the channelling cluster
    "other_manager",  # manages another cluster
    "company",  # the company representative who posted the direct offers
    "other_company",
    "authority",
    "unverified_authority",
    "staff",
    "anonymous",
]
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
CONFIDENTIAL = ("BE0999888777", "EUR 1.10 per piece", "sales@member.example.eu")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    users: dict[str, Any]
    cluster: Cluster
    other_cluster: Cluster
    company_draft: Offer  # posted by the company, never submitted
    channelled_draft: Offer  # posted by the cluster manager through the cluster
    channelled_accepted: Offer  # public, with confidential fields filled in
    company_accepted: Offer  # public, direct from the company


@pytest.fixture
def world(
    cluster_manager,
    other_cluster_manager,
    company_user,
    authority,
    unverified_authority,
    commission_staff,
) -> World:
    co_manager = make_user(Role.CLUSTER_MANAGER, email="bella@cluster.example.eu")
    cluster = make_cluster(by=cluster_manager, name="Channelling Cluster")
    cluster_services.cluster_add_manager(
        cluster=cluster, email=co_manager.email, by=cluster_manager
    )
    other_cluster = make_cluster(by=other_cluster_manager, name="Other Cluster")
    staff = commission_staff
    company_draft = make_offer(by=company_user, title="Company draft respirators")
    channelled_draft = make_offer(
        by=cluster_manager, cluster=cluster, title="Channelled draft gowns"
    )
    channelled_accepted = make_offer(
        by=cluster_manager,
        cluster=cluster,
        status=OfferStatus.ACCEPTED,
        staff=staff,
        title="Channelled accepted gloves",
        registration_number=CONFIDENTIAL[0],
        price_indication=CONFIDENTIAL[1],
        contact_email=CONFIDENTIAL[2],
    )
    company_accepted = make_offer(
        by=company_user,
        status=OfferStatus.ACCEPTED,
        staff=staff,
        title="Company accepted visors",
        price_indication="EUR 2 per visor",
    )
    users = {
        "poster": cluster_manager,
        "co_manager": co_manager,
        "other_manager": other_cluster_manager,
        "company": company_user,
        "other_company": make_user(Role.COMPANY, email="olga@company.example.eu"),
        "authority": authority,
        "unverified_authority": unverified_authority,
        "staff": staff,
        "anonymous": None,
    }
    return World(
        users,
        cluster,
        other_cluster,
        company_draft,
        channelled_draft,
        channelled_accepted,
        company_accepted,
    )


def client_for(client, world: World, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def offer_form_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "title": "Posted surgical masks",
        "description": "Type IIR surgical masks from our line in Ghent.",
        "company_name": "Posted Company",
        "company_country": "BE",
        "registration_number": "BE0123456789",
        "company_size": "sme",
        "category": "ppe-masks",
        "product_details": "Three-ply, EN 14683 type IIR.",
        "quantity": "50000",
        "unit": "pieces",
        "capacity_per_week": "20000",
        "lead_time_days": "5",
        "delivery_countries": ["BE", "IT"],
        "certifications": "CE, EN 14683",
        "price_indication": "EUR 0.12 per piece",
        "valid_until": (today + datetime.timedelta(days=30)).isoformat(),
        "contact_name": "Ann Peeters",
        "contact_email": "ann@posted.example.eu",
        "contact_phone": "+32 9 000 00 00",
        "action": "draft",
    }
    data.update(overrides)
    return data


def pdf(name: str = "datasheet.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- an offer's page --------------------------------------------------------------------

SEES_COMPANY_DRAFT = {"company", "staff"}
SEES_CHANNELLED_DRAFT = {"poster", "co_manager", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_a_company_draft_is_seen_only_by_its_poster_and_staff(client, world, role):
    response = client_for(client, world, role).get(world.company_draft.get_absolute_url())

    assert response.status_code == (200 if role in SEES_COMPANY_DRAFT else 404)
    if role in SEES_COMPANY_DRAFT:
        assert b"Company draft respirators" in response.content
        assert b"portal-status--draft" in response.content


@pytest.mark.parametrize("role", ROLES)
def test_a_channelled_draft_is_seen_by_its_cluster_managers_and_staff(client, world, role):
    response = client_for(client, world, role).get(world.channelled_draft.get_absolute_url())

    assert response.status_code == (200 if role in SEES_CHANNELLED_DRAFT else 404)


@pytest.mark.parametrize("role", ROLES)
def test_edit_and_submit_are_offered_to_the_poster_only(client, world, role):
    response = client_for(client, world, role).get(world.company_draft.get_absolute_url())

    if response.status_code == 200:
        html = response.content.decode()
        edit = reverse("offers:edit", kwargs={"pk": world.company_draft.pk})
        submit = reverse("offers:submit", kwargs={"pk": world.company_draft.pk})
        assert (edit in html) == (role == "company")
        assert (submit in html) == (role == "company")


INSIDERS_OF_CHANNELLED = {"poster", "co_manager", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_confidential_fields_of_a_public_offer_are_for_insiders_only(client, world, role):
    response = client_for(client, world, role).get(world.channelled_accepted.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Channelled accepted gloves" in html
    for secret in CONFIDENTIAL:
        assert (secret in html) == (role in INSIDERS_OF_CHANNELLED), secret
    # Status and history are the insiders' business too.
    assert ("portal-status--accepted" in html) == (role in INSIDERS_OF_CHANNELLED)
    assert ("Under review → Accepted" in html) == (role in INSIDERS_OF_CHANNELLED)


def test_a_company_offer_shows_price_to_the_company_but_not_to_a_cluster(client, world):
    url = world.company_accepted.get_absolute_url()
    client.force_login(world.users["company"])
    assert "EUR 2 per visor" in client.get(url).content.decode()
    client.force_login(world.users["poster"])  # manages a cluster, but not this offer's
    assert "EUR 2 per visor" not in client.get(url).content.decode()


def test_the_poster_sees_matching_demand(
    client, world, authority, django_capture_on_commit_callbacks
):
    from tests.offers.factories import make_demand

    with django_capture_on_commit_callbacks(execute=True):
        make_demand(
            by=authority,
            title="Gloves for nursing homes",
            category=world.channelled_accepted.category,
        )
        offer = make_offer(
            by=world.users["company"],
            status=OfferStatus.ACCEPTED,
            staff=world.users["staff"],
            category=world.channelled_accepted.category,
            title="Nitrile gloves",
        )

    client.force_login(world.users["company"])
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "Matching demand" in html
    assert "Gloves for nursing homes" in html
    client.force_login(world.users["other_company"])
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "Gloves for nursing homes" not in html


# --- the catalogue ----------------------------------------------------------------------


def test_the_catalogue_lists_accepted_and_routed_offers_only(client, world):
    staff = world.users["staff"]
    company = world.users["company"]
    routed = make_offer(by=company, status=OfferStatus.ROUTED, staff=staff, title="Routed oxygen")
    hidden = [
        make_offer(by=company, status=status, staff=staff, title=f"Hidden {status}")
        for status in (
            OfferStatus.SUBMITTED,
            OfferStatus.UNDER_REVIEW,
            OfferStatus.REJECTED,
            OfferStatus.NEEDS_INFORMATION,
            OfferStatus.CLOSED,
        )
    ]

    response = client.get(reverse("offers:catalogue"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Channelled accepted gloves" in html
    assert "Company accepted visors" in html
    assert routed.title in html
    assert "Company draft respirators" not in html
    assert "Channelled draft gowns" not in html
    for offer in hidden:
        assert offer.title not in html
    assert "3 solutions" in html


@pytest.mark.parametrize("role", ["anonymous", "poster", "staff"])
def test_the_catalogue_never_shows_confidential_fields(client, world, role):
    html = client_for(client, world, role).get(reverse("offers:catalogue")).content.decode()

    for secret in CONFIDENTIAL:
        assert secret not in html
    assert "EUR 2 per visor" not in html
    assert world.company_accepted.contact_email not in html


def test_the_catalogue_filters_by_text_category_country_and_delivery(client, world):
    staff, company = world.users["staff"], world.users["company"]
    make_offer(
        by=company,
        status=OfferStatus.ACCEPTED,
        staff=staff,
        title="Mechanical ventilators",
        description="Intensive care ventilators.",
        category=_category("medical-devices-ventilators"),
        delivery_countries=["IT", "ES"],
    )
    url = reverse("offers:catalogue")

    def titles(**query: Any) -> str:
        return client.get(url, query).content.decode()

    assert "Mechanical ventilators" in titles(q="ventilators")
    assert "Company accepted visors" not in titles(q="ventilators")
    by_parent = titles(category="medical-devices")  # a parent matches its sub-categories
    assert "Mechanical ventilators" in by_parent
    assert "Channelled accepted gloves" not in by_parent
    delivers = titles(delivers_to="IT")
    assert "Mechanical ventilators" in delivers
    assert "Company accepted visors" not in delivers  # delivers to Belgium only
    assert "Mechanical ventilators" not in titles(country="FR")
    # Filters of the triage desk are not applied here, nor do they reveal anything.
    assert "Company draft respirators" not in titles(status="draft")


def test_the_catalogue_search_uses_the_full_text_index(db):
    from django.db import connection

    from offers.filters import text_search

    # The search's document must be written as the index's expression for the planner to
    # use the index at all (which it prefers on a large table; here scans are forbidden).
    sql, params = text_search(Offer.objects.all(), "ventilators").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "offer_search_idx" in plan, plan


def test_the_catalogue_pages_by_twenty(client, world):
    staff, company = world.users["staff"], world.users["company"]
    for n in range(21):
        make_offer(by=company, status=OfferStatus.ACCEPTED, staff=staff, title=f"Paged {n}")

    first = client.get(reverse("offers:catalogue")).content.decode()
    second = client.get(reverse("offers:catalogue"), {"page": 2}).content.decode()

    assert first.count('class="portal-result portal-offer"') == 20
    assert second.count('class="portal-result portal-offer"') == 3
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("rows", [5, 50])
def test_the_catalogue_runs_a_fixed_number_of_queries(
    client, company_user, commission_staff, rows, django_assert_max_num_queries
):
    for n in range(rows):
        make_offer(
            by=company_user,
            status=OfferStatus.ACCEPTED,
            staff=commission_staff,
            title=f"Budget {n}",
            delivery_countries=["BE", "FR", "IT", "DE", "ES", "PT", "NL", "AT"],
        )
    client.force_login(company_user)

    with django_assert_max_num_queries(6):  # 6: the ecosystem filter's choices
        response = client.get(reverse("offers:catalogue"), {"sort": "-submitted"})

    assert response.status_code == 200
    assert response.content.decode().count('class="portal-result portal-offer"') == min(rows, 20)


# --- posting an offer -------------------------------------------------------------------

CAN_POST = {"poster", "co_manager", "other_manager", "company", "other_company"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_post_an_offer(client, world, role):
    client = client_for(client, world, role)
    before = Offer.objects.count()
    data = offer_form_data(title=f"Posted by {role}")
    user = world.users[role]
    if user is not None and user.role == Role.CLUSTER_MANAGER:
        managed = Cluster.objects.managed_by(user).first()
        data["cluster"] = managed.pk if managed else ""

    get = client.get(reverse("offers:create"))
    post = client.post(reverse("offers:create"), data)

    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
        assert Offer.objects.count() == before
        return
    if role not in CAN_POST:
        assert get.status_code == 403
        assert post.status_code == 403
        assert Offer.objects.count() == before
        return
    assert get.status_code == 200
    assert post.status_code == 302, post.context["form"].errors
    offer = Offer.objects.get(title=f"Posted by {role}")
    assert post.url == offer.get_absolute_url()
    assert offer.status == OfferStatus.DRAFT
    assert offer.submitted_by == user
    assert (offer.cluster is not None) == (user.role == Role.CLUSTER_MANAGER)


def test_a_company_representative_starts_from_their_organisation(client, company_user):
    client.force_login(company_user)

    form = client.get(reverse("offers:create")).context["form"]

    assert form.initial["company_name"] == company_user.organisation.name
    assert form.initial["company_country"] == "BE"
    assert form.initial["contact_email"] == company_user.email
    assert "cluster" not in form.fields  # a company offers directly


def test_a_cluster_manager_chooses_only_among_their_clusters(client, world):
    client.force_login(world.users["poster"])

    form = client.get(reverse("offers:create")).context["form"]
    assert list(form.fields["cluster"].queryset) == [world.cluster]

    response = client.post(
        reverse("offers:create"), offer_form_data(cluster=world.other_cluster.pk)
    )
    assert response.status_code == 200
    assert "cluster" in response.context["form"].errors
    assert not Offer.objects.filter(title="Posted surgical masks").exists()


def test_a_cluster_manager_without_a_cluster_is_told_to_create_one(client, db):
    manager = make_user(Role.CLUSTER_MANAGER)
    client.force_login(manager)

    response = client.get(reverse("offers:create"))

    assert response.status_code == 200
    assert b"Create your cluster" in response.content


def test_saving_a_draft_keeps_every_field(client, company_user):
    client.force_login(company_user)

    response = client.post(reverse("offers:create"), offer_form_data())

    offer = Offer.objects.get(title="Posted surgical masks")
    assert response.url == offer.get_absolute_url()
    assert offer.status == OfferStatus.DRAFT
    assert offer.category.slug == "ppe-masks"
    assert [str(c) for c in offer.delivery_countries] == ["BE", "IT"]
    assert offer.certifications == ["CE", "EN 14683"]
    assert offer.lead_time_days == 5
    assert offer.registration_number == "BE0123456789"
    assert offer.cluster is None
    assert not offer.transitions.exists()


def test_save_and_submit_submits_at_once(client, company_user, django_capture_on_commit_callbacks):
    client.force_login(company_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("offers:create"), offer_form_data(action="submit"))

    offer = Offer.objects.get(title="Posted surgical masks")
    assert response.status_code == 302
    assert offer.status == OfferStatus.SUBMITTED
    assert offer.submitted_at is not None
    step = OfferTransition.objects.get(offer=offer)
    assert (step.from_status, step.to_status, step.by) == ("draft", "submitted", company_user)


# --- bad input: field errors, nothing saved ---------------------------------------------


def _post_bad(client, user, field: str, files: list | None = None, **overrides: Any):
    client.force_login(user)
    offers, attachments = Offer.objects.count(), OfferAttachment.objects.count()
    data = offer_form_data(**overrides)
    if files is not None:
        data["attachments"] = files
    response = client.post(reverse("offers:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html  # tied to the field and announced
    assert Offer.objects.count() == offers
    assert OfferAttachment.objects.count() == attachments
    return form.errors[field]


def test_a_negative_quantity_is_refused(client, company_user):
    errors = _post_bad(client, company_user, "quantity", quantity="-5")
    assert "negative" in errors[0]


def test_an_unknown_category_is_refused(client, company_user):
    _post_bad(client, company_user, "category", category="no-such-category")


def test_a_valid_until_date_in_the_past_is_refused(client, company_user):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    errors = _post_bad(client, company_user, "valid_until", valid_until=yesterday.isoformat())
    assert "passed" in errors[0]


def test_a_30_mb_attachment_is_refused(client, company_user):
    big = pdf("huge.pdf", PDF + b"0" * (30 * 1024 * 1024))
    errors = _post_bad(client, company_user, "attachments", files=[big])
    assert "huge.pdf" in errors[0]
    assert "limit" in errors[0]


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, b"\x7fELF\x02\x01\x01" + b"\x00" * 200],
)
def test_an_executable_renamed_pdf_is_refused(client, company_user, content):
    errors = _post_bad(client, company_user, "attachments", files=[pdf("specs.pdf", content)])
    assert "specs.pdf" in errors[0]


def test_one_bad_file_refuses_the_good_ones_too(client, company_user):
    files = [pdf("good.pdf"), pdf("bad.pdf", b"MZ\x90\x00" + b"\x00" * 100)]
    _post_bad(client, company_user, "attachments", files=files)


def test_a_refused_submission_saves_nothing(client, world, settings, monkeypatch):
    """If the submission is refused after the datasheets were stored, the offer, its
    datasheets and their files all go."""
    from django.core.exceptions import ValidationError

    from offers import services

    def refuse(**kwargs: Any):
        raise ValidationError({"valid_until": ["Refused for the test."]})

    monkeypatch.setattr(services, "offer_transition", refuse)
    client.force_login(world.users["company"])
    offers = Offer.objects.count()
    data = offer_form_data(action="submit")
    data["attachments"] = [pdf(), pdf("second.pdf")]

    response = client.post(reverse("offers:create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"] == ["Refused for the test."]
    assert Offer.objects.count() == offers
    assert not OfferAttachment.objects.exists()
    stored = settings.MEDIA_ROOT / "offers" / "attachments"
    assert not stored.exists() or not any(stored.iterdir())


# --- editing and submitting -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_poster_edits_a_draft(client, world, role):
    client = client_for(client, world, role)
    url = reverse("offers:edit", kwargs={"pk": world.company_draft.pk})

    get = client.get(url)
    post = client.post(url, offer_form_data(title=f"Edited by {role}"))

    world.company_draft.refresh_from_db()
    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role == "company":
        assert get.status_code == 200
        assert get.context["form"].initial["title"] == "Company draft respirators"
        assert post.status_code == 302
        assert world.company_draft.title == "Edited by company"
    else:
        assert get.status_code == 404
        assert post.status_code == 404
    if role != "company":
        assert world.company_draft.title == "Company draft respirators"


def test_a_submitted_offer_can_no_longer_be_edited(client, world):
    offer = make_offer(by=world.users["company"], status=OfferStatus.SUBMITTED)
    client.force_login(world.users["company"])

    assert client.get(reverse("offers:edit", kwargs={"pk": offer.pk})).status_code == 404
    assert (
        reverse("offers:edit", kwargs={"pk": offer.pk})
        not in client.get(offer.get_absolute_url()).content.decode()
    )


SUBMIT_ANSWERS = {
    "company": 302,  # the poster
    "staff": 403,  # sees it, but only the poster submits
    "anonymous": 302,  # to the login page
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_poster_submits(client, world, role, django_capture_on_commit_callbacks):
    client = client_for(client, world, role)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("offers:submit", kwargs={"pk": world.company_draft.pk}))

    world.company_draft.refresh_from_db()
    assert response.status_code == SUBMIT_ANSWERS.get(role, 404)
    if role == "anonymous":
        assert_login_redirect(response)
    expected = OfferStatus.SUBMITTED if role == "company" else OfferStatus.DRAFT
    assert world.company_draft.status == expected


def test_a_co_manager_sees_but_cannot_submit_a_colleagues_draft(client, world):
    client.force_login(world.users["co_manager"])

    response = client.post(reverse("offers:submit", kwargs={"pk": world.channelled_draft.pk}))

    assert response.status_code == 403
    world.channelled_draft.refresh_from_db()
    assert world.channelled_draft.status == OfferStatus.DRAFT


def test_submitting_twice_is_refused_with_a_message(client, world):
    client.force_login(world.users["company"])
    url = reverse("offers:submit", kwargs={"pk": world.company_draft.pk})
    client.post(url)

    response = client.post(url, follow=True)

    assert "cannot become" in response.content.decode()
    assert world.company_draft.transitions.count() == 1


# --- "My offers" ------------------------------------------------------------------------


def test_my_offers_lists_the_posters_offers_with_their_status(client, world):
    client.force_login(world.users["company"])

    html = client.get(reverse("offers:mine")).content.decode()

    assert "Company draft respirators" in html
    assert "Company accepted visors" in html
    assert "Channelled draft gowns" not in html
    assert "portal-status--draft" in html
    assert "portal-status--accepted" in html


@pytest.mark.parametrize("role", ["authority", "unverified_authority", "staff"])
def test_my_offers_explains_who_posts_offers(client, world, role):
    client.force_login(world.users[role])

    response = client.get(reverse("offers:mine"))

    assert response.status_code == 200
    assert b"Offers are posted by company representatives" in response.content


def test_my_offers_needs_a_login(client):
    assert_login_redirect(client.get(reverse("offers:mine")))


def test_the_header_links_to_my_offers_or_my_demand(client, world):
    client.force_login(world.users["company"])
    html = client.get(reverse("offers:catalogue")).content.decode()
    assert reverse("offers:mine") in html
    client.force_login(world.users["authority"])
    html = client.get(reverse("offers:catalogue")).content.decode()
    assert reverse("offers:demand_mine") in html
    assert reverse("offers:mine") not in html


# --- datasheets -------------------------------------------------------------------------


@pytest.fixture
def with_datasheet(client, world) -> OfferAttachment:
    """A channelled offer posted with a PDF, then accepted: public, datasheet included."""
    client.force_login(world.users["poster"])
    data = offer_form_data(title="With datasheet", cluster=world.cluster.pk)
    data["attachments"] = [pdf("Spec sheet.pdf")]
    response = client.post(reverse("offers:create"), data)
    assert response.status_code == 302
    offer = Offer.objects.get(title="With datasheet")
    staff = world.users["staff"]
    from offers.services import offer_transition

    for to_status, by in (
        ("submitted", world.users["poster"]),
        ("under_review", staff),
        ("accepted", staff),
    ):
        offer_transition(offer=offer, to_status=to_status, by=by)
    client.logout()
    return offer.attachments.get()


def test_a_valid_pdf_is_stored(with_datasheet):
    attachment = with_datasheet
    assert attachment.original_name == "Spec sheet.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.file.name.endswith(".pdf")
    assert "Spec sheet" not in attachment.file.name  # stored under a name of the portal's


DOWNLOADERS = {"poster", "co_manager", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_a_datasheet_is_downloaded_only_by_insiders(client, world, with_datasheet, role):
    client = client_for(client, world, role)
    url = reverse("offers:attachment", kwargs={"pk": with_datasheet.pk})

    response = client.get(url)

    if role == "anonymous":
        assert_login_redirect(response)
    elif role in DOWNLOADERS:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Spec sheet.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_datasheets_are_listed_only_for_insiders(client, world, with_datasheet, role):
    html = client_for(client, world, role).get(with_datasheet.offer.get_absolute_url())
    url = reverse("offers:attachment", kwargs={"pk": with_datasheet.pk})

    assert (url in html.content.decode()) == (role in DOWNLOADERS)


def test_an_unknown_datasheet_is_a_404(client, company_user):
    client.force_login(company_user)
    assert client.get(reverse("offers:attachment", kwargs={"pk": 999999})).status_code == 404


def _category(slug: str):
    from portal.core.models import Category

    return Category.objects.get(slug=slug)
