"""The clusters API: who may do what (status code and database state), bad input, query
budgets, history, and the docs page."""

import io
import itertools
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from clusters import services
from clusters.api import views as api
from clusters.models import Cluster, ProfileChange, Project
from portal.accounts.roles import Role
from portal.core.models import Category, Ecosystem
from tests.clusters.factories import make_cluster, make_project
from tests.factories import make_user

ACTORS = ["owner", "co_manager", "other_manager", "company", "authority", "staff", "anonymous"]
NO_CREDENTIALS = {401, 403}  # session + token auth: DRF answers 403 without credentials


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Each test makes six accounts; the production hasher would spend a second on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(cluster_manager, other_cluster_manager, company_user, authority, commission_staff):
    """Alice (owner) made a published and a draft cluster and invited Bea to co-manage
    both; Charlie manages a cluster of his own; each project is coordinated by Alice's
    published cluster with Charlie's as a partner."""
    co_manager = make_user(Role.CLUSTER_MANAGER, email="bea@cluster.example.eu")
    published = make_cluster(by=cluster_manager, name="Published Cluster")
    draft = make_cluster(by=cluster_manager, name="Draft Cluster", status="draft")
    for cluster in (published, draft):
        services.cluster_add_manager(cluster=cluster, email=co_manager.email, by=cluster_manager)
    others = make_cluster(by=other_cluster_manager, name="Charlie's Cluster")
    return SimpleNamespace(
        published=published,
        draft=draft,
        others=others,
        actors={
            "owner": cluster_manager,
            "co_manager": co_manager,
            "other_manager": other_cluster_manager,
            "company": company_user,
            "authority": authority,
            "staff": commission_staff,
            "anonymous": None,
        },
    )


@pytest.fixture
def projects(world):
    owner = world.actors["owner"]
    return SimpleNamespace(
        published=make_project(
            by=owner, coordinator=world.published, partners=[world.others], title="Open Project"
        ),
        draft=make_project(
            by=owner,
            coordinator=world.published,
            partners=[world.others],
            title="Draft Project",
            status="draft",
        ),
    )


def as_actor(api_client, world, actor):
    user = world.actors[actor]
    if user is not None:
        api_client.force_authenticate(user=user)
    return api_client


def expect(code, actor, table):
    """``table`` maps actors to a code; anonymous is always refused for lack of credentials."""
    assert code in (NO_CREDENTIALS if actor == "anonymous" else {table[actor]}), actor


def cluster_payload(**overrides):
    return {
        "name": "Lyon Photonics",
        "acronym": "LYP",
        "description": "Optics and photonics companies around Lyon.",
        "country": "FR",
        "region": "Auvergne-Rhône-Alpes",
        "city": "Lyon",
        "latitude": 45.764,
        "longitude": 4.8357,
        "ecosystems": ["digital", "electronics"],
        "sectors": ["Photonics"],
        "members_total": 120,
        "members_sme": 90,
        "status": "published",
    } | overrides


# --- clusters: the role matrix ----------------------------------------------------------

SEE_DRAFT = {"owner": 200, "co_manager": 200, "staff": 200} | dict.fromkeys(
    ["other_manager", "company", "authority", "anonymous"], 404
)
CREATE_CLUSTER = {"owner": 201, "co_manager": 201, "other_manager": 201, "staff": 201} | {
    "company": 403,
    "authority": 403,
}
CHANGE_PUBLISHED = {"owner": 200, "co_manager": 200, "staff": 200} | dict.fromkeys(
    ["other_manager", "company", "authority"], 403
)
DELETE_PUBLISHED = {actor: 204 if code == 200 else code for actor, code in CHANGE_PUBLISHED.items()}
# An invisible draft is 404 for writes too; those who see it may change it.
CHANGE_DRAFT = {actor: 200 if code == 200 else 404 for actor, code in SEE_DRAFT.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_everyone_reads_a_published_cluster(api_client, world, actor):
    response = as_actor(api_client, world, actor).get(f"/api/v1/clusters/{world.published.pk}/")

    assert response.status_code == 200
    assert response.json()["name"] == "Published Cluster"


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_cluster_is_visible_to_its_managers_and_staff_only(api_client, world, actor):
    response = as_actor(api_client, world, actor).get(f"/api/v1/clusters/{world.draft.pk}/")

    assert response.status_code == SEE_DRAFT[actor]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_cluster_managers_and_staff_create_clusters(api_client, world, actor):
    before = Cluster.objects.count()

    response = as_actor(api_client, world, actor).post(
        "/api/v1/clusters/", cluster_payload(), format="json"
    )

    expect(response.status_code, actor, CREATE_CLUSTER)
    created = Cluster.objects.filter(name="Lyon Photonics")
    if response.status_code == 201:
        cluster = created.get()
        assert response.json()["id"] == cluster.pk
        user = world.actors[actor]
        # A manager becomes the cluster's manager; staff create without managing it.
        assert list(cluster.managers.all()) == ([] if actor == "staff" else [user])
    else:
        assert not created.exists()
        assert Cluster.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_managers_and_staff_edit_a_published_cluster(api_client, world, actor):
    history = ProfileChange.objects.count()

    response = as_actor(api_client, world, actor).patch(
        f"/api/v1/clusters/{world.published.pk}/", {"name": "Renamed"}, format="json"
    )

    expect(response.status_code, actor, CHANGE_PUBLISHED)
    world.published.refresh_from_db()
    if response.status_code == 200:
        assert world.published.name == "Renamed"
        assert response.json()["name"] == "Renamed"
    else:
        assert world.published.name == "Published Cluster"
        assert ProfileChange.objects.count() == history


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_someone_may_not_see_is_404_to_edit(api_client, world, actor):
    response = as_actor(api_client, world, actor).patch(
        f"/api/v1/clusters/{world.draft.pk}/", {"name": "Renamed"}, format="json"
    )

    expect(response.status_code, actor, CHANGE_DRAFT)
    world.draft.refresh_from_db()
    assert world.draft.name == ("Renamed" if response.status_code == 200 else "Draft Cluster")


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_managers_and_staff_delete_a_cluster(api_client, world, actor):
    response = as_actor(api_client, world, actor).delete(f"/api/v1/clusters/{world.published.pk}/")

    expect(response.status_code, actor, DELETE_PUBLISHED)
    assert Cluster.objects.filter(pk=world.published.pk).exists() == (response.status_code != 204)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_someone_may_not_see_is_404_to_delete(api_client, world, actor):
    response = as_actor(api_client, world, actor).delete(f"/api/v1/clusters/{world.draft.pk}/")

    expect(
        response.status_code, actor, {a: 204 if c == 200 else c for a, c in CHANGE_DRAFT.items()}
    )
    assert Cluster.objects.filter(pk=world.draft.pk).exists() == (response.status_code != 204)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["other_manager", "company"])
def test_someone_who_may_not_edit_gets_403_even_for_invalid_data(api_client, world, actor):
    """Permission is checked before the input, so a refusal does not depend on the body."""
    response = as_actor(api_client, world, actor).patch(
        f"/api/v1/clusters/{world.published.pk}/", {"latitude": 91}, format="json"
    )

    assert response.status_code == 403


@pytest.mark.django_db
def test_put_replaces_the_profile(api_client, world):
    api_client.force_authenticate(world.actors["owner"])

    response = api_client.put(
        f"/api/v1/clusters/{world.published.pk}/", cluster_payload(name="Put"), format="json"
    )

    assert response.status_code == 200, response.json()
    world.published.refresh_from_db()
    assert (world.published.name, str(world.published.country)) == ("Put", "FR")
    assert sorted(world.published.ecosystems.values_list("slug", flat=True)) == [
        "digital",
        "electronics",
    ]


@pytest.mark.django_db
def test_a_cluster_that_coordinates_a_project_is_not_deleted(api_client, world, projects):
    api_client.force_authenticate(world.actors["owner"])

    response = api_client.delete(f"/api/v1/clusters/{world.published.pk}/")

    assert response.status_code == 400
    assert "Open Project" in response.json()["non_field_errors"][0]
    assert Cluster.objects.filter(pk=world.published.pk).exists()


# --- clusters: fields, lists, filters ----------------------------------------------------


@pytest.mark.django_db
def test_a_cluster_reads_with_slugs_tags_and_both_urls(api_client, world):
    api_client.force_authenticate(world.actors["owner"])
    created = api_client.post(
        "/api/v1/clusters/",
        cluster_payload(response_categories=["ppe-masks"], technologies=["Lasers"]),
        format="json",
    ).json()

    body = api_client.get(f"/api/v1/clusters/{created['id']}/").json()

    assert body["url"] == f"http://testserver/api/v1/clusters/{created['id']}/"
    assert body["page_url"] == f"http://testserver/clusters/{created['id']}/"
    assert body["ecosystems"] == ["digital", "electronics"]
    assert (body["sectors"], body["technologies"], body["value_chains"]) == (
        ["Photonics"],
        ["Lasers"],
        [],
    )
    assert body["response_categories"] == ["ppe-masks"]
    assert (body["country"], body["latitude"], body["longitude"]) == ("FR", 45.764, 4.8357)
    assert (body["status"], body["logo_url"]) == ("published", None)
    assert {"created_at", "updated_at", "label", "members_sme"} <= set(body)


@pytest.mark.django_db
def test_logo_url_points_to_the_page_logo_when_there_is_one(
    api_client, cluster_manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(image, format="PNG")
    cluster = make_cluster(by=cluster_manager, logo=ContentFile(image.getvalue(), name="l.png"))

    body = api_client.get(f"/api/v1/clusters/{cluster.pk}/").json()

    assert body["logo_url"] == f"http://testserver/clusters/{cluster.pk}/logo/"


@pytest.mark.django_db
def test_the_list_shows_published_clusters_only_even_to_their_managers(api_client, world):
    api_client.force_authenticate(world.actors["owner"])

    body = api_client.get("/api/v1/clusters/").json()

    assert [c["name"] for c in body["results"]] == ["Charlie's Cluster", "Published Cluster"]
    assert body["count"] == 2


@pytest.mark.django_db
def test_the_list_honours_the_directory_filters(api_client, cluster_manager):
    digital = list(Ecosystem.objects.filter(slug="digital"))
    make_cluster(by=cluster_manager, name="Paris Digital", country="FR", ecosystems=digital)
    make_cluster(by=cluster_manager, name="Paris Health", country="FR", sectors=["Robotics"])
    make_cluster(by=cluster_manager, name="Ghent Health", country="BE")

    def names(query):
        response = api_client.get(f"/api/v1/clusters/?{query}")
        assert response.status_code == 200, response.json()
        return [c["name"] for c in response.json()["results"]]

    assert names("country=FR") == ["Paris Digital", "Paris Health"]
    assert names("country=FR&country=BE") == ["Ghent Health", "Paris Digital", "Paris Health"]
    assert names("ecosystem=digital") == ["Paris Digital"]
    assert names("ecosystem=digital&ecosystem=health&country=FR") == [
        "Paris Digital",
        "Paris Health",
    ]
    assert names("q=robot") == ["Paris Health"]
    assert names("sort=-name") == ["Paris Health", "Paris Digital", "Ghent Health"]


@pytest.mark.django_db
def test_an_unknown_filter_value_is_400(api_client):
    response = api_client.get("/api/v1/clusters/?ecosystem=no-such-ecosystem")

    assert response.status_code == 400
    assert "ecosystem" in response.json()


@pytest.mark.django_db
def test_the_list_is_paginated(api_client, cluster_manager, monkeypatch):
    monkeypatch.setattr(api.DirectoryPagination, "page_size", 2)
    for _ in range(3):
        make_cluster(by=cluster_manager)

    first = api_client.get("/api/v1/clusters/").json()
    second = api_client.get("/api/v1/clusters/?page=2").json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (3, 2, 1)
    assert first["next"].endswith("?page=2") and second["next"] is None


@pytest.mark.django_db
def test_html_in_a_description_comes_back_verbatim(api_client, cluster_manager):
    cluster = make_cluster(by=cluster_manager, description="<script>alert(1)</script> & co")

    body = api_client.get(f"/api/v1/clusters/{cluster.pk}/").json()

    assert body["description"] == "<script>alert(1)</script> & co"


# --- clusters: bad input ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"latitude": 50, "longitude": None}, "longitude"),
        ({"members_total": 10, "members_sme": 11}, "members_sme"),
        ({"ecosystems": ["health", "no-such-ecosystem"]}, "ecosystems"),
        ({"ecosystems": []}, "ecosystems"),
        ({"country": "XX"}, "country"),
        ({"label": "gold"}, "label_date"),
        ({"status": "archived"}, "status"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_cluster_input_is_400_on_the_field_and_nothing_is_saved(
    api_client, cluster_manager, overrides, field
):
    api_client.force_authenticate(cluster_manager)

    response = api_client.post("/api/v1/clusters/", cluster_payload(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Cluster.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [({"latitude": 91}, "latitude"), ({"members_total": 1, "members_sme": 2}, "members_sme")],
)
def test_a_bad_edit_is_400_and_changes_nothing(api_client, world, data, field):
    api_client.force_authenticate(world.actors["owner"])
    history = ProfileChange.objects.count()

    response = api_client.patch(f"/api/v1/clusters/{world.published.pk}/", data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    world.published.refresh_from_db()
    assert (float(world.published.latitude), world.published.members_total) == (51.05, None)
    assert ProfileChange.objects.count() == history


@pytest.mark.django_db
def test_coordinates_finer_than_a_metre_are_rounded_not_refused(api_client, cluster_manager):
    api_client.force_authenticate(cluster_manager)

    response = api_client.post(
        "/api/v1/clusters/",
        cluster_payload(latitude=45.7640123, longitude=4.8356789),
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert (response.json()["latitude"], response.json()["longitude"]) == (45.76401, 4.83568)


# --- history ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_through_the_api_is_recorded_with_its_author(api_client, world):
    api_client.force_authenticate(world.actors["co_manager"])

    api_client.patch(
        f"/api/v1/clusters/{world.published.pk}/",
        {"city": "Antwerp", "ecosystems": ["digital"]},
        format="json",
    )

    change = ProfileChange.objects.filter(cluster=world.published).first()
    assert change.action == ProfileChange.Action.UPDATED
    assert change.author == world.actors["co_manager"]
    assert change.changes == {"city": ["Ghent", "Antwerp"], "ecosystems": [["Health"], ["Digital"]]}


@pytest.mark.django_db
def test_a_project_edit_through_the_api_is_recorded_with_its_author(api_client, world, projects):
    api_client.force_authenticate(world.actors["staff"])

    api_client.patch(
        f"/api/v1/projects/{projects.published.pk}/",
        {"programme": "cluster-excellence-programme"},
        format="json",
    )

    change = ProfileChange.objects.filter(project=projects.published).first()
    assert (change.action, change.author) == (ProfileChange.Action.UPDATED, world.actors["staff"])
    assert change.changes == {"programme": ["Euroclusters", "Cluster Excellence Programme"]}


# --- projects: the role matrix ----------------------------------------------------------

# Creating a project coordinated by Alice's cluster: Charlie may create projects, but not
# for a cluster he does not manage (a field error on partners, not a 403).
CREATE_PROJECT = {"owner": 201, "co_manager": 201, "staff": 201, "other_manager": 400} | {
    "company": 403,
    "authority": 403,
}


def project_payload(coordinator, **overrides):
    return {
        "title": "Masks for Europe",
        "acronym": "M4E",
        "description": "Cluster partners retool lines to make FFP2 masks.",
        "programme": "cluster-excellence-programme",
        "partners": [{"cluster": coordinator.pk, "role": "coordinator"}],
        "start_date": "2020-04-01",
        "end_date": "2021-03-31",
        "budget": "250000.00",
        "ecosystems": ["health", "textile"],
        "status": "published",
    } | overrides


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_everyone_reads_a_published_project(api_client, world, projects, actor):
    response = as_actor(api_client, world, actor).get(f"/api/v1/projects/{projects.published.pk}/")

    assert response.status_code == 200
    assert response.json()["partners"] == [
        {"cluster": world.published.pk, "role": "coordinator"},
        {"cluster": world.others.pk, "role": "partner"},
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_project_is_visible_to_the_coordinators_and_staff_only(
    api_client, world, projects, actor
):
    response = as_actor(api_client, world, actor).get(f"/api/v1/projects/{projects.draft.pk}/")

    # Charlie's cluster is a partner, not the coordinator: the draft is not his to see.
    assert response.status_code == SEE_DRAFT[actor]


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_projects_are_created_by_managers_of_the_coordinating_cluster(
    api_client, world, projects, actor
):
    before = Project.objects.count()

    response = as_actor(api_client, world, actor).post(
        "/api/v1/projects/", project_payload(world.published), format="json"
    )

    expect(response.status_code, actor, CREATE_PROJECT)
    created = Project.objects.filter(title="Masks for Europe")
    if response.status_code == 201:
        project = created.get()
        assert response.json()["id"] == project.pk
        assert list(project.partnerships.values_list("cluster", "role")) == [
            (world.published.pk, "coordinator")
        ]
    else:
        assert not created.exists()
        assert Project.objects.count() == before
    if response.status_code == 400:
        assert "partners" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_coordinators_and_staff_edit_a_project(api_client, world, projects, actor):
    history = ProfileChange.objects.count()

    response = as_actor(api_client, world, actor).patch(
        f"/api/v1/projects/{projects.published.pk}/", {"title": "Renamed"}, format="json"
    )

    expect(response.status_code, actor, CHANGE_PUBLISHED)
    projects.published.refresh_from_db()
    if response.status_code == 200:
        assert projects.published.title == "Renamed"
    else:
        assert projects.published.title == "Open Project"
        assert ProfileChange.objects.count() == history


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_a_draft_project_someone_may_not_see_is_404_to_edit(api_client, world, projects, actor):
    response = as_actor(api_client, world, actor).patch(
        f"/api/v1/projects/{projects.draft.pk}/", {"title": "Renamed"}, format="json"
    )

    expect(response.status_code, actor, CHANGE_DRAFT)
    projects.draft.refresh_from_db()
    assert projects.draft.title == ("Renamed" if response.status_code == 200 else "Draft Project")


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_only_the_coordinators_and_staff_delete_a_project(api_client, world, projects, actor):
    response = as_actor(api_client, world, actor).delete(
        f"/api/v1/projects/{projects.published.pk}/"
    )

    expect(response.status_code, actor, DELETE_PUBLISHED)
    exists = Project.objects.filter(pk=projects.published.pk).exists()
    assert exists == (response.status_code != 204)


# --- projects: fields and bad input -----------------------------------------------------


@pytest.mark.django_db
def test_partners_can_be_replaced_through_the_api(api_client, world, projects):
    api_client.force_authenticate(world.actors["owner"])
    third = make_cluster(by=world.actors["owner"], name="Third")

    response = api_client.patch(
        f"/api/v1/projects/{projects.published.pk}/",
        {
            "partners": [
                {"cluster": world.published.pk, "role": "coordinator"},
                {"cluster": third.pk, "role": "partner"},
            ]
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert {p["cluster"] for p in response.json()["partners"]} == {world.published.pk, third.pk}
    assert set(projects.published.clusters.all()) == {world.published, third}


def _partners(*rows):
    """Partner rows by name: "own" is Alice's published cluster, "charlie" Charlie's,
    "charlies_draft" a draft Alice may not see."""
    return lambda w: {"partners": [{"cluster": w[name], "role": role} for name, role in rows]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (lambda w: {"start_date": "2021-01-01", "end_date": "2020-12-31"}, "end_date"),
        (lambda w: {"ecosystems": ["no-such-ecosystem"]}, "ecosystems"),
        (lambda w: {"budget": "-1"}, "budget"),
        (_partners(), "partners"),
        (_partners(("own", "coordinator"), ("charlie", "coordinator")), "partners"),
        (_partners(("own", "coordinator"), ("own", "partner")), "partners"),
        (_partners(("own", "coordinator"), ("charlies_draft", "partner")), "partners"),
        (_partners(("own", "coordinator"), ("unknown", "partner")), "partners"),
        (_partners(("own", "chair")), "partners"),
        (_partners(("charlie", "coordinator")), "partners"),
    ],
    ids=[
        "end-before-start",
        "unknown-ecosystem",
        "negative-budget",
        "no-partners",
        "two-coordinators",
        "listed-twice",
        "invisible-draft-partner",
        "unknown-cluster-id",
        "unknown-role",
        "coordinator-not-yours",
    ],
)
def test_bad_project_input_is_400_on_the_field_and_nothing_is_saved(
    api_client, world, other_cluster_manager, overrides, field
):
    ids = {
        "own": world.published.pk,
        "charlie": world.others.pk,
        "charlies_draft": make_cluster(by=other_cluster_manager, status="draft").pk,
        "unknown": 999_999,
    }
    api_client.force_authenticate(world.actors["owner"])

    response = api_client.post(
        "/api/v1/projects/", project_payload(world.published, **overrides(ids)), format="json"
    )

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_project_edit_with_the_end_before_the_start_changes_nothing(api_client, world, projects):
    api_client.force_authenticate(world.actors["owner"])

    response = api_client.patch(
        f"/api/v1/projects/{projects.published.pk}/",
        {"start_date": "2021-01-01", "end_date": "2020-12-31"},
        format="json",
    )

    assert response.status_code == 400
    assert "end_date" in response.json()
    projects.published.refresh_from_db()
    assert projects.published.start_date is None


@pytest.mark.django_db
def test_the_project_list_honours_filters(api_client, world, projects):
    make_project(by=world.actors["other_manager"], coordinator=world.others, title="Charlie's Own")

    def titles(query):
        return sorted(
            p["title"] for p in api_client.get(f"/api/v1/projects/?{query}").json()["results"]
        )

    assert titles("") == ["Charlie's Own", "Open Project"]
    assert titles(f"cluster={world.published.pk}") == ["Open Project"]
    assert titles("q=charlie") == ["Charlie's Own"]


# --- query budgets ----------------------------------------------------------------------


def _populate(owner, n):
    ppe = Category.objects.get(slug="ppe-masks")
    clusters = [
        make_cluster(by=owner, sectors=["Textiles"], response_categories=[ppe]) for _ in range(n)
    ]
    for coordinator, partner in itertools.pairwise(clusters):
        make_project(by=owner, coordinator=coordinator, partners=[partner])


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 50])
def test_the_cluster_list_runs_a_fixed_number_of_queries(
    api_client, cluster_manager, django_assert_max_num_queries, n
):
    _populate(cluster_manager, n)

    # count, page, and one prefetch each for ecosystems, three tag kinds, categories
    with django_assert_max_num_queries(7):
        response = api_client.get("/api/v1/clusters/")

    assert len(response.json()["results"]) == n


@pytest.mark.django_db
@pytest.mark.parametrize("n", [5, 50])
def test_the_project_list_runs_a_fixed_number_of_queries(
    api_client, cluster_manager, django_assert_max_num_queries, n
):
    _populate(cluster_manager, n)

    # count, page, ecosystems, partnerships with their clusters
    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/projects/")

    assert len(response.json()["results"]) == n - 1


# --- the docs page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_docs_page_is_public_and_loads_nothing_from_a_cdn(client):
    page = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs"):
        assert cdn not in html
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


@pytest.mark.django_db
def test_the_schema_describes_the_clusters_api(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/clusters/", "/api/v1/clusters/{id}/", "/api/v1/clusters/map/"} <= set(paths)
    assert {"/api/v1/projects/", "/api/v1/projects/{id}/"} <= set(paths)
