"""The alerts API: who sees which alerts and how much of each, who may report, correct and
assess them, bad input, filters, the history, and query budgets.

The confidential note is looked for as text in the raw response body, so it cannot slip out
under another field name either."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alerts.api import DETAIL_FIELDS, STAFF_FIELDS, SUMMARY_FIELDS
from alerts.models import (
    MAX_EVIDENCE_CHARS,
    Alert,
    AlertStatus,
    AlertTransition,
)
from alerts.services import alert_escalate, alert_link_cluster, alert_link_offer
from clusters import services as cluster_services
from portal.accounts.roles import Role
from tests.alerts.factories import make_alert
from tests.clusters.factories import make_cluster
from tests.factories import make_user
from tests.offers.factories import make_offer

S = AlertStatus
NO_CREDENTIALS = {401, 403}  # session + token auth: DRF answers 403 without credentials
PDF = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
ACTORS = [
    "reporter_manager",
    "co_manager",
    "other_manager",
    "authority",
    "unverified_authority",
    "company",
    "staff",
    "anonymous",
]


def secret(name: str) -> str:
    return f"CONFIDENTIAL-{name}-ZQX"


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def world(
    django_capture_on_commit_callbacks,
    cluster_manager,
    other_cluster_manager,
    company_user,
    authority,
    unverified_authority,
    commission_staff,
):
    """Alice reports for her cluster (co-managed by Bea); Charlie for his; Dora is a verified
    authority. One alert in each state, each with its own confidential note; the confirmed
    one has an offer and a cluster linked, an alert merged into it, and is escalated."""
    co_manager = make_user(Role.CLUSTER_MANAGER, email="bea@cluster.example.eu")
    staff = commission_staff
    with django_capture_on_commit_callbacks(execute=True):
        cluster = make_cluster(by=cluster_manager, name="Alice's Cluster")
        cluster_services.cluster_add_manager(
            cluster=cluster, email=co_manager.email, by=cluster_manager
        )
        other_cluster = make_cluster(by=other_cluster_manager, name="Charlie's Cluster")
        alerts = SimpleNamespace(
            reported=make_alert(
                by=cluster_manager,
                cluster=cluster,
                title="Lithium availability for battery cells",
                confidential_note=secret("reported"),
                type="raw_material_shortage",
                countries=["DE", "PL"],
                ecosystems=("renewable-energy",),
            ),
            under_assessment=make_alert(
                by=authority,
                status=S.UNDER_ASSESSMENT,
                staff=staff,
                title="Homologation of medical devices delayed",
                confidential_note=secret("under-assessment"),
                type="regulatory_barrier",
                countries=["ES"],
            ),
            confirmed=make_alert(
                by=cluster_manager,
                cluster=cluster,
                status=S.CONFIRMED,
                staff=staff,
                title="Disruption in the supply of plastic material",
                confidential_note=secret("confirmed"),
                countries=["BE", "NL"],
                severity="critical",
                critical_companies_at_risk=True,
            ),
            dismissed=make_alert(
                by=authority,
                status=S.DISMISSED,
                staff=staff,
                title="Rumour of a glove shortage",
                confidential_note=secret("dismissed"),
                countries=["ES"],
            ),
            resolved=make_alert(
                by=authority,
                status=S.RESOLVED,
                staff=staff,
                title="Lack of gas transport infrastructure",
                confidential_note=secret("resolved"),
                type="infrastructure_gap",
                value_chain_stage="distribution_logistics",
                countries=["IT"],
                ecosystems=("energy-intensive",),
                started_on=today() - datetime.timedelta(days=40),
            ),
        )
        alerts.merged = make_alert(
            by=other_cluster_manager,
            cluster=other_cluster,
            status=S.MERGED,
            staff=staff,
            merged_into=alerts.confirmed,
            title="Plastic granulate missing for visors",
            confidential_note=secret("merged"),
            countries=["FR"],
        )
        alert_escalate(alert=alerts.confirmed, by=staff, note=secret("escalation"))
        offer = make_offer(by=company_user, status="accepted", staff=staff, title="PP granulate")
        alert_link_offer(alert=alerts.confirmed, offer=offer, by=staff, note="Can supply PP")
        alert_link_cluster(alert=alerts.confirmed, cluster=other_cluster, by=cluster_manager)
    return SimpleNamespace(
        alerts=alerts,
        cluster=cluster,
        other_cluster=other_cluster,
        offer=offer,
        actors={
            "reporter_manager": cluster_manager,
            "co_manager": co_manager,
            "other_manager": other_cluster_manager,
            "authority": authority,
            "unverified_authority": unverified_authority,
            "company": company_user,
            "staff": staff,
            "anonymous": None,
        },
    )


def as_actor(api_client, world, actor):
    user = world.actors[actor]
    if user is not None:
        api_client.force_authenticate(user=user)
    return api_client


def titles(response) -> set[str]:
    return {item["title"] for item in response.json()["results"]}


def payload(**overrides):
    data = {
        "title": "Supply of electronic components interrupted",
        "description": "Microcontrollers for ventilators are allocated to other markets.",
        "type": "supply_disruption",
        "ecosystems": ["electronics", "health"],
        "value_chain_stage": "components",
        "materials": ["microcontrollers", "sensors"],
        "countries": ["DE", "CZ"],
        "regions": ["Bavaria"],
        "started_on": (today() - datetime.timedelta(days=5)).isoformat(),
        "expected_duration_days": 60,
        "severity": "high",
        "companies_affected": 14,
        "evidence": "Distributors cancelled allocations for Q3.",
        "evidence_links": ["https://example.eu/allocation-notice"],
        "proposed_solutions": "Pool orders across clusters.",
        "critical_companies_at_risk": True,
        "confidential_note": secret("posted"),
    }
    data.update(overrides)
    return data


# --- who sees which alerts -------------------------------------------------------------

PUBLIC_TITLES = {
    "Disruption in the supply of plastic material",
    "Lack of gas transport infrastructure",
}
SEES = {
    "anonymous": PUBLIC_TITLES,
    "company": PUBLIC_TITLES,
    "unverified_authority": PUBLIC_TITLES,
    "reporter_manager": PUBLIC_TITLES | {"Lithium availability for battery cells"},
    "co_manager": PUBLIC_TITLES | {"Lithium availability for battery cells"},
    "other_manager": PUBLIC_TITLES | {"Plastic granulate missing for visors"},
    "authority": PUBLIC_TITLES
    | {"Homologation of medical devices delayed", "Rumour of a glove shortage"},
    "staff": PUBLIC_TITLES
    | {
        "Lithium availability for battery cells",
        "Homologation of medical devices delayed",
        "Rumour of a glove shortage",
        "Plastic granulate missing for visors",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_the_list_holds_the_alerts_each_actor_may_see(api_client, world, actor):
    response = as_actor(api_client, world, actor).get("/api/v1/alerts/")

    assert response.status_code == 200
    assert titles(response) == SEES[actor]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    "name", ["reported", "under_assessment", "confirmed", "dismissed", "resolved", "merged"]
)
def test_an_alert_is_readable_exactly_when_it_is_listed(api_client, world, actor, name):
    alert = getattr(world.alerts, name)

    response = as_actor(api_client, world, actor).get(f"/api/v1/alerts/{alert.pk}/")

    assert response.status_code == (200 if alert.title in SEES[actor] else 404)


EXPECTED_FIELDS = {
    "anonymous": set(SUMMARY_FIELDS),
    "company": set(SUMMARY_FIELDS) | set(DETAIL_FIELDS),
    "reporter_manager": set(SUMMARY_FIELDS) | set(DETAIL_FIELDS),
    "authority": set(SUMMARY_FIELDS) | set(DETAIL_FIELDS),
    "staff": set(SUMMARY_FIELDS) | set(DETAIL_FIELDS) | set(STAFF_FIELDS),
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", EXPECTED_FIELDS)
def test_how_much_of_an_alert_is_shown_follows_the_access_level(api_client, world, actor):
    client = as_actor(api_client, world, actor)

    detail = client.get(f"/api/v1/alerts/{world.alerts.confirmed.pk}/").json()
    listed = client.get("/api/v1/alerts/").json()["results"]

    assert set(detail) == EXPECTED_FIELDS[actor]
    assert all(set(item) == EXPECTED_FIELDS[actor] for item in listed)


@pytest.mark.django_db
def test_the_public_summary_has_no_details_or_evidence(api_client, world):
    body = api_client.get(f"/api/v1/alerts/{world.alerts.confirmed.pk}/").content.decode()

    for text in ("Converters cannot source", "Three suppliers cancelled", "granulate from other"):
        assert text not in body
    assert world.actors["reporter_manager"].get_full_name() not in body  # nor the reporter
    assert "PP granulate" not in body  # nor the solutions


@pytest.mark.django_db
def test_the_api_uses_the_issue_field_names_and_values(api_client, world, cluster_manager):
    api_client.force_authenticate(cluster_manager)

    data = api_client.get(f"/api/v1/alerts/{world.alerts.confirmed.pk}/").json()

    assert data["type"] == "supply_disruption"
    assert data["value_chain_stage"] == "raw_materials"
    assert data["severity"] == "critical"
    assert data["status"] == "confirmed"
    assert data["ecosystems"] == ["health"]
    assert data["countries"] == ["BE", "NL"]
    assert data["cluster"] == world.cluster.pk
    assert data["materials"] == ["polypropylene", "granulate"]
    assert data["regions"] == ["Flanders"]
    assert data["companies_affected"] == 12
    assert data["expected_duration_days"] == 30
    assert data["started_on"] == (today() - datetime.timedelta(days=3)).isoformat()
    assert data["critical_companies_at_risk"] is True
    assert data["group_size"] == 2
    assert data["page_url"].endswith(f"/alerts/{world.alerts.confirmed.pk}/")


@pytest.mark.django_db
def test_a_logged_in_user_sees_solutions_and_every_reporter_of_the_group(
    api_client, world, company_user
):
    api_client.force_authenticate(company_user)

    data = api_client.get(f"/api/v1/alerts/{world.alerts.confirmed.pk}/").json()

    assert [o["title"] for o in data["solutions"]["offers"]] == ["PP granulate"]
    assert data["solutions"]["offers"][0]["note"] == "Can supply PP"
    assert [c["name"] for c in data["solutions"]["clusters"]] == ["Charlie's Cluster"]
    reporters = {r["name"] for r in data["reporters"]}
    assert reporters == {
        world.actors["reporter_manager"].get_full_name(),
        world.actors["other_manager"].get_full_name(),
    }


@pytest.mark.django_db
def test_a_linked_offer_that_left_the_catalogue_is_shown_to_staff_only(
    api_client, world, company_user, commission_staff
):
    from offers.services import offer_transition

    offer_transition(offer=world.offer, to_status="routed", by=commission_staff, note="")
    offer_transition(offer=world.offer, to_status="closed", by=commission_staff, note="")
    url = f"/api/v1/alerts/{world.alerts.confirmed.pk}/"

    api_client.force_authenticate(company_user)
    as_company = api_client.get(url).json()["solutions"]["offers"]
    api_client.force_authenticate(commission_staff)
    as_staff = api_client.get(url).json()["solutions"]["offers"]

    assert as_company == []
    assert [o["title"] for o in as_staff] == ["PP granulate"]


# --- the confidential note -------------------------------------------------------------


def _bodies(client, world):
    """Every response a client can get about the alerts: list, details, histories, and the
    refusals of writes."""
    bodies = [client.get("/api/v1/alerts/"), client.get("/api/v1/alerts/?status=confirmed")]
    for alert in vars(world.alerts).values():
        url = f"/api/v1/alerts/{alert.pk}/"
        bodies += [
            client.get(url),
            client.get(f"{url}transitions/"),
            client.patch(url, {"severity": "unknown"}, format="json"),
            client.patch(url, {"title": "Corrected"}, format="json"),
            client.post(f"{url}transitions/", {"to": "confirmed"}, format="json"),
            client.post(f"{url}transitions/", {"to": "nowhere"}, format="json"),
        ]
    bodies.append(client.post("/api/v1/alerts/", payload(ecosystems=["nope"]), format="json"))
    return bodies


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "staff"])
def test_the_confidential_note_is_never_in_a_response_to_non_staff(api_client, world, actor):
    client = as_actor(api_client, world, actor)

    for response in _bodies(client, world):
        body = response.content.decode()
        assert "CONFIDENTIAL-" not in body, (actor, response.request["PATH_INFO"], body[:300])
        assert "confidential_note" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["reporter_manager", "authority", "staff"])
def test_the_browsable_api_and_its_forms_follow_the_same_rule(api_client, world, actor):
    client = as_actor(api_client, world, actor)
    own = world.alerts.reported if actor == "reporter_manager" else world.alerts.dismissed
    if actor == "staff":
        own = world.alerts.confirmed

    pages = [
        client.get(url, HTTP_ACCEPT="text/html")
        for url in ("/api/v1/alerts/", f"/api/v1/alerts/{own.pk}/")
    ]

    assert [page.status_code for page in pages] == [200, 200]
    body = "".join(page.content.decode() for page in pages)
    assert ("CONFIDENTIAL-" in body) is (actor == "staff")


@pytest.mark.django_db
def test_staff_read_the_confidential_and_escalation_notes(api_client, world, commission_staff):
    api_client.force_authenticate(commission_staff)
    url = f"/api/v1/alerts/{world.alerts.confirmed.pk}/"

    detail = api_client.get(url).json()
    listed = {a["id"]: a for a in api_client.get("/api/v1/alerts/").json()["results"]}
    history = api_client.get(f"{url}transitions/").json()

    assert detail["confidential_note"] == secret("confirmed")
    assert detail["escalation_note"] == secret("escalation")
    assert listed[world.alerts.merged.pk]["confidential_note"] == secret("merged")
    assert history[-1]["note"] == secret("escalation")


@pytest.mark.django_db
def test_a_reporter_does_not_read_back_the_confidential_note_they_wrote(
    api_client, cluster_manager, world
):
    api_client.force_authenticate(cluster_manager)

    response = api_client.post("/api/v1/alerts/", payload(cluster=world.cluster.pk), format="json")

    assert response.status_code == 201
    assert secret("posted") not in response.content.decode()
    assert Alert.objects.get(pk=response.json()["id"]).confidential_note == secret("posted")


# --- reporting ---------------------------------------------------------------------------

CREATE = {
    "reporter_manager": 201,
    "co_manager": 201,
    "other_manager": 400,  # Alice's cluster is not his
    "authority": 201,
    "unverified_authority": 403,
    "company": 403,
    "staff": 403,
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_report_an_alert(api_client, world, actor):
    before = Alert.objects.count()
    client = as_actor(api_client, world, actor)

    response = client.post("/api/v1/alerts/", payload(cluster=world.cluster.pk), format="json")

    if actor == "anonymous":
        assert response.status_code in NO_CREDENTIALS
    else:
        assert response.status_code == CREATE[actor], response.content
    assert Alert.objects.count() == before + (response.status_code == 201)


@pytest.mark.django_db
def test_a_cluster_manager_reports_for_their_cluster(api_client, world, cluster_manager):
    api_client.force_authenticate(cluster_manager)

    response = api_client.post("/api/v1/alerts/", payload(cluster=world.cluster.pk), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    alert = Alert.objects.get(pk=data["id"])
    assert alert.status == S.REPORTED
    assert alert.reported_by == cluster_manager
    assert alert.cluster == world.cluster
    assert sorted(e.slug for e in alert.ecosystems.all()) == ["electronics", "health"]
    assert sorted(str(c) for c in alert.countries) == ["CZ", "DE"]
    assert data["status"] == "reported"
    assert data["cluster"] == world.cluster.pk
    assert sorted(data["ecosystems"]) == ["electronics", "health"]
    assert data["evidence_links"] == ["https://example.eu/allocation-notice"]
    first = AlertTransition.objects.get(alert=alert)
    assert (first.from_status, first.to_status, first.by) == ("", S.REPORTED, cluster_manager)


@pytest.mark.django_db
def test_an_authority_reports_for_itself_whatever_cluster_it_names(api_client, world, authority):
    api_client.force_authenticate(authority)

    response = api_client.post("/api/v1/alerts/", payload(cluster=world.cluster.pk), format="json")

    assert response.status_code == 201
    assert response.json()["cluster"] is None
    assert Alert.objects.get(pk=response.json()["id"]).cluster is None


@pytest.mark.django_db
def test_a_cluster_manager_must_name_their_cluster(api_client, world, cluster_manager):
    api_client.force_authenticate(cluster_manager)

    response = api_client.post("/api/v1/alerts/", payload(), format="json")

    assert response.status_code == 400
    assert "cluster" in response.json()


@pytest.mark.django_db
def test_evidence_files_are_uploaded_with_the_report(
    api_client, world, authority, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    api_client.force_authenticate(authority)
    data = payload(
        attachments=[SimpleUploadedFile("notice.pdf", PDF, content_type="application/pdf")]
    )
    data.pop("evidence_links")

    response = api_client.post("/api/v1/alerts/", data, format="multipart")

    assert response.status_code == 201, response.content
    (attachment,) = response.json()["attachments"]
    assert attachment["name"] == "notice.pdf"
    assert attachment["content_type"] == "application/pdf"
    assert "/alerts/" in attachment["url"] and "/attachments/" in attachment["url"]
    assert sorted(response.json()["ecosystems"]) == ["electronics", "health"]


@pytest.mark.django_db
def test_a_file_that_is_not_a_document_is_refused(api_client, world, authority, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api_client.force_authenticate(authority)
    data = payload(attachments=[SimpleUploadedFile("evil.pdf", b"MZ\x90\x00binary")])
    data.pop("evidence_links")

    response = api_client.post("/api/v1/alerts/", data, format="multipart")

    assert response.status_code == 400
    assert "attachments" in response.json()
    assert not Alert.objects.filter(title=data["title"]).exists()


BAD_INPUT = [
    ("ecosystems", {"ecosystems": ["no-such-ecosystem"]}),
    ("ecosystems", {"ecosystems": []}),
    ("started_on", {"started_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}),
    ("started_on", {"started_on": "last week"}),
    ("companies_affected", {"companies_affected": -3}),
    ("companies_affected", {"companies_affected": 10**9}),
    ("expected_duration_days", {"expected_duration_days": 0}),
    ("evidence", {"evidence": "x" * (MAX_EVIDENCE_CHARS + 1)}),
    ("type", {"type": "alien_invasion"}),
    ("value_chain_stage", {"value_chain_stage": "orbit"}),
    ("severity", {"severity": "apocalyptic"}),
    ("countries", {"countries": ["XX"]}),
    ("countries", {"countries": ["US"]}),  # not a country the portal serves
    ("countries", {"countries": []}),
    ("evidence_links", {"evidence_links": ["not a link"]}),
    ("title", {"title": ""}),
    ("cluster", {"cluster": "other"}),  # a cluster Alice does not manage
    ("cluster", {"cluster": 987654}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "change"), BAD_INPUT, ids=[f"{f}-{i}" for i, (f, _c) in enumerate(BAD_INPUT)]
)
def test_bad_input_is_refused_with_a_field_message(
    api_client, world, cluster_manager, field, change
):
    if change.get("cluster") == "other":
        change = {"cluster": world.other_cluster.pk}
    api_client.force_authenticate(cluster_manager)
    before = Alert.objects.count()

    response = api_client.post(
        "/api/v1/alerts/", payload(cluster=world.cluster.pk) | change, format="json"
    )

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert Alert.objects.count() == before


# --- correcting -------------------------------------------------------------------------

PATCH = {
    "reporter_manager": 200,
    "co_manager": 403,  # sees the alert of their cluster, but did not report it
    "other_manager": 404,
    "authority": 404,
    "unverified_authority": 404,
    "company": 404,
    "staff": 403,
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_reporter_corrects_a_reported_alert(api_client, world, actor):
    alert = world.alerts.reported
    client = as_actor(api_client, world, actor)

    response = client.patch(
        f"/api/v1/alerts/{alert.pk}/",
        {"severity": "critical", "ecosystems": ["renewable-energy", "energy-intensive"]},
        format="json",
    )

    alert.refresh_from_db()
    if actor == "anonymous":
        assert response.status_code in NO_CREDENTIALS
    else:
        assert response.status_code == PATCH[actor]
    changed = response.status_code == 200
    assert (alert.severity == "critical") is changed
    assert alert.ecosystems.count() == (2 if changed else 1)


@pytest.mark.django_db
def test_a_patch_changes_only_what_it_names(api_client, world, cluster_manager):
    alert = world.alerts.reported
    api_client.force_authenticate(cluster_manager)

    response = api_client.patch(
        f"/api/v1/alerts/{alert.pk}/", {"title": "Lithium for cells: availability"}, format="json"
    )

    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.title == "Lithium for cells: availability"
    assert alert.type == "raw_material_shortage"
    assert [e.slug for e in alert.ecosystems.all()] == ["renewable-energy"]
    assert alert.confidential_note == secret("reported")


@pytest.mark.django_db
def test_an_alert_under_assessment_cannot_be_corrected(api_client, world, authority):
    api_client.force_authenticate(authority)

    response = api_client.patch(
        f"/api/v1/alerts/{world.alerts.under_assessment.pk}/", {"title": "Late"}, format="json"
    )

    assert response.status_code == 403
    world.alerts.under_assessment.refresh_from_db()
    assert world.alerts.under_assessment.title == "Homologation of medical devices delayed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ecosystems", ["nope"]),
        ("started_on", (timezone.localdate() + datetime.timedelta(days=1)).isoformat()),
        ("companies_affected", -1),
        ("evidence", "y" * (MAX_EVIDENCE_CHARS + 1)),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    api_client, world, cluster_manager, field, value
):
    alert = world.alerts.reported
    api_client.force_authenticate(cluster_manager)

    response = api_client.patch(
        f"/api/v1/alerts/{alert.pk}/", {field: value, "title": "Changed"}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    alert.refresh_from_db()
    assert alert.title == "Lithium availability for battery cells"


@pytest.mark.django_db
def test_alerts_are_not_deleted_or_replaced_through_the_api(api_client, world, commission_staff):
    api_client.force_authenticate(commission_staff)
    url = f"/api/v1/alerts/{world.alerts.reported.pk}/"

    assert api_client.delete(url).status_code == 405
    assert api_client.put(url, payload(), format="json").status_code == 405
    assert Alert.objects.filter(pk=world.alerts.reported.pk).exists()


# --- the assessment ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_history_is_for_logged_in_users_who_see_the_alert(api_client, world, company_user):
    url = f"/api/v1/alerts/{world.alerts.confirmed.pk}/transitions/"

    anonymous = api_client.get(url)
    api_client.force_authenticate(company_user)
    history = api_client.get(url)
    invisible = api_client.get(f"/api/v1/alerts/{world.alerts.reported.pk}/transitions/")

    assert anonymous.status_code in NO_CREDENTIALS
    assert invisible.status_code == 404
    assert history.status_code == 200
    steps = [(s["kind"], s["from_status"], s["to_status"]) for s in history.json()]
    assert steps == [  # the escalation is an internal step: not listed
        ("status", "", "reported"),
        ("status", "reported", "under_assessment"),
        ("status", "under_assessment", "confirmed"),
    ]
    assert history.json()[0]["by"] == world.actors["reporter_manager"].get_full_name()
    assert history.json()[2]["by"] == world.actors["staff"].get_full_name()


@pytest.mark.django_db
def test_staff_see_the_escalation_in_the_history(api_client, world, commission_staff):
    api_client.force_authenticate(commission_staff)

    history = api_client.get(f"/api/v1/alerts/{world.alerts.confirmed.pk}/transitions/").json()

    assert [s["kind"] for s in history] == ["status", "status", "status", "escalation"]
    assert history[-1]["note"] == secret("escalation")


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "staff"])
def test_escalation_is_never_shown_to_non_staff(api_client, world, actor):
    client = as_actor(api_client, world, actor)

    for response in _bodies(client, world):
        assert "escalat" not in response.content.decode().lower(), response.request["PATH_INFO"]


def _post(client, alert, **body):
    return client.post(f"/api/v1/alerts/{alert.pk}/transitions/", body, format="json")


@pytest.mark.django_db
def test_staff_walk_an_alert_through_the_assessment(
    api_client, world, commission_staff, django_capture_on_commit_callbacks
):
    alert = world.alerts.reported
    api_client.force_authenticate(commission_staff)

    with django_capture_on_commit_callbacks(execute=True):
        steps = [
            _post(api_client, alert, to="under_assessment"),
            _post(api_client, alert, to="confirmed", note="Three clusters confirm it."),
            _post(api_client, alert, to="escalated", note="Battery plants at risk."),
            _post(api_client, alert, to="resolved", note="New supply contracted."),
        ]

    assert [s.status_code for s in steps] == [201, 201, 201, 201]
    assert [s.json()["to_status"] for s in steps] == [
        "under_assessment",
        "confirmed",
        "confirmed",
        "resolved",
    ]
    assert steps[2].json()["kind"] == "escalation"
    assert steps[2].json()["note"] == "Battery plants at risk."
    alert.refresh_from_db()
    assert alert.status == S.RESOLVED
    assert alert.escalated and alert.escalation_note == "Battery plants at risk."
    assert alert.confirmed_at is not None and alert.resolved_at is not None
    recorded = list(alert.transitions.values_list("to_status", "by", "note"))
    assert recorded[1:] == [
        ("under_assessment", commission_staff.pk, ""),
        ("confirmed", commission_staff.pk, "Three clusters confirm it."),
        ("confirmed", commission_staff.pk, "Battery plants at risk."),
        ("resolved", commission_staff.pk, "New supply contracted."),
    ]


@pytest.mark.django_db
def test_staff_merge_an_alert_into_another(api_client, world, commission_staff):
    alert = world.alerts.under_assessment
    target = world.alerts.confirmed
    api_client.force_authenticate(commission_staff)

    response = _post(api_client, alert, to="merged", merged_into=target.pk)

    assert response.status_code == 201
    assert response.json()["to_status"] == "merged"
    assert response.json()["note"]  # the default says where it went
    alert.refresh_from_db()
    assert (alert.status, alert.merged_into) == (S.MERGED, target)
    group = api_client.get(f"/api/v1/alerts/{target.pk}/").json()
    assert group["group_size"] == 3
    assert world.actors["authority"].get_full_name() in {r["name"] for r in group["reporters"]}


REFUSED_TRANSITIONS = [
    ("reported", {"to": "confirmed"}, "to"),
    ("reported", {"to": "reported"}, "to"),
    ("under_assessment", {"to": "resolved"}, "to"),
    ("under_assessment", {"to": "dismissed"}, "note"),
    ("under_assessment", {"to": "dismissed", "note": "   "}, "note"),
    ("under_assessment", {"to": "merged"}, "merged_into"),
    ("under_assessment", {"to": "confirmed", "merged_into": "confirmed"}, "merged_into"),
    ("under_assessment", {"to": "merged", "merged_into": "dismissed"}, "merged_into"),
    ("under_assessment", {"to": "merged", "merged_into": "under_assessment"}, "merged_into"),
    ("under_assessment", {"to": "merged", "merged_into": 987654}, "merged_into"),
    ("under_assessment", {"to": "escalated", "note": "Why not"}, "escalated"),
    ("confirmed", {"to": "escalated", "note": "Again"}, "escalated"),
    ("resolved", {"to": "escalated", "note": "Late"}, "escalated"),
    ("dismissed", {"to": "under_assessment"}, "to"),
    ("resolved", {"to": "confirmed"}, "to"),
    ("merged", {"to": "under_assessment"}, "to"),
    ("confirmed", {"to": "sideways"}, "to"),
    ("confirmed", {}, "to"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "body", "field"), REFUSED_TRANSITIONS)
def test_a_change_the_assessment_does_not_allow_is_a_400_on_its_field(
    api_client, world, commission_staff, name, body, field
):
    alert = getattr(world.alerts, name)
    if isinstance(body.get("merged_into"), str):
        body = body | {"merged_into": getattr(world.alerts, body["merged_into"]).pk}
    alert.refresh_from_db()
    before = (alert.status, alert.escalated, alert.transitions.count())
    api_client.force_authenticate(commission_staff)

    response = _post(api_client, alert, **body)

    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    alert.refresh_from_db()
    assert (alert.status, alert.escalated, alert.transitions.count()) == before


ASSESS = {
    "reporter_manager": 403,
    "co_manager": 403,
    "other_manager": 403,
    "authority": 403,
    "unverified_authority": 403,
    "company": 403,
    "staff": 201,
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_staff_assess(api_client, world, actor):
    alert = world.alerts.confirmed
    client = as_actor(api_client, world, actor)

    response = _post(client, alert, to="resolved", note="Solved.")

    alert.refresh_from_db()
    if actor == "anonymous":
        assert response.status_code in NO_CREDENTIALS
    else:
        assert response.status_code == ASSESS[actor]
    assert (alert.status == S.RESOLVED) is (response.status_code == 201)


@pytest.mark.django_db
def test_assessing_an_alert_one_cannot_see_is_a_404(api_client, world, company_user):
    api_client.force_authenticate(company_user)

    response = _post(api_client, world.alerts.reported, to="under_assessment")

    assert response.status_code == 404
    world.alerts.reported.refresh_from_db()
    assert world.alerts.reported.status == S.REPORTED


# --- filters ----------------------------------------------------------------------------

FILTERS = [
    ("ecosystem=energy-intensive", {"Lack of gas transport infrastructure"}),
    ("ecosystem=health&ecosystem=renewable-energy", {
        "Disruption in the supply of plastic material",
        "Homologation of medical devices delayed",
        "Rumour of a glove shortage",
        "Plastic granulate missing for visors",
        "Lithium availability for battery cells",
    }),
    ("country=ES", {"Homologation of medical devices delayed", "Rumour of a glove shortage"}),
    ("country=DE", {"Lithium availability for battery cells"}),
    ("type=infrastructure_gap&type=regulatory_barrier", {
        "Lack of gas transport infrastructure",
        "Homologation of medical devices delayed",
    }),
    ("severity=critical", {"Disruption in the supply of plastic material"}),
    ("status=resolved&status=dismissed", {
        "Lack of gas transport infrastructure",
        "Rumour of a glove shortage",
    }),
    ("value_chain_stage=distribution_logistics", {"Lack of gas transport infrastructure"}),
    ("escalated=true", {"Disruption in the supply of plastic material"}),
    ("started_before={old}", {"Lack of gas transport infrastructure"}),
    ("started_after={old}", "all but the gas"),
    ("reported_after={today}&reported_before={today}", "all"),
    ("reported_before={yesterday}", set()),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), FILTERS)
def test_the_list_filters(api_client, world, commission_staff, query, expected):
    api_client.force_authenticate(commission_staff)
    query = query.format(
        old=(today() - datetime.timedelta(days=10)).isoformat(),
        today=today().isoformat(),
        yesterday=(today() - datetime.timedelta(days=1)).isoformat(),
    )
    everything = {a.title for a in vars(world.alerts).values()}
    if expected == "all":
        expected = everything
    elif expected == "all but the gas":
        expected = everything - {"Lack of gas transport infrastructure"}

    response = api_client.get(f"/api/v1/alerts/?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("ecosystem=no-such-ecosystem", "ecosystem"),
        ("country=XX", "country"),
        ("type=alien", "type"),
        ("severity=apocalyptic", "severity"),
        ("status=lost", "status"),
        ("started_after=yesterday", "started_after"),
        ("started_before=1800-01-01", "started_before"),
        ("reported_after=2020-13-40", "reported_after"),
        ("reported_before=tomorrow", "reported_before"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(api_client, world, query, parameter):
    response = api_client.get(f"/api/v1/alerts/?{query}")

    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "query", "allowed"),
    [
        ("anonymous", "escalated=true", False),
        ("company", "escalated=false", False),
        ("reporter_manager", "escalated=true", False),
        ("staff", "escalated=true", True),
        ("anonymous", "critical_companies_at_risk=true", False),
        ("company", "critical_companies_at_risk=true", True),
    ],
)
def test_a_filter_on_what_the_caller_may_not_read_is_refused(
    api_client, world, actor, query, allowed
):
    response = as_actor(api_client, world, actor).get(f"/api/v1/alerts/?{query}")

    parameter = query.split("=")[0]
    if allowed:
        assert response.status_code == 200
        assert titles(response) == {"Disruption in the supply of plastic material"}
    else:
        assert response.status_code == 400
        assert parameter in response.json()
        assert "Disruption" not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_filtering_by_status_finds_no_hidden_alert(api_client, world):
    response = api_client.get("/api/v1/alerts/?status=reported&status=dismissed&status=merged")

    assert response.status_code == 200
    assert response.json()["results"] == []


# --- query budgets ----------------------------------------------------------------------


@pytest.fixture
def crowd(world, cluster_manager, authority, commission_staff, company_user):
    """``n`` more confirmed alerts, each with an offer and a cluster linked, an attachment-
    free evidence, and an alert merged into it."""

    def make(n):
        for i in range(n):
            target = make_alert(
                by=cluster_manager,
                cluster=world.cluster,
                status=S.CONFIRMED,
                staff=commission_staff,
                title=f"Shortage {i}",
                ecosystems=("health", "textile"),
            )
            make_alert(
                by=authority,
                status=S.MERGED,
                staff=commission_staff,
                merged_into=target,
                title=f"Same shortage {i}",
            )
            alert_link_offer(alert=target, offer=world.offer, by=commission_staff)
            alert_link_cluster(alert=target, cluster=world.other_cluster, by=commission_staff)

    return make


@pytest.mark.django_db
@pytest.mark.parametrize("n", [2, 8])
@pytest.mark.parametrize(
    ("actor", "budget"),
    [
        # count, page, ecosystems
        ("anonymous", 3),
        # + session user; attachments, merged alerts, offer links, cluster links
        ("company", 8),
        ("staff", 8),
    ],
)
def test_the_list_runs_a_fixed_number_of_queries(
    api_client,
    world,
    crowd,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    actor,
    budget,
    n,
):
    with django_capture_on_commit_callbacks(execute=True):
        crowd(n)
    client = as_actor(api_client, world, actor)

    with django_assert_max_num_queries(budget):
        response = client.get("/api/v1/alerts/")

    assert response.status_code == 200
    assert len(response.json()["results"]) >= 2 + n


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 6])
def test_the_detail_runs_a_fixed_number_of_queries(
    api_client,
    world,
    commission_staff,
    authority,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    n,
):
    target = world.alerts.confirmed
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(n):
            make_alert(
                by=authority, status=S.MERGED, staff=commission_staff, merged_into=target,
                title=f"Again {i}",
            )  # fmt: skip
    api_client.force_authenticate(commission_staff)

    # the alert; ecosystems, attachments, transitions, merged alerts, offer links, cluster links
    with django_assert_max_num_queries(8):
        response = api_client.get(f"/api/v1/alerts/{target.pk}/")

    assert response.json()["group_size"] == 2 + n


@pytest.mark.django_db
def test_the_history_runs_a_fixed_number_of_queries(
    api_client, world, commission_staff, django_assert_max_num_queries
):
    api_client.force_authenticate(commission_staff)

    with django_assert_max_num_queries(8):
        response = api_client.get(f"/api/v1/alerts/{world.alerts.confirmed.pk}/transitions/")

    assert len(response.json()) == 4


# --- the schema -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_describes_the_alerts_api(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    assert {
        "/api/v1/alerts/",
        "/api/v1/alerts/{id}/",
        "/api/v1/alerts/{id}/transitions/",
    } <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/alerts/"]["get"]["parameters"]}
    assert {
        "ecosystem", "country", "type", "severity", "status", "started_after",
        "started_before", "reported_after", "reported_before",
    } <= parameters  # fmt: skip
    components = schema["components"]["schemas"]
    assert components["AlertType"]["enum"][0] == "supply_disruption"
    assert "escalated" in components["AlertTransitionTarget"]["enum"]
    alert = components["Alert"]
    assert "confidential_note" in alert["properties"]
    assert "confidential_note" not in alert["required"]
    assert "title" in alert["required"]
    assert "ecosystems" in components["AlertWrite"]["required"]
