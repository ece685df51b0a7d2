"""The offers API: who may do what (status code and database state), confidential fields,
bad input, the lifecycle, matching and interest, and query budgets."""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from clusters import services as cluster_services
from offers.models import Demand, Interest, Offer, OfferTransition
from portal.accounts.roles import Role
from tests.clusters.factories import make_cluster
from tests.factories import make_user
from tests.offers.factories import make_demand, make_offer

ACTORS = [
    "company",
    "other_company",
    "channelling_manager",
    "other_manager",
    "authority",
    "unverified_authority",
    "staff",
    "anonymous",
]
NO_CREDENTIALS = {401, 403}  # session + token auth: DRF answers 403 without credentials
CONFIDENTIAL = (
    "contact_name",
    "contact_email",
    "contact_phone",
    "price_indication",
    "registration_number",
)
CONTACT = ("contact_name", "contact_email", "contact_phone")


def today():
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
    """Bob (company) has a draft and an accepted offer; Olga (another company) a draft and
    an offer under review that matches Dora's demand; Alice channels a draft for a member
    company through her cluster, which Bea co-manages; Charlie manages another cluster."""
    other_company = make_user(Role.COMPANY, email="olga@company.example.eu")
    co_manager = make_user(Role.CLUSTER_MANAGER, email="bea@cluster.example.eu")
    with django_capture_on_commit_callbacks(execute=True):
        cluster = make_cluster(by=cluster_manager, name="Alice's Cluster")
        cluster_services.cluster_add_manager(
            cluster=cluster, email=co_manager.email, by=cluster_manager
        )
        make_cluster(by=other_cluster_manager, name="Charlie's Cluster")
        staff = commission_staff
        offers = SimpleNamespace(
            own_draft=make_offer(by=company_user, title="Bob's draft"),
            own_accepted=make_offer(
                by=company_user,
                title="Bob's accepted",
                status="accepted",
                staff=staff,
                registration_number="BE0123456789",
                price_indication="2 EUR a piece",
                delivery_countries=["IT"],
            ),
            others_draft=make_offer(by=other_company, title="Olga's draft"),
            under_review=make_offer(
                by=other_company, title="Olga's under review", status="under_review", staff=staff
            ),
            channelled_draft=make_offer(
                by=cluster_manager, cluster=cluster, title="Alice's channelled draft"
            ),
        )
        demand = make_demand(by=authority, title="Masks for Lombardy")
    return SimpleNamespace(
        offers=offers,
        demand=demand,
        cluster=cluster,
        actors={
            "company": company_user,
            "other_company": other_company,
            "channelling_manager": co_manager,
            "other_manager": other_cluster_manager,
            "authority": authority,
            "unverified_authority": unverified_authority,
            "staff": commission_staff,
            "anonymous": None,
        },
    )


def as_actor(api_client, world, actor):
    user = world.actors[actor]
    if user is not None:
        api_client.force_authenticate(user=user)
    return api_client


def expect(code, actor, table):
    """``table`` maps actors to a code; anonymous is always refused for lack of credentials."""
    assert code in (NO_CREDENTIALS if actor == "anonymous" else {table[actor]}), actor


def offer_payload(**overrides):
    return {
        "title": "FFP2 respirators from Ghent",
        "description": "Certified respirators, 50,000 a week.",
        "company_size": "sme",
        "category": "ppe-masks",
        "quantity": 20000,
        "unit": "pieces",
        "capacity_per_week": 50000,
        "lead_time_days": 5,
        "delivery_countries": ["IT", "BE"],
        "certifications": ["CE", "EN 149"],
        "price_indication": "1.20 EUR a piece",
        "registration_number": "BE0999999999",
        "valid_until": str(today() + datetime.timedelta(days=90)),
        "contact_name": "Jan Peeters",
        "contact_email": "jan@company.example.eu",
        "contact_phone": "+32 9 123 45 67",
    } | overrides


def demand_payload(**overrides):
    return {
        "title": "FFP2 masks for hospitals",
        "description": "For intensive care staff.",
        "category": "ppe-masks",
        "quantity": 10000,
        "unit": "pieces",
        "needed_by": str(today() + datetime.timedelta(days=10)),
        "country": "IT",
        "region": "Lombardy",
        "urgency": "critical",
        "certifications": ["EN 149"],
    } | overrides


def titles(response):
    return {row["title"] for row in response.json()["results"]}


# --- offers: reading ----------------------------------------------------------------------

OWN_DRAFT = (
    {"company": 200, "staff": 200}
    | dict.fromkeys(["other_company", "channelling_manager", "other_manager", "authority"], 404)
    | {"unverified_authority": 404}
)
CHANNELLED_DRAFT = {"channelling_manager": 200, "staff": 200} | dict.fromkeys(
    ["company", "other_company", "other_manager", "authority", "unverified_authority"], 404
)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_is_seen_by_its_poster_and_staff_only(api_client, world, actor):
    response = as_actor(api_client, world, actor).get(
        f"/api/v1/offers/{world.offers.own_draft.pk}/"
    )

    assert response.status_code == (404 if actor == "anonymous" else OWN_DRAFT[actor])


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_channelled_draft_is_seen_by_the_clusters_managers_and_staff(api_client, world, actor):
    offer = world.offers.channelled_draft
    response = as_actor(api_client, world, actor).get(f"/api/v1/offers/{offer.pk}/")

    assert response.status_code == (404 if actor == "anonymous" else CHANNELLED_DRAFT[actor])
    if response.status_code == 200:
        assert response.json()["cluster"] == world.cluster.pk


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_everyone_reads_an_accepted_offer(api_client, world, actor):
    response = as_actor(api_client, world, actor).get(
        f"/api/v1/offers/{world.offers.own_accepted.pk}/"
    )

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


LIST_CONTENTS = {
    "company": {"Bob's draft", "Bob's accepted"},
    "other_company": {"Bob's accepted", "Olga's draft", "Olga's under review"},
    "channelling_manager": {"Bob's accepted", "Alice's channelled draft"},
    "other_manager": {"Bob's accepted"},
    # Olga's offer under review matches Dora's demand.
    "authority": {"Bob's accepted", "Olga's under review"},
    "unverified_authority": {"Bob's accepted"},
    "staff": {
        "Bob's draft",
        "Bob's accepted",
        "Olga's draft",
        "Olga's under review",
        "Alice's channelled draft",
    },
    "anonymous": {"Bob's accepted"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_the_offer_list_holds_what_each_role_may_see(api_client, world, actor):
    response = as_actor(api_client, world, actor).get("/api/v1/offers/")

    assert response.status_code == 200
    assert titles(response) == LIST_CONTENTS[actor]


@pytest.mark.django_db
def test_the_offer_list_filters_by_status_and_category(api_client, world):
    api_client.force_authenticate(world.actors["staff"])

    by_status = api_client.get("/api/v1/offers/?status=draft&category=ppe")
    unknown = api_client.get("/api/v1/offers/?category=no-such-category")

    assert titles(by_status) == {"Bob's draft", "Olga's draft", "Alice's channelled draft"}
    assert unknown.status_code == 400
    assert "category" in unknown.json()


# --- confidential fields ------------------------------------------------------------------

# On an accepted offer channelled by Alice's cluster: who reads contact, and who the rest.
SEES = {
    "poster": "all",
    "channelling_manager": "all",
    "staff": "all",
    "company": "none",
    "other_manager": "none",
    "authority": "none",
    "unverified_authority": "none",
    "anonymous": "none",
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", list(SEES))
def test_confidential_fields_are_shown_to_insiders_only(
    api_client, world, cluster_manager, commission_staff, actor
):
    offer = make_offer(
        by=cluster_manager,
        cluster=world.cluster,
        status="accepted",
        staff=commission_staff,
        registration_number="FR123",
        price_indication="On request",
    )
    world.actors["poster"] = cluster_manager

    response = as_actor(api_client, world, actor).get(f"/api/v1/offers/{offer.pk}/")
    listed = next(
        r for r in api_client.get("/api/v1/offers/").json()["results"] if r["id"] == offer.pk
    )

    body = response.json()
    for row in (body, listed):
        if SEES[actor] == "all":
            assert row["contact_email"] == offer.contact_email
            assert row["registration_number"] == "FR123"
            assert row["price_indication"] == "On request"
        else:
            assert all(row[name] is None for name in CONFIDENTIAL), row
        assert row["company_name"] == offer.company_name  # not confidential


# --- offers: writing ----------------------------------------------------------------------

CREATE_OFFER = {
    "company": 201,
    "other_company": 201,
    "channelling_manager": 201,
    "other_manager": 400,  # names no cluster, which a cluster manager must
    "authority": 403,
    "unverified_authority": 403,
    "staff": 403,
}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_company_representatives_and_cluster_managers_post_offers(api_client, world, actor):
    before = Offer.objects.count()
    payload = offer_payload()
    if actor in ("channelling_manager", "other_manager"):
        payload |= {"company_name": "Member NV", "company_country": "BE"}
    if actor == "channelling_manager":
        payload["cluster"] = world.cluster.pk

    response = as_actor(api_client, world, actor).post("/api/v1/offers/", payload, format="json")

    expect(response.status_code, actor, CREATE_OFFER)
    assert Offer.objects.count() == before + (response.status_code == 201)
    if response.status_code == 201:
        body = response.json()
        assert body["status"] == "draft"
        assert body["submitted_at"] is None
        assert sorted(body["delivery_countries"]) == ["BE", "IT"]
        assert body["contact_email"] == "jan@company.example.eu"  # the poster sees it
    if actor == "other_manager":
        assert "cluster" in response.json()


@pytest.mark.django_db
def test_a_company_offer_defaults_to_the_posters_organisation(api_client, company_user):
    api_client.force_authenticate(company_user)

    response = api_client.post("/api/v1/offers/", offer_payload(), format="json")

    body = response.json()
    assert response.status_code == 201
    assert body["company_name"] == company_user.organisation.name
    assert body["company_country"] == "BE"
    assert body["cluster"] is None


@pytest.mark.django_db
def test_a_cluster_manager_cannot_channel_through_someone_elses_cluster(
    api_client, world, other_cluster_manager
):
    api_client.force_authenticate(other_cluster_manager)
    payload = offer_payload(
        company_name="Member NV", company_country="BE", cluster=world.cluster.pk
    )

    response = api_client.post("/api/v1/offers/", payload, format="json")

    assert response.status_code == 400
    assert "cluster" in response.json()
    assert not Offer.objects.filter(company_name="Member NV").exists()


EDIT_OWN_DRAFT = OWN_DRAFT | {"staff": 403}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_poster_edits_its_draft(api_client, world, actor):
    offer = world.offers.own_draft

    response = as_actor(api_client, world, actor).patch(
        f"/api/v1/offers/{offer.pk}/", {"title": "Changed"}, format="json"
    )

    expect(response.status_code, actor, EDIT_OWN_DRAFT)
    offer.refresh_from_db()
    assert (offer.title == "Changed") == (response.status_code == 200)


@pytest.mark.django_db
def test_a_cluster_co_manager_sees_but_does_not_edit_a_channelled_draft(api_client, world):
    offer = world.offers.channelled_draft
    api_client.force_authenticate(world.actors["channelling_manager"])

    response = api_client.patch(f"/api/v1/offers/{offer.pk}/", {"title": "X"}, format="json")

    assert response.status_code == 403


@pytest.mark.django_db
def test_the_poster_replaces_its_draft_with_put(api_client, world):
    offer = world.offers.own_draft
    api_client.force_authenticate(world.actors["company"])

    response = api_client.put(
        f"/api/v1/offers/{offer.pk}/", offer_payload(title="Replaced"), format="json"
    )

    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.title == "Replaced"
    assert sorted(str(c) for c in offer.delivery_countries) == ["BE", "IT"]


@pytest.mark.django_db
def test_a_submitted_offer_is_no_longer_editable(api_client, world):
    offer = world.offers.own_draft
    api_client.force_authenticate(world.actors["company"])
    api_client.post(f"/api/v1/offers/{offer.pk}/transitions/", {"to": "submitted"}, format="json")

    response = api_client.patch(f"/api/v1/offers/{offer.pk}/", {"title": "Late"}, format="json")

    assert response.status_code == 403


@pytest.mark.django_db
def test_offers_are_not_deleted_through_the_api(api_client, world):
    api_client.force_authenticate(world.actors["company"])

    response = api_client.delete(f"/api/v1/offers/{world.offers.own_draft.pk}/")

    assert response.status_code == 405
    assert Offer.objects.filter(pk=world.offers.own_draft.pk).exists()


# --- the lifecycle --------------------------------------------------------------------------


def transition(api_client, offer, to, note=""):
    return api_client.post(
        f"/api/v1/offers/{offer.pk}/transitions/", {"to": to, "note": note}, format="json"
    )


SUBMIT_OWN_DRAFT = OWN_DRAFT | {"company": 201, "staff": 403}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_poster_submits_its_draft(api_client, world, actor):
    offer = world.offers.own_draft

    response = transition(as_actor(api_client, world, actor), offer, "submitted")

    expect(response.status_code, actor, SUBMIT_OWN_DRAFT)
    offer.refresh_from_db()
    assert (offer.status == "submitted") == (response.status_code == 201)
    assert offer.transitions.count() == (response.status_code == 201)


REVIEW_SUBMITTED = {"company": 403, "staff": 201} | dict.fromkeys(
    ["other_company", "channelling_manager", "other_manager", "authority", "unverified_authority"],
    404,
)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_staff_move_an_offer_past_submitted(api_client, world, actor, company_user):
    offer = make_offer(by=company_user, status="submitted")

    response = transition(as_actor(api_client, world, actor), offer, "under_review")

    expect(response.status_code, actor, REVIEW_SUBMITTED)
    offer.refresh_from_db()
    assert (offer.status == "under_review") == (response.status_code == 201)


@pytest.mark.django_db
@pytest.mark.parametrize("to", ["accepted", "rejected", "duplicate", "needs_information"])
def test_the_poster_cannot_decide_on_its_own_offer(api_client, world, to):
    offer = world.offers.under_review
    api_client.force_authenticate(world.actors["other_company"])  # Olga, its poster

    response = transition(api_client, offer, to)

    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.status == "under_review"


@pytest.mark.django_db
def test_needs_information_round_trip(api_client, world, django_capture_on_commit_callbacks):
    offer = world.offers.under_review
    poster = world.actors["other_company"]
    staff = world.actors["staff"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        api_client.force_authenticate(staff)
        asked = transition(api_client, offer, "needs_information", "Add the EN 149 certificate.")
        api_client.force_authenticate(poster)
        edited = api_client.patch(
            f"/api/v1/offers/{offer.pk}/", {"certifications": ["EN 149"]}, format="json"
        )
        answered = transition(api_client, offer, "submitted", "Certificate added.")
        history = api_client.get(f"/api/v1/offers/{offer.pk}/transitions/")

    assert asked.status_code == 201
    assert asked.json()["to_status"] == "needs_information"
    assert edited.status_code == 200
    assert answered.status_code == 201
    steps = [(s["from_status"], s["to_status"], s["note"]) for s in history.json()]
    assert steps[-2:] == [
        ("under_review", "needs_information", "Add the EN 149 certificate."),
        ("needs_information", "submitted", "Certificate added."),
    ]
    assert history.json()[-2]["by"] == staff.get_full_name()
    assert len(mail.outbox) == 2 and mail.outbox[0].to == [poster.email]


HISTORY = {"channelling_manager": 200, "staff": 200} | dict.fromkeys(
    ["company", "other_company", "other_manager", "authority", "unverified_authority"], 403
)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_the_history_is_for_the_poster_its_cluster_and_staff(
    api_client, world, actor, cluster_manager, commission_staff
):
    offer = make_offer(
        by=cluster_manager, cluster=world.cluster, status="accepted", staff=commission_staff
    )

    response = as_actor(api_client, world, actor).get(f"/api/v1/offers/{offer.pk}/transitions/")

    expect(response.status_code, actor, HISTORY)
    if response.status_code == 200:
        assert [s["to_status"] for s in response.json()] == [
            "submitted",
            "under_review",
            "accepted",
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor", "to"),
    [("staff", "accepted"), ("company", "accepted"), ("company", "routed"), ("staff", "banana")],
)
def test_an_illegal_transition_is_refused_on_to(api_client, world, actor, to):
    offer = world.offers.own_draft

    response = transition(as_actor(api_client, world, actor), offer, to)

    assert response.status_code == 400
    assert "to" in response.json()
    offer.refresh_from_db()
    assert offer.status == "draft"
    assert not OfferTransition.objects.filter(offer=offer).exists()


# --- demand -------------------------------------------------------------------------------

CREATE_DEMAND = {"authority": 201, "staff": 201} | dict.fromkeys(
    ["company", "other_company", "channelling_manager", "other_manager", "unverified_authority"],
    403,
)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_verified_authorities_and_staff_publish_demand(api_client, world, actor):
    before = Demand.objects.count()
    payload = demand_payload()
    if actor == "staff":
        payload["authority"] = world.actors["authority"].pk

    response = as_actor(api_client, world, actor).post("/api/v1/demands/", payload, format="json")

    expect(response.status_code, actor, CREATE_DEMAND)
    assert Demand.objects.count() == before + (response.status_code == 201)
    if response.status_code == 201:
        body = response.json()
        assert body["status"] == "open"
        assert body["authority"] == world.actors["authority"].organisation.name
        assert body["certifications"] == ["EN 149"]
        assert Demand.objects.get(pk=body["id"]).authority == world.actors["authority"]


@pytest.mark.django_db
def test_staff_must_name_the_authority(api_client, world):
    api_client.force_authenticate(world.actors["staff"])
    before = Demand.objects.count()

    no_one = api_client.post("/api/v1/demands/", demand_payload(), format="json")
    a_company = api_client.post(
        "/api/v1/demands/", demand_payload(authority=world.actors["company"].pk), format="json"
    )

    assert no_one.status_code == 400 and "authority" in no_one.json()
    assert a_company.status_code == 400 and "authority" in a_company.json()
    assert Demand.objects.count() == before


EDIT_DEMAND = {"authority": 200, "staff": 200} | dict.fromkeys(
    ["company", "other_company", "channelling_manager", "other_manager", "unverified_authority"],
    403,
)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_demands_authority_and_staff_change_it(api_client, world, actor):
    demand = world.demand

    response = as_actor(api_client, world, actor).patch(
        f"/api/v1/demands/{demand.pk}/",
        {"quantity": 20000, "status": "partially_met"},
        format="json",
    )

    expect(response.status_code, actor, EDIT_DEMAND)
    demand.refresh_from_db()
    changed = response.status_code == 200
    assert (demand.quantity == 20000) == changed
    assert (demand.status == "partially_met") == changed


@pytest.mark.django_db
def test_another_authority_cannot_change_a_demand(api_client, world):
    other = make_user(Role.AUTHORITY, verified=True)
    api_client.force_authenticate(other)

    response = api_client.patch(
        f"/api/v1/demands/{world.demand.pk}/", {"title": "Mine now"}, format="json"
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_a_met_demand_cannot_reopen_and_leaves_the_public_list(api_client, world):
    api_client.force_authenticate(world.actors["authority"])
    url = f"/api/v1/demands/{world.demand.pk}/"

    met = api_client.patch(url, {"status": "met"}, format="json")
    reopened = api_client.patch(url, {"status": "open"}, format="json")
    api_client.force_authenticate(None)
    public = api_client.get("/api/v1/demands/")
    hidden = api_client.get(url)

    assert met.status_code == 200 and met.json()["status"] == "met"
    assert reopened.status_code == 400 and "status" in reopened.json()
    assert public.json()["results"] == []
    assert hidden.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_open_demand_is_public(api_client, world, actor):
    listed = as_actor(api_client, world, actor).get("/api/v1/demands/")
    one = api_client.get(f"/api/v1/demands/{world.demand.pk}/")

    assert titles(listed) == {"Masks for Lombardy"}
    assert one.status_code == 200
    assert one.json()["country"] == "IT"


# --- bad input ----------------------------------------------------------------------------

PAST = str(datetime.date(2020, 3, 1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": -5}, "quantity"),
        ({"category": "no-such-category"}, "category"),
        ({"company_country": "XX"}, "company_country"),
        ({"delivery_countries": ["IT", "ZZ"]}, "delivery_countries"),
        ({"valid_until": PAST}, "valid_until"),
        ({"contact_email": "not an address"}, "contact_email"),
        ({"company_size": "huge"}, "company_size"),
    ],
)
def test_bad_offer_input_is_refused_with_field_errors(api_client, company_user, overrides, field):
    api_client.force_authenticate(company_user)

    response = api_client.post("/api/v1/offers/", offer_payload(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Offer.objects.exists()


@pytest.mark.django_db
def test_a_bad_edit_leaves_the_offer_unchanged(api_client, world):
    offer = world.offers.own_draft
    api_client.force_authenticate(world.actors["company"])

    response = api_client.patch(
        f"/api/v1/offers/{offer.pk}/", {"title": "New", "quantity": -1}, format="json"
    )

    assert response.status_code == 400 and "quantity" in response.json()
    offer.refresh_from_db()
    assert offer.title == "Bob's draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"quantity": -5}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"needed_by": PAST}, "needed_by"),
        ({"category": "no-such-category"}, "category"),
        ({"country": "XX"}, "country"),
        ({"urgency": "whenever"}, "urgency"),
    ],
)
def test_bad_demand_input_is_refused_with_field_errors(api_client, authority, overrides, field):
    api_client.force_authenticate(authority)

    response = api_client.post("/api/v1/demands/", demand_payload(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_a_bad_demand_edit_changes_nothing(api_client, world):
    api_client.force_authenticate(world.actors["authority"])

    response = api_client.patch(
        f"/api/v1/demands/{world.demand.pk}/",
        {"needed_by": PAST, "status": "closed"},
        format="json",
    )

    assert response.status_code == 400 and "needed_by" in response.json()
    world.demand.refresh_from_db()
    assert world.demand.status == "open"


# --- matches and interest -----------------------------------------------------------------

SEES_DEMAND_MATCHES = {"authority": True, "staff": True}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_demands_matches_are_for_its_authority_and_staff(api_client, world, actor):
    response = as_actor(api_client, world, actor).get(f"/api/v1/demands/{world.demand.pk}/matches/")

    if actor == "anonymous":
        assert response.status_code in NO_CREDENTIALS
        return
    assert response.status_code == 200
    offers = {row["offer"]["title"] for row in response.json()["results"]}
    if SEES_DEMAND_MATCHES.get(actor):
        assert offers == {"Bob's accepted", "Olga's under review"}
    else:
        assert offers == set()


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_an_offers_matches_are_for_its_poster_and_staff(api_client, world, actor):
    offer = world.offers.own_accepted  # public: everyone sees the offer itself

    response = as_actor(api_client, world, actor).get(f"/api/v1/offers/{offer.pk}/matches/")

    if actor == "anonymous":
        assert response.status_code in NO_CREDENTIALS
        return
    assert response.status_code == 200
    demands = [row["demand"]["title"] for row in response.json()["results"]]
    assert demands == (["Masks for Lombardy"] if actor in ("company", "staff") else [])
    if demands:
        row = response.json()["results"][0]
        assert row["demand"]["authority"] == world.actors["authority"].organisation.name
        assert {p["part"] for p in row["parts"]} >= {"category", "delivery"}


@pytest.mark.django_db
def test_matches_of_an_invisible_offer_or_demand_are_404(api_client, world):
    api_client.force_authenticate(world.actors["authority"])

    draft = api_client.get(f"/api/v1/offers/{world.offers.own_draft.pk}/matches/")
    missing = api_client.get("/api/v1/demands/999999/matches/")

    assert draft.status_code == 404
    assert missing.status_code == 404


def interest(api_client, world, offer, note=""):
    return api_client.post(
        f"/api/v1/demands/{world.demand.pk}/matches/{offer.pk}/interest/",
        {"note": note},
        format="json",
    )


INTEREST = {"authority": 201, "staff": 201} | dict.fromkeys(
    ["company", "other_company", "channelling_manager", "other_manager", "unverified_authority"],
    403,
)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_demands_authority_expresses_interest(api_client, world, actor):
    """Staff may act for the authority (the service allows it, as for posting demand)."""
    offer = world.offers.own_accepted

    response = interest(as_actor(api_client, world, actor), world, offer)

    expect(response.status_code, actor, INTEREST)
    assert Interest.objects.filter(demand=world.demand, offer=offer).exists() == (
        response.status_code == 201
    )


@pytest.mark.django_db
def test_contact_details_stay_hidden_until_interest_is_expressed(
    api_client, world, django_capture_on_commit_callbacks
):
    offer = world.offers.own_accepted
    api_client.force_authenticate(world.actors["authority"])
    matches_url = f"/api/v1/demands/{world.demand.pk}/matches/"

    def matched():
        rows = api_client.get(matches_url).json()["results"]
        return next(row["offer"] for row in rows if row["offer"]["id"] == offer.pk)

    detail_before = api_client.get(f"/api/v1/offers/{offer.pk}/").json()
    match_before = matched()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = interest(api_client, world, offer, "We need them next week.")
    detail_after = api_client.get(f"/api/v1/offers/{offer.pk}/").json()
    match_after = matched()

    assert all(detail_before[name] is None for name in CONFIDENTIAL)
    assert match_before["contact"] is None
    assert response.status_code == 201
    assert response.json()["offer"]["contact"]["email"] == offer.contact_email
    assert match_after["contact"] == {
        "name": offer.contact_name,
        "email": offer.contact_email,
        "phone": offer.contact_phone,
    }
    assert detail_after["contact_email"] == offer.contact_email
    # Interest opens the contact, never the price or registration number.
    assert detail_after["price_indication"] is None
    assert detail_after["registration_number"] is None
    # Both sides are told.
    recipients = {address for message in mail.outbox for address in message.to}
    assert {offer.contact_email, world.actors["company"].email} <= recipients
    assert world.actors["authority"].email in recipients


@pytest.mark.django_db
def test_interest_in_an_unmatched_offer_is_refused(api_client, world, company_user):
    unmatched = make_offer(
        by=company_user, status="accepted", category=_category("ppe-gloves"), title="Gloves"
    )
    api_client.force_authenticate(world.actors["authority"])

    gloves = interest(api_client, world, unmatched)
    draft = interest(api_client, world, world.offers.own_draft)

    assert gloves.status_code == 400 and "offer" in gloves.json()
    assert draft.status_code == 404
    assert not Interest.objects.exists()


def _category(slug):
    from portal.core.models import Category

    return Category.objects.get(slug=slug)


# --- the acceptance case: matching through the API ----------------------------------------


@pytest.mark.django_db
def test_a_demand_ranks_the_offer_that_delivers_in_time_to_its_country_first(
    api_client, company_user, authority, commission_staff, django_capture_on_commit_callbacks
):
    common = {"status": "accepted", "staff": commission_staff, "certifications": ["CE", "EN 149"]}
    with django_capture_on_commit_callbacks(execute=True):
        best = make_offer(
            by=company_user, title="FFP2 to Italy in 5 days", delivery_countries=["IT"],
            lead_time_days=5, **common,
        )  # fmt: skip
        portugal = make_offer(
            by=company_user, title="FFP2 to Portugal only", delivery_countries=["PT"],
            lead_time_days=5, **common,
        )  # fmt: skip
        slow = make_offer(
            by=company_user, title="FFP2 to Italy in 30 days", delivery_countries=["IT"],
            lead_time_days=30, **common,
        )  # fmt: skip
    api_client.force_authenticate(authority)
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(
            "/api/v1/demands/",
            demand_payload(title="10,000 FFP2 masks for Italy", quantity=10000),
            format="json",
        )

    response = api_client.get(f"/api/v1/demands/{created.json()['id']}/matches/")

    rows = response.json()["results"]
    ranked = [row["offer"]["id"] for row in rows]
    scores = {row["offer"]["id"]: row["score"] for row in rows}
    assert ranked[0] == best.pk
    assert scores[best.pk] > scores[portugal.pk]
    assert scores[best.pk] > scores[slow.pk]
    assert scores[best.pk] == 100
    parts = {p["part"]: p for p in rows[0]["parts"]}
    assert set(parts) == {"category", "quantity", "delivery", "lead_time", "certifications"}
    assert all(p["points"] == p["max"] and p["reason"] for p in parts.values())
    by_offer = {row["offer"]["id"]: {p["part"]: p for p in row["parts"]} for row in rows}
    assert by_offer[portugal.pk]["delivery"]["points"] == 0
    assert by_offer[slow.pk]["lead_time"]["points"] < by_offer[slow.pk]["lead_time"]["max"]
    assert rows[0]["offer"]["contact"] is None


# --- query budgets --------------------------------------------------------------------------


@pytest.fixture
def crowd(db, cluster_manager, company_user, authority, commission_staff):
    """``n`` accepted offers, half of them channelled by a cluster a co-manager helps run,
    all matched to one demand, and ``n`` other demands."""

    def populate(n, capture):
        cluster = make_cluster(by=cluster_manager)
        co_manager = make_user(Role.CLUSTER_MANAGER)
        cluster_services.cluster_add_manager(
            cluster=cluster, email=co_manager.email, by=cluster_manager
        )
        for i in range(n):
            if i % 2:
                make_offer(by=cluster_manager, cluster=cluster, status="accepted",
                           staff=commission_staff)  # fmt: skip
            else:
                make_offer(by=company_user, status="accepted", staff=commission_staff)
            make_demand(by=authority, title=f"Demand {i}")
        with capture(execute=True):
            demand = make_demand(by=authority, title="The matched one")
        return SimpleNamespace(co_manager=co_manager, demand=demand)

    return populate


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 50])
def test_the_offer_list_runs_a_fixed_number_of_queries(
    api_client, crowd, django_assert_max_num_queries, django_capture_on_commit_callbacks, n
):
    world = crowd(n, django_capture_on_commit_callbacks)
    api_client.force_authenticate(world.co_manager)

    # count, page, attachments, the managed clusters, interest shown
    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/offers/")

    assert len(response.json()["results"]) == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 50])
def test_the_demand_list_runs_a_fixed_number_of_queries(
    api_client, crowd, django_assert_max_num_queries, django_capture_on_commit_callbacks, n
):
    crowd(n, django_capture_on_commit_callbacks)

    # count, page
    with django_assert_max_num_queries(2):
        response = api_client.get("/api/v1/demands/?page=1")

    assert len(response.json()["results"]) == min(n + 1, 50)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 50])
def test_the_demand_matches_run_a_fixed_number_of_queries(
    api_client,
    crowd,
    authority,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    n,
):
    world = crowd(n, django_capture_on_commit_callbacks)
    api_client.force_authenticate(authority)
    url = f"/api/v1/demands/{world.demand.pk}/matches/"

    # the demand, count, page, the channelling clusters' managers, interest shown
    with django_assert_max_num_queries(5):
        response = api_client.get(url)

    assert len(response.json()["results"]) == n


@pytest.mark.django_db
def test_a_refused_status_change_undoes_the_field_changes_sent_with_it(api_client, world):
    api_client.force_authenticate(world.actors["authority"])
    url = f"/api/v1/demands/{world.demand.pk}/"
    api_client.patch(url, {"status": "closed"}, format="json")

    response = api_client.patch(url, {"title": "Reopened", "status": "open"}, format="json")

    assert response.status_code == 400 and "status" in response.json()
    world.demand.refresh_from_db()
    assert (world.demand.title, world.demand.status) == ("Masks for Lombardy", "closed")
