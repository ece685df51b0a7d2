"""The rapid alert pages people use: the list, an alert's page, evidence downloads, the report
form, correcting an alert, and "My alerts".

The matrix runs every role (the reporting cluster manager and their co-manager, another
cluster's manager, a company representative, verified and unverified public authorities,
Commission staff, anonymous) through each page, checks the answer and what the database
holds afterwards, and looks for the confidential note's text in every response.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alerts.models import (
    MAX_EVIDENCE_CHARS,
    Alert,
    AlertAttachment,
    AlertStatus,
)
from alerts.services import (
    alert_escalate,
    alert_link_cluster,
    alert_link_offer,
    alert_report,
    alert_transition,
)
from clusters import services as cluster_services
from clusters.models import Cluster
from offers.models import OfferStatus
from portal.accounts.roles import Role
from portal.core.uploads import MAX_DOCUMENT_BYTES
from tests.alerts.factories import alert_data, make_alert
from tests.clusters.factories import make_cluster
from tests.factories import make_user
from tests.offers.factories import make_offer

ROLES = [
    "manager",  # manages the reporting cluster and reported its alerts
    "co_manager",  # co-manages the reporting cluster
    "other_manager",  # manages another cluster
    "company",
    "authority",  # verified; reported the authority's alert
    "unverified_authority",
    "staff",
    "anonymous",
]
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
# Never in a response to anyone but Commission staff.
NOTE = "CONFIDENTIAL-Acme-Ghent-plant-7731"
DESCRIPTION = "Converters cannot source polypropylene granulate for visors."
ESCALATION = "ESCALATION-senior-management-4410"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(name: str = "evidence.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class World:
    users: dict[str, Any]
    cluster: Cluster
    other_cluster: Cluster
    reported: Alert  # by the manager for the cluster, waiting; with the note
    under_assessment: Alert  # by the authority
    confirmed: Alert  # by the manager, public; with the note, a file and an escalation
    resolved: Alert  # by the authority, public
    dismissed: Alert  # by the manager
    merged: Alert  # by the authority, merged into ``confirmed``


@pytest.fixture
def world(
    cluster_manager,
    other_cluster_manager,
    company_user,
    authority,
    unverified_authority,
    commission_staff,
) -> World:
    staff = commission_staff
    co_manager = make_user(Role.CLUSTER_MANAGER, email="bella@cluster.example.eu")
    cluster = make_cluster(by=cluster_manager, name="Reporting Cluster")
    cluster_services.cluster_add_manager(
        cluster=cluster, email=co_manager.email, by=cluster_manager
    )
    other_cluster = make_cluster(by=other_cluster_manager, name="Other Cluster")
    reported = make_alert(
        by=cluster_manager,
        cluster=cluster,
        title="Waiting plastic granulate alert",
        confidential_note=NOTE,
    )
    under_assessment = make_alert(
        by=authority,
        status=AlertStatus.UNDER_ASSESSMENT,
        staff=staff,
        title="Assessed lithium alert",
        materials=["lithium"],
        type="raw_material_shortage",
    )
    confirmed = alert_report(
        by=cluster_manager,
        data=alert_data(
            cluster=cluster, title="Confirmed visor granulate alert", confidential_note=NOTE
        ),
        ecosystems=["health"],
        attachments=[pdf()],
    )
    for to_status in (AlertStatus.UNDER_ASSESSMENT, AlertStatus.CONFIRMED):
        confirmed = alert_transition(alert=confirmed, to_status=to_status, by=staff)
    alert_escalate(alert=confirmed, by=staff, note=ESCALATION)
    resolved = make_alert(
        by=authority,
        status=AlertStatus.RESOLVED,
        staff=staff,
        title="Resolved aeronautics alert",
        ecosystems=("aerospace-defence",),
    )
    dismissed = make_alert(
        by=cluster_manager,
        cluster=cluster,
        status=AlertStatus.DISMISSED,
        staff=staff,
        title="Dismissed funding alert",
    )
    merged = make_alert(
        by=authority,
        status=AlertStatus.MERGED,
        staff=staff,
        merged_into=confirmed,
        title="Merged granulate report",
    )
    users = {
        "manager": cluster_manager,
        "co_manager": co_manager,
        "other_manager": other_cluster_manager,
        "company": company_user,
        "authority": authority,
        "unverified_authority": unverified_authority,
        "staff": staff,
        "anonymous": None,
    }
    return World(
        users, cluster, other_cluster, reported, under_assessment, confirmed, resolved,
        dismissed, merged,
    )  # fmt: skip


def client_for(client, world: World, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def assert_no_note(response):
    assert NOTE.encode() not in response.content


# Which alerts each role sees: confirmed and resolved for everyone; their own and their
# clusters' alerts for reporters; everything for staff.
PUBLIC_TITLES = {"Confirmed visor granulate alert", "Resolved aeronautics alert"}
MANAGER_TITLES = {"Waiting plastic granulate alert", "Dismissed funding alert"}
AUTHORITY_TITLES = {"Assessed lithium alert", "Merged granulate report"}
VISIBLE = {
    "manager": PUBLIC_TITLES | MANAGER_TITLES,
    "co_manager": PUBLIC_TITLES | MANAGER_TITLES,
    "other_manager": PUBLIC_TITLES,
    "company": PUBLIC_TITLES,
    "authority": PUBLIC_TITLES | AUTHORITY_TITLES,
    "unverified_authority": PUBLIC_TITLES,
    "staff": PUBLIC_TITLES | MANAGER_TITLES | AUTHORITY_TITLES,
    "anonymous": PUBLIC_TITLES,
}
ALL_TITLES = PUBLIC_TITLES | MANAGER_TITLES | AUTHORITY_TITLES


# --- the list ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_list_shows_each_role_the_alerts_it_may_see(client, world, role):
    response = client_for(client, world, role).get(reverse("alerts:list"))

    assert response.status_code == 200
    html = response.content.decode()
    shown = {title for title in ALL_TITLES if title in html}
    assert shown == VISIBLE[role]
    assert_no_note(response)
    # The feed is announced to every visitor's browser and feed reader.
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert reverse("alerts:feed") in html


def test_the_list_shows_a_public_summary_to_anonymous_visitors(client, world):
    response = client.get(reverse("alerts:list"))

    html = response.content.decode()
    assert "portal-severity--high" in html
    assert "Health" in html  # the ecosystem
    assert "Belgium" in html  # the country
    assert world.confirmed.started_on.strftime("%-d %b %Y") in html
    assert "30 days" in html  # the expected duration
    assert "+1 similar report" in html  # the merged report counts toward the group
    # Details are for logged-in users; escalation for staff.
    assert DESCRIPTION not in html
    assert "Escalated" not in html
    assert "Reporting Cluster" not in html


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("manager", True),
        ("authority", True),
        ("unverified_authority", False),
        ("company", False),
        ("staff", False),
        ("anonymous", False),
    ],
)
def test_report_an_alert_is_offered_to_those_who_can(client, world, role, offered):
    response = client_for(client, world, role).get(reverse("alerts:list"))

    assert (reverse("alerts:report") in response.content.decode()) == offered


@pytest.mark.parametrize(
    ("role", "shown"),
    [("staff", True), ("manager", True), ("company", False), ("anonymous", False)],
)
def test_the_status_filter_is_for_those_who_see_unconfirmed_alerts(client, world, role, shown):
    response = client_for(client, world, role).get(reverse("alerts:list"))

    assert ("status" in response.context["filter_form"].fields) == shown
    assert ("escalated" in response.context["filter_form"].fields) == (role == "staff")


def test_filters_narrow_the_list(client, world):
    client.force_login(world.users["staff"])

    by_ecosystem = client.get(reverse("alerts:list"), {"ecosystem": "aerospace-defence"})
    by_status = client.get(reverse("alerts:list"), {"status": ["reported", "dismissed"]})
    by_text = client.get(reverse("alerts:list"), {"q": "lithium"})
    by_type = client.get(reverse("alerts:list"), {"type": "raw_material_shortage"})
    escalated = client.get(reverse("alerts:list"), {"escalated": "true"})

    assert [a.title for a in by_ecosystem.context["alerts"]] == ["Resolved aeronautics alert"]
    assert {a.title for a in by_status.context["alerts"]} == MANAGER_TITLES
    assert [a.title for a in by_text.context["alerts"]] == ["Assessed lithium alert"]
    assert [a.title for a in by_type.context["alerts"]] == ["Assessed lithium alert"]
    assert [a.title for a in escalated.context["alerts"]] == ["Confirmed visor granulate alert"]


def test_a_hidden_filter_is_not_applied(client, world):
    """An anonymous visitor cannot probe escalations or statuses through the query string."""
    response = client.get(reverse("alerts:list"), {"escalated": "true", "status": "reported"})

    assert {a.title for a in response.context["alerts"]} == PUBLIC_TITLES


@pytest.mark.parametrize(
    "query",
    [
        {"ecosystem": "no-such-ecosystem"},
        {"started_after": "1900-01-01"},
        {"started_before": "not-a-date"},
        {"type": "earthquake"},
        {"country": "XX"},
        {"severity": "apocalyptic"},
    ],
)
def test_invalid_filters_are_form_errors_not_a_server_error(client, world, query):
    response = client.get(reverse("alerts:list"), query)

    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert list(response.context["alerts"]) == []
    assert "Some filters are not valid" in response.content.decode()


def test_the_list_pages(client, world, authority):
    for n in range(21):
        make_alert(by=authority, status=AlertStatus.CONFIRMED, title=f"Paged alert {n}")

    first = client.get(reverse("alerts:list"))
    second = client.get(reverse("alerts:list"), {"page": 2})

    assert len(first.context["alerts"]) == 20
    assert first.context["paginator"].count == 23
    assert len(second.context["alerts"]) == 3
    assert "Page 1 of 2" in first.content.decode()


# --- one alert --------------------------------------------------------------------------


def _alert(world: World, name: str) -> Alert:
    return getattr(world, name)


ALERTS_BY_TITLE = {
    "reported": "Waiting plastic granulate alert",
    "under_assessment": "Assessed lithium alert",
    "confirmed": "Confirmed visor granulate alert",
    "resolved": "Resolved aeronautics alert",
    "dismissed": "Dismissed funding alert",
    "merged": "Merged granulate report",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ALERTS_BY_TITLE))
def test_an_alert_page_is_a_404_to_those_who_may_not_see_it(client, world, role, name):
    alert = _alert(world, name)

    response = client_for(client, world, role).get(alert.get_absolute_url())

    visible = ALERTS_BY_TITLE[name] in VISIBLE[role]
    assert response.status_code == (200 if visible else 404)
    if role != "staff":
        assert_no_note(response)
    elif name in ("reported", "confirmed"):
        assert NOTE.encode() in response.content


def test_anonymous_visitors_see_the_summary_and_are_asked_to_log_in(client, world):
    response = client.get(world.confirmed.get_absolute_url())

    html = response.content.decode()
    for shown in (
        "Confirmed visor granulate alert",
        "Supply disruption",
        "High",
        "Raw materials",
        "Health",
        "Belgium",
        world.confirmed.started_on.strftime("%-d %B %Y"),
        "30 days",
        "Confirmed",
    ):
        assert shown in html, shown
    assert "Log in to see details and evidence" in html
    for hidden in (
        DESCRIPTION,
        "Three suppliers cancelled orders",  # the evidence
        "polypropylene",  # materials
        "Flanders",  # regions
        "Source granulate from other EU producers",
        "evidence.pdf",
        ESCALATION,
        NOTE,
    ):
        assert hidden not in html, hidden


@pytest.mark.parametrize("role", ["company", "other_manager", "unverified_authority", "manager"])
def test_logged_in_users_see_the_details_and_evidence_but_not_the_note(client, world, role):
    response = client_for(client, world, role).get(world.confirmed.get_absolute_url())

    html = response.content.decode()
    for shown in (
        DESCRIPTION,
        "Three suppliers cancelled orders",
        "polypropylene",
        "Flanders",
        "Source granulate from other EU producers",
        "evidence.pdf",
        "Critical companies",
        "12",  # companies affected
    ):
        assert shown in html, shown
    # Both reporters of the group: the alert's and the merged report's.
    assert world.users["manager"].get_full_name() in html
    assert world.users["authority"].get_full_name() in html
    assert "Log in to see details" not in html
    assert NOTE not in html
    assert ESCALATION not in html
    assert "Confidential note" not in html


def test_staff_see_the_note_the_escalation_and_the_assessment(client, world):
    client.force_login(world.users["staff"])

    response = client.get(world.confirmed.get_absolute_url())

    html = response.content.decode()
    assert NOTE in html
    assert ESCALATION in html
    assert "Merged granulate report" in html  # the report merged into it
    assert reverse("alerts:transition", args=[world.confirmed.pk]) in html
    assert "Mark as resolved" in html
    # Already escalated: no second escalation form.
    assert reverse("alerts:escalate", args=[world.confirmed.pk]) not in html


def test_the_history_shows_each_step_with_who_and_why(client, world):
    client.force_login(world.users["manager"])

    response = client.get(world.dismissed.get_absolute_url())

    html = response.content.decode()
    assert "Under assessment → Dismissed" in html
    assert "Not a disruption." in html
    assert world.users["staff"].get_full_name() in html


def test_a_merged_alert_points_to_the_alert_it_joined(client, world):
    client.force_login(world.users["authority"])

    response = client.get(world.merged.get_absolute_url())

    html = response.content.decode()
    assert f"merged into alert #{world.confirmed.pk}" in html
    assert world.confirmed.get_absolute_url() in html


def test_a_confirmed_alert_shows_its_linked_solutions(client, world, company_user):
    staff = world.users["staff"]
    offer = make_offer(
        by=company_user, status=OfferStatus.ACCEPTED, staff=staff, title="Granulate stock"
    )
    alert_link_offer(alert=world.confirmed, offer=offer, by=staff, note="Has 40 tonnes.")
    alert_link_cluster(alert=world.confirmed, cluster=world.other_cluster, by=staff)
    client.force_login(company_user)

    response = client.get(world.confirmed.get_absolute_url())

    html = response.content.decode()
    assert "Granulate stock" in html
    assert "Has 40 tonnes." in html
    assert offer.get_absolute_url() in html
    assert "Other Cluster" in html


# --- evidence files ---------------------------------------------------------------------


def attachment_url(alert: Alert) -> str:
    attachment = alert.attachments.get()
    return reverse("alerts:attachment", args=[alert.pk, attachment.pk])


@pytest.mark.parametrize("role", ROLES)
def test_evidence_files_are_downloads_for_logged_in_users(client, world, role):
    response = client_for(client, world, role).get(attachment_url(world.confirmed))

    if role == "anonymous":
        assert_login_redirect(response)
        return
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "evidence.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_an_evidence_file_of_an_alert_one_may_not_see_is_a_404(client, world, company_user):
    alert_report_with_file = alert_report(
        by=world.users["manager"],
        data=alert_data(cluster=world.cluster),
        ecosystems=["health"],
        attachments=[pdf("secret.pdf")],
    )
    client.force_login(company_user)

    response = client.get(attachment_url(alert_report_with_file))
    wrong_alert = client.get(
        reverse(
            "alerts:attachment",
            args=[world.confirmed.pk, alert_report_with_file.attachments.get().pk],
        )
    )

    assert response.status_code == 404
    assert wrong_alert.status_code == 404


# --- reporting --------------------------------------------------------------------------


def report_form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Lithium carbonate shortage for cell makers",
        "description": "Cell makers in Portugal cannot source lithium carbonate.",
        "type": "raw_material_shortage",
        "ecosystems": ["energy-intensive", "mobility-transport-automotive"],
        "value_chain_stage": "raw_materials",
        "materials": "lithium carbonate, lithium hydroxide",
        "countries": ["PT", "ES"],
        "regions": "Norte, Galicia",
        "started_on": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
        "expected_duration_days": "90",
        "severity": "critical",
        "companies_affected": "14",
        "evidence": "Two refiners stopped deliveries on Monday.",
        "evidence_links": "https://example.eu/refiners.pdf\nhttps://example.eu/news",
        "proposed_solutions": "Joint purchasing through the cluster.",
        "critical_companies_at_risk": "on",
        "confidential_note": NOTE,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("other_manager", 200),
        ("authority", 200),
        ("company", 403),
        ("unverified_authority", 403),
        ("staff", 403),
    ],
)
def test_who_may_open_the_report_form(client, world, role, status):
    response = client_for(client, world, role).get(reverse("alerts:report"))

    assert response.status_code == status
    html = response.content.decode()
    if role in ("manager", "other_manager"):
        assert "cluster" in response.context["form"].fields
    if role == "authority":
        assert "cluster" not in response.context["form"].fields
    if role == "unverified_authority":
        assert "waiting for verification" in html
    if role == "company":
        assert (
            "Cluster managers (for a cluster they manage) and verified public authorities" in html
        )


def test_anonymous_users_are_sent_to_log_in_to_report(client, world):
    assert_login_redirect(client.get(reverse("alerts:report")))
    assert_login_redirect(client.post(reverse("alerts:report"), report_form_data()))
    assert not Alert.objects.filter(title__startswith="Lithium carbonate").exists()


@pytest.mark.parametrize("role", ["company", "unverified_authority", "staff"])
def test_those_who_may_not_report_cannot_post_either(client, world, role):
    response = client_for(client, world, role).post(reverse("alerts:report"), report_form_data())

    assert response.status_code == 403
    assert not Alert.objects.filter(title__startswith="Lithium carbonate").exists()


def test_a_cluster_manager_reports_an_alert_for_their_cluster(client, world):
    manager = world.users["manager"]
    client.force_login(manager)

    response = client.post(
        reverse("alerts:report"),
        {
            **report_form_data(cluster=world.cluster.pk),
            "attachments": [pdf("refiners.pdf"), pdf("photo-proof.pdf")],
        },
    )

    alert = Alert.objects.get(title="Lithium carbonate shortage for cell makers")
    assert response.status_code == 302
    assert response.url == alert.get_absolute_url()
    assert alert.status == AlertStatus.REPORTED
    assert alert.reported_by == manager
    assert alert.cluster == world.cluster
    assert sorted(e.slug for e in alert.ecosystems.all()) == [
        "energy-intensive",
        "mobility-transport-automotive",
    ]
    assert sorted(str(c) for c in alert.countries) == ["ES", "PT"]
    assert alert.materials == ["lithium carbonate", "lithium hydroxide"]
    assert alert.regions == ["Norte", "Galicia"]
    assert alert.evidence_links == ["https://example.eu/refiners.pdf", "https://example.eu/news"]
    assert alert.expected_duration_days == 90
    assert alert.companies_affected == 14
    assert alert.severity == "critical"
    assert alert.critical_companies_at_risk is True
    assert alert.confidential_note == NOTE
    assert sorted(a.original_name for a in alert.attachments.all()) == [
        "photo-proof.pdf",
        "refiners.pdf",
    ]
    assert {a.content_type for a in alert.attachments.all()} == {"application/pdf"}
    (step,) = alert.transitions.all()
    assert (step.from_status, step.to_status, step.by) == ("", AlertStatus.REPORTED, manager)

    page = client.get(response.url)
    assert "Your alert is reported." in page.content.decode()
    assert_no_note(page)  # not even to its reporter


def test_a_verified_authority_reports_in_its_own_name(client, world, authority):
    client.force_login(authority)

    response = client.post(reverse("alerts:report"), report_form_data(cluster=world.cluster.pk))

    alert = Alert.objects.get(title="Lithium carbonate shortage for cell makers")
    assert response.status_code == 302
    assert alert.cluster is None
    assert alert.reported_by == authority


def test_a_manager_cannot_report_for_a_cluster_they_do_not_manage(client, world):
    client.force_login(world.users["manager"])

    response = client.post(
        reverse("alerts:report"), report_form_data(cluster=world.other_cluster.pk)
    )

    assert response.status_code == 200
    assert "cluster" in response.context["form"].errors
    assert not Alert.objects.filter(title__startswith="Lithium carbonate").exists()


def test_a_manager_without_a_cluster_is_told_to_create_one(client, db):
    client.force_login(make_user(Role.CLUSTER_MANAGER))

    response = client.get(reverse("alerts:report"))

    assert response.status_code == 200
    assert response.context["no_cluster"] is True
    assert reverse("clusters:create") in response.content.decode()


BIG_PDF = PDF + b"0" * (MAX_DOCUMENT_BYTES + 1)
NOT_A_DOCUMENT = b"MZ\x90\x00\x03\x00\x00\x00 this is an executable, not a PDF"


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("ecosystems", {"ecosystems": ["health", "no-such-ecosystem"]}, "Unknown ecosystem"),
        ("ecosystems", {"ecosystems": []}, "Choose at least one industrial ecosystem"),
        (
            "started_on",
            {"started_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()},
            "cannot be in the future",
        ),
        ("companies_affected", {"companies_affected": "-3"}, "cannot be negative"),
        ("evidence", {"evidence": "x" * (MAX_EVIDENCE_CHARS + 1)}, "the limit is"),
        ("countries", {"countries": []}, "Name at least one country affected"),
        ("countries", {"countries": ["XX"]}, "Select a valid choice"),
        ("evidence_links", {"evidence_links": "not a link"}, "is not a web address"),
        ("expected_duration_days", {"expected_duration_days": "0"}, "at least one day"),
        ("materials", {"materials": "x" * 150}, "at most 100 characters"),
        ("type", {"type": "earthquake"}, "Select a valid choice"),
        ("title", {"title": ""}, "required"),
    ],
)
def test_bad_input_gives_field_errors(client, world, field, overrides, message):
    client.force_login(world.users["manager"])

    response = client.post(
        reverse("alerts:report"), report_form_data(cluster=world.cluster.pk, **overrides)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "Please correct the following" in response.content.decode()
    assert not Alert.objects.filter(title__startswith="Lithium carbonate").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("big.pdf", BIG_PDF, content_type="application/pdf"), "the limit is"),
        (
            SimpleUploadedFile("tool.pdf", NOT_A_DOCUMENT, content_type="application/pdf"),
            "tool.pdf",
        ),
    ],
    ids=["over-the-upload-limit", "not-a-pdf-or-image"],
)
def test_a_bad_evidence_file_is_a_field_error(client, world, upload, message):
    client.force_login(world.users["manager"])

    response = client.post(
        reverse("alerts:report"),
        {**report_form_data(cluster=world.cluster.pk), "attachments": [pdf(), upload]},
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in " ".join(errors["attachments"])
    assert not Alert.objects.filter(title__startswith="Lithium carbonate").exists()
    assert not AlertAttachment.objects.exclude(alert__in=Alert.objects.all()).exists()


def test_more_than_five_evidence_files_are_refused(client, world):
    client.force_login(world.users["manager"])

    response = client.post(
        reverse("alerts:report"),
        {
            **report_form_data(cluster=world.cluster.pk),
            "attachments": [pdf(f"file-{n}.pdf") for n in range(6)],
        },
    )

    assert "at most 5 evidence files" in " ".join(response.context["form"].errors["attachments"])
    assert not Alert.objects.filter(title__startswith="Lithium carbonate").exists()


# --- correcting -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_only_the_reporter_corrects_a_reported_alert(client, world, role):
    url = reverse("alerts:edit", args=[world.reported.pk])

    response = client_for(client, world, role).get(url)

    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "manager":
        assert response.status_code == 200
        assert_no_note(response)  # the form never shows the note back
        assert "Replace the confidential note" in response.content.decode()
    else:
        assert response.status_code == 404


def test_the_reporter_corrects_the_alert_and_the_note_is_kept(client, world):
    client.force_login(world.users["manager"])
    url = reverse("alerts:edit", args=[world.reported.pk])

    response = client.post(
        url,
        {
            **report_form_data(cluster=world.cluster.pk, title="Corrected granulate alert"),
            "confidential_note": "",
            "attachments": [pdf("more.pdf")],
        },
    )

    alert = Alert.objects.get(pk=world.reported.pk)
    assert response.status_code == 302
    assert alert.title == "Corrected granulate alert"
    assert alert.confidential_note == NOTE  # left empty: kept
    assert [a.original_name for a in alert.attachments.all()] == ["more.pdf"]


def test_the_reporter_replaces_or_removes_the_note(client, world):
    client.force_login(world.users["manager"])
    url = reverse("alerts:edit", args=[world.reported.pk])

    client.post(url, report_form_data(cluster=world.cluster.pk, confidential_note="New note."))
    replaced = Alert.objects.get(pk=world.reported.pk).confidential_note
    client.post(
        url,
        report_form_data(
            cluster=world.cluster.pk, confidential_note="", clear_confidential_note="on"
        ),
    )

    assert replaced == "New note."
    assert Alert.objects.get(pk=world.reported.pk).confidential_note == ""


def test_an_alert_under_assessment_cannot_be_corrected(client, world):
    client.force_login(world.users["authority"])
    url = reverse("alerts:edit", args=[world.under_assessment.pk])

    response = client.post(url, report_form_data(title="Sneaky change"))

    assert response.status_code == 404
    assert Alert.objects.get(pk=world.under_assessment.pk).title == "Assessed lithium alert"


def test_the_correct_button_is_offered_to_the_reporter_only(client, world):
    edit = reverse("alerts:edit", args=[world.reported.pk])
    client.force_login(world.users["manager"])
    mine = client.get(world.reported.get_absolute_url()).content.decode()
    client.force_login(world.users["co_manager"])
    colleague = client.get(world.reported.get_absolute_url()).content.decode()

    assert edit in mine
    assert edit not in colleague


# --- "My alerts" ------------------------------------------------------------------------

MINE = {
    "manager": MANAGER_TITLES | {"Confirmed visor granulate alert"},
    "co_manager": MANAGER_TITLES | {"Confirmed visor granulate alert"},
    "other_manager": set(),
    "company": set(),
    "authority": AUTHORITY_TITLES | {"Resolved aeronautics alert"},
    "unverified_authority": set(),
    "staff": set(),
}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_my_alerts_lists_the_alerts_of_the_user_and_their_clusters(client, world, role):
    response = client_for(client, world, role).get(reverse("alerts:mine"))

    assert response.status_code == 200
    assert {a.title for a in response.context["alerts"]} == MINE[role]
    assert_no_note(response)


def test_my_alerts_shows_each_status_and_filters_by_it(client, world):
    client.force_login(world.users["manager"])

    every = client.get(reverse("alerts:mine")).content.decode()
    dismissed = client.get(reverse("alerts:mine"), {"status": "dismissed"})

    for status in ("portal-status--alert-reported", "portal-status--alert-dismissed"):
        assert status in every
    assert [a.title for a in dismissed.context["alerts"]] == ["Dismissed funding alert"]


def test_anonymous_users_are_sent_to_log_in_for_my_alerts(client, world):
    assert_login_redirect(client.get(reverse("alerts:mine")))


# --- query budgets ----------------------------------------------------------------------


@pytest.fixture
def crowd(world, company_user):
    """More alerts, with merges and linked solutions, so a budget that grows would show."""
    staff = world.users["staff"]
    offer = make_offer(by=company_user, status=OfferStatus.ACCEPTED, staff=staff)
    for n in range(6):
        target = make_alert(
            by=world.users["authority"],
            status=AlertStatus.CONFIRMED,
            staff=staff,
            title=f"Crowd alert {n}",
            ecosystems=("health", "electronics"),
            countries=["BE", "FR", "DE"],
        )
        make_alert(
            by=world.users["manager"],
            cluster=world.cluster,
            status=AlertStatus.MERGED,
            merged_into=target,
            staff=staff,
        )
        make_alert(by=world.users["manager"], cluster=world.cluster, title=f"Waiting {n}")
        make_alert(
            by=world.users["authority"],
            status=AlertStatus.UNDER_ASSESSMENT,
            staff=staff,
            title=f"Assessing {n}",
        )
        alert_link_offer(alert=target, offer=offer, by=staff)
        alert_link_cluster(alert=target, cluster=world.other_cluster, by=staff)
    return world


@pytest.mark.parametrize(("role", "budget"), [("anonymous", 5), ("company", 7), ("staff", 7)])
def test_the_list_has_a_fixed_query_budget(
    client, crowd, role, budget, django_assert_max_num_queries
):
    client_for(client, crowd, role)

    with django_assert_max_num_queries(budget):
        response = client.get(reverse("alerts:list"), {"ecosystem": "health"})

    assert response.status_code == 200
    assert len(response.context["alerts"]) >= 7


@pytest.mark.parametrize(("role", "budget"), [("anonymous", 7), ("company", 10), ("staff", 11)])
def test_an_alert_page_has_a_fixed_query_budget(
    client, crowd, role, budget, django_assert_max_num_queries
):
    client_for(client, crowd, role)
    alert = Alert.objects.get(title="Crowd alert 3")

    with django_assert_max_num_queries(budget):
        response = client.get(alert.get_absolute_url())

    assert response.status_code == 200


def test_my_alerts_has_a_fixed_query_budget(client, crowd, django_assert_max_num_queries):
    client.force_login(crowd.users["manager"])

    with django_assert_max_num_queries(5):
        response = client.get(reverse("alerts:mine"))

    assert len(response.context["alerts"]) >= 15
