"""The HTML pages of clusters and projects: who may do what, the directory, history, managers.

The matrix runs every role (owner, co-manager, another cluster's manager, company, public
authority, Commission staff, superuser, anonymous) through view, create, edit and delete,
and checks both the answer and what the database holds afterwards.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from clusters import services
from clusters.models import Cluster, ClusterManager, ProfileChange, ProfileStatus, Project, Tag
from funding.models import Programme
from portal.accounts.roles import Role
from portal.core.models import Category, Ecosystem
from tests.clusters.factories import make_cluster, make_project
from tests.factories import make_user

ROLES = ["owner", "co_manager", "other_manager", "company", "authority", "staff", "superuser"]
ALL_ROLES = [*ROLES, "anonymous"]
EDITORS = {"owner", "co_manager", "staff", "superuser"}
CREATORS = {"owner", "co_manager", "other_manager", "staff", "superuser"}


@pytest.fixture(autouse=True)
def fast_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The world holds eight accounts; hashing their passwords properly is most of the time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    users: dict[str, Any]
    cluster: Cluster  # published, managed by owner and co-manager
    draft_cluster: Cluster  # draft, same managers
    other_cluster: Cluster  # published, managed by the other manager
    project: Project  # published, coordinated by cluster, other_cluster a partner
    draft_project: Project


@pytest.fixture
def world(
    cluster_manager, other_cluster_manager, company_user, authority, commission_staff, superuser
) -> World:
    owner = cluster_manager
    co_manager = make_user(Role.CLUSTER_MANAGER, email="bella@cluster.example.eu")
    cluster = make_cluster(by=owner, name="Owner Cluster")
    draft_cluster = make_cluster(by=owner, name="Owner Draft Cluster", status=ProfileStatus.DRAFT)
    for c in (cluster, draft_cluster):
        services.cluster_add_manager(cluster=c, email=co_manager.email, by=owner)
    other_cluster = make_cluster(by=other_cluster_manager, name="Other Cluster")
    project = make_project(
        by=owner, coordinator=cluster, partners=[other_cluster], title="Shared Project"
    )
    draft_project = make_project(
        by=owner,
        coordinator=cluster,
        partners=[other_cluster],
        title="Draft Project",
        status=ProfileStatus.DRAFT,
    )
    users = {
        "owner": owner,
        "co_manager": co_manager,
        "other_manager": other_cluster_manager,
        "company": company_user,
        "authority": authority,
        "staff": commission_staff,
        "superuser": superuser,
        "anonymous": None,
    }
    return World(users, cluster, draft_cluster, other_cluster, project, draft_project)


def client_for(client, world: World, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def health() -> Ecosystem:
    return Ecosystem.objects.get(slug="health")


def cluster_form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Posted Cluster",
        "acronym": "PC",
        "description": "Posted through the form.",
        "website": "",
        "country": "FR",
        "region": "Occitanie",
        "city": "Toulouse",
        "latitude": "43.60465",
        "longitude": "1.44421",
        "ecosystems": [health().pk],
        "sectors": "Aviation, Space",
        "technologies": "",
        "value_chains": "",
        "members_total": "100",
        "members_sme": "60",
        "members_large": "",
        "members_research": "",
        "year_founded": "",
        "management_organisation": "",
        "label": "none",
        "label_date": "",
        "contact_email": "",
        "response_text": "",
        "status": "published",
    }
    data.update(overrides)
    return data


def project_form_data(coordinator: Cluster, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Posted Project",
        "acronym": "PP",
        "description": "Posted through the form.",
        "programme": Programme.objects.get(slug="euroclusters").pk,
        "programme_other": "",
        "start_date": "2025-01-01",
        "end_date": "2026-12-31",
        "budget": "250000",
        "ecosystems": [health().pk],
        "website": "",
        "coordinator": coordinator.pk,
        "partners": [],
        "status": "published",
    }
    data.update(overrides)
    return data


# --- the matrix: clusters ---------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_sees_a_published_cluster(client, world, role):
    response = client_for(client, world, role).get(world.cluster.get_absolute_url())

    assert response.status_code == 200
    assert b"Owner Cluster" in response.content


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_draft_cluster_is_seen_only_by_its_managers_and_staff(client, world, role):
    response = client_for(client, world, role).get(world.draft_cluster.get_absolute_url())

    assert response.status_code == (200 if role in EDITORS else 404)
    if role in EDITORS:
        assert b"Draft" in response.content


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_create_a_cluster(client, world, role):
    client = client_for(client, world, role)
    before = Cluster.objects.count()

    get = client.get(reverse("clusters:create"))
    post = client.post(reverse("clusters:create"), cluster_form_data(name=f"New by {role}"))

    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role in CREATORS:
        assert get.status_code == 200
        assert post.status_code == 302
        created = Cluster.objects.get(name=f"New by {role}")
        assert post.url == created.get_absolute_url()
        user = world.users[role]
        is_manager = ClusterManager.objects.filter(cluster=created, user=user).exists()
        assert is_manager == (user.role == Role.CLUSTER_MANAGER)
    else:
        assert get.status_code == 403
        assert post.status_code == 403
    assert Cluster.objects.count() == before + (1 if role in CREATORS else 0)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_edit_a_cluster(client, world, role):
    client = client_for(client, world, role)
    url = reverse("clusters:edit", kwargs={"pk": world.cluster.pk})

    get = client.get(url)
    post = client.post(url, cluster_form_data(name=f"Renamed by {role}"))

    world.cluster.refresh_from_db()
    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role in EDITORS:
        assert get.status_code == 200
        assert post.status_code == 302
    else:
        assert get.status_code == 404
        assert post.status_code == 404
    renamed = world.cluster.name == f"Renamed by {role}"
    assert renamed == (role in EDITORS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_delete_a_cluster(client, world, role):
    # The draft cluster coordinates nothing, so it can be deleted.
    client = client_for(client, world, role)
    pk = world.draft_cluster.pk

    get = client.get(reverse("clusters:delete", kwargs={"pk": pk}))
    post = client.post(reverse("clusters:delete", kwargs={"pk": pk}))

    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role in EDITORS:
        assert get.status_code == 200
        assert post.status_code == 302
        assert post.url == reverse("clusters:my_profiles")
    else:
        assert get.status_code == 404
        assert post.status_code == 404
    assert Cluster.objects.filter(pk=pk).exists() == (role not in EDITORS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_see_managers_and_history_of_a_cluster(client, world, role):
    client = client_for(client, world, role)
    for name in ("managers", "history"):
        response = client.get(reverse(f"clusters:{name}", kwargs={"pk": world.cluster.pk}))
        if role == "anonymous":
            assert_login_redirect(response)
        else:
            assert response.status_code == (200 if role in EDITORS else 404), name


# --- the matrix: projects ---------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_everyone_sees_a_published_project(client, world, role):
    response = client_for(client, world, role).get(world.project.get_absolute_url())

    assert response.status_code == 200
    assert b"Shared Project" in response.content


@pytest.mark.parametrize("role", ALL_ROLES)
def test_a_draft_project_is_seen_only_by_the_coordinators_managers_and_staff(client, world, role):
    response = client_for(client, world, role).get(world.draft_project.get_absolute_url())

    assert response.status_code == (200 if role in EDITORS else 404)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_create_a_project(client, world, role):
    client = client_for(client, world, role)
    coordinator = world.other_cluster if role == "other_manager" else world.cluster
    before = Project.objects.count()

    get = client.get(reverse("clusters:project_create"))
    post = client.post(
        reverse("clusters:project_create"),
        project_form_data(coordinator, title=f"Project by {role}"),
    )

    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role in CREATORS:
        assert get.status_code == 200
        assert post.status_code == 302
        project = Project.objects.get(title=f"Project by {role}")
        assert [(p.cluster, p.role) for p in project.partnerships.all()] == [
            (coordinator, "coordinator")
        ]
    else:
        assert get.status_code == 403
        assert post.status_code == 403
    assert Project.objects.count() == before + (1 if role in CREATORS else 0)


def test_a_manager_cannot_make_another_managers_cluster_coordinate(client, world):
    client.force_login(world.users["other_manager"])

    response = client.post(
        reverse("clusters:project_create"), project_form_data(world.cluster, title="Hijack")
    )

    assert response.status_code == 200
    assert "coordinator" in response.context["form"].errors
    assert not Project.objects.filter(title="Hijack").exists()


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_edit_a_project(client, world, role):
    client = client_for(client, world, role)
    url = reverse("clusters:project_edit", kwargs={"pk": world.project.pk})

    get = client.get(url)
    post = client.post(
        url,
        project_form_data(
            world.cluster, title=f"Edited by {role}", partners=[world.other_cluster.pk]
        ),
    )

    world.project.refresh_from_db()
    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role in EDITORS:
        assert get.status_code == 200
        assert post.status_code == 302
    else:
        # The partner cluster's manager reads the project but does not edit it.
        assert get.status_code == 404
        assert post.status_code == 404
    assert (world.project.title == f"Edited by {role}") == (role in EDITORS)
    assert world.project.partnerships.count() == 2


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_delete_a_project(client, world, role):
    client = client_for(client, world, role)
    pk = world.project.pk

    response = client.post(reverse("clusters:project_delete", kwargs={"pk": pk}))

    if role == "anonymous":
        assert_login_redirect(response)
    elif role in EDITORS:
        assert response.status_code == 302
    else:
        assert response.status_code == 404
    assert Project.objects.filter(pk=pk).exists() == (role not in EDITORS)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_who_may_see_a_projects_history(client, world, role):
    response = client_for(client, world, role).get(
        reverse("clusters:project_history", kwargs={"pk": world.project.pk})
    )

    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == (200 if role in EDITORS else 404)


def test_a_cluster_that_coordinates_a_project_is_not_deleted(client, world):
    client.force_login(world.users["owner"])

    response = client.post(reverse("clusters:delete", kwargs={"pk": world.cluster.pk}))

    assert response.status_code == 200
    assert "coordinates" in response.content.decode()
    assert "Shared Project" in response.content.decode()
    assert Cluster.objects.filter(pk=world.cluster.pk).exists()


# --- detail pages -------------------------------------------------------------------------


def test_cluster_and_project_link_to_each_other(client, world):
    cluster_page = client.get(world.cluster.get_absolute_url()).content.decode()
    project_page = client.get(world.project.get_absolute_url()).content.decode()

    assert world.project.get_absolute_url() in cluster_page
    assert "Coordinator" in cluster_page
    assert world.cluster.get_absolute_url() in project_page
    assert world.other_cluster.get_absolute_url() in project_page
    # The draft project is not listed to the public.
    assert "Draft Project" not in cluster_page


def test_a_draft_partner_cluster_is_not_named_to_the_public(client, world):
    hidden = make_cluster(by=world.users["owner"], name="Hidden Partner", status="draft")
    services.project_update(
        project=world.project,
        by=world.users["owner"],
        data={},
        partners=[(world.cluster, "coordinator"), (hidden, "partner")],
    )

    public = client.get(world.project.get_absolute_url()).content.decode()
    client.force_login(world.users["owner"])
    owner = client.get(world.project.get_absolute_url()).content.decode()

    assert "Hidden Partner" not in public
    assert "Hidden Partner" in owner


def test_management_links_and_managers_are_shown_only_to_editors(client, world):
    edit_url = reverse("clusters:edit", kwargs={"pk": world.cluster.pk})
    owner_name = world.users["owner"].get_full_name()

    public = client.get(world.cluster.get_absolute_url()).content.decode()
    client.force_login(world.users["other_manager"])
    other = client.get(world.cluster.get_absolute_url()).content.decode()
    client.force_login(world.users["co_manager"])
    co = client.get(world.cluster.get_absolute_url()).content.decode()

    for page in (public, other):
        assert edit_url not in page
        assert owner_name not in page
    assert edit_url in co
    assert reverse("clusters:history", kwargs={"pk": world.cluster.pk}) in co
    assert reverse("clusters:managers", kwargs={"pk": world.cluster.pk}) in co
    assert owner_name in co


def test_the_cluster_page_shows_the_profile(client, cluster_manager):
    category = Category.objects.get(slug="ppe-masks")
    cluster = make_cluster(
        by=cluster_manager,
        name="Full Profile Cluster",
        website="https://cluster.example.eu",
        members_total=120,
        members_sme=80,
        members_large=10,
        members_research=5,
        year_founded=2004,
        management_organisation="Cluster Management GmbH",
        label="gold",
        label_date="2023-05-04",
        contact_email="hello@cluster.example.eu",
        response_categories=[category],
        response_text="We make masks.",
        sectors=["Textiles"],
        technologies=["Meltblown"],
        value_chains=["Protective equipment"],
    )

    page = client.get(cluster.get_absolute_url()).content.decode()

    for text in (
        "https://cluster.example.eu",
        "120",
        "80 SMEs",
        "10 large companies",
        "5 research organisations",
        "2004",
        "Cluster Management GmbH",
        "ESCA Gold",
        "4 May 2023",
        "hello@cluster.example.eu",
        "Face masks and respirators",
        "We make masks.",
        "Textiles",
        "Meltblown",
        "Protective equipment",
        "Health",
        "Latitude 51.05000, longitude 3.72000",
    ):
        assert text in page, text


def test_a_missing_cluster_or_logo_is_a_404(client, world):
    assert client.get(reverse("clusters:detail", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("clusters:logo", kwargs={"pk": world.cluster.pk})).status_code == 404
    assert client.get(reverse("clusters:project_detail", kwargs={"pk": 999999})).status_code == 404


# --- directory ----------------------------------------------------------------------------


def make_clusters(by, n: int, **overrides: Any) -> list[Cluster]:
    ecosystems = list(Ecosystem.objects.filter(slug__in=["health", "digital", "textile"]))
    categories = list(Category.objects.filter(slug__in=["ppe-masks", "testing-kits"]))
    return [
        make_cluster(
            by=by,
            ecosystems=ecosystems,
            response_categories=categories,
            sectors=["Sector A", "Sector B"],
            technologies=["Tech"],
            **overrides,
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("n", [5, 50])
def test_the_cluster_directory_runs_a_fixed_number_of_queries(
    client, cluster_manager, django_assert_max_num_queries, n
):
    make_clusters(cluster_manager, n)

    # count, page, 5 prefetches (ecosystems, three tag kinds, categories), and the filter
    # form's ecosystem and category choices.
    with django_assert_max_num_queries(9):
        response = client.get(reverse("clusters:list"))

    assert response.status_code == 200
    assert len(response.context["clusters"]) == min(n, 20)


@pytest.mark.parametrize("n", [5, 50])
def test_the_cluster_directory_with_filters_runs_a_fixed_number_of_queries(
    client, cluster_manager, django_assert_max_num_queries, n
):
    make_clusters(cluster_manager, n)

    # The filters are subqueries of the same count and page queries; checking the chosen
    # ecosystems and category costs one query each.
    with django_assert_max_num_queries(11):
        response = client.get(
            reverse("clusters:list"),
            {"country": ["BE", "FR"], "ecosystem": "digital", "category": "ppe", "q": "sector"},
        )

    assert response.status_code == 200
    assert len(response.context["clusters"]) == min(n, 20)


@pytest.mark.parametrize("n", [5, 50])
def test_the_project_directory_runs_a_fixed_number_of_queries(
    client, cluster_manager, other_cluster_manager, django_assert_max_num_queries, n
):
    coordinator = make_cluster(by=cluster_manager)
    partner = make_cluster(by=other_cluster_manager)
    for _ in range(n):
        make_project(by=cluster_manager, coordinator=coordinator, partners=[partner])

    # count, page (with the programme), ecosystems, partnerships with their clusters, the
    # ecosystem and programme choices.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("clusters:project_list"))

    assert response.status_code == 200
    assert len(response.context["projects"]) == min(n, 20)

    with django_assert_max_num_queries(7):
        response = client.get(
            reverse("clusters:project_list"), {"country": "BE", "ecosystem": "health", "q": "test"}
        )

    assert len(response.context["projects"]) == min(n, 20)


def names(response) -> set[str]:
    return {cluster.name for cluster in response.context["clusters"]}


def test_the_directory_lists_published_clusters_only(client, world):
    response = client.get(reverse("clusters:list"))

    assert names(response) == {"Owner Cluster", "Other Cluster"}
    assert "2 clusters" in response.content.decode()


def test_directory_filters_change_the_results(client, cluster_manager):
    digital = Ecosystem.objects.get(slug="digital")
    masks = Category.objects.get(slug="ppe-masks")
    make_cluster(by=cluster_manager, name="Belgian Health", country="BE")
    make_cluster(by=cluster_manager, name="French Digital", country="FR", ecosystems=[digital])
    make_cluster(
        by=cluster_manager,
        name="Masks Cluster",
        country="DE",
        response_categories=[masks],
        technologies=["Meltblown nonwovens"],
    )
    url = reverse("clusters:list")

    assert names(client.get(url, {"country": "BE"})) == {"Belgian Health"}
    assert names(client.get(url, {"country": ["BE", "FR"]})) == {"Belgian Health", "French Digital"}
    assert names(client.get(url, {"ecosystem": "digital"})) == {"French Digital"}
    assert names(client.get(url, {"q": "meltblown"})) == {"Masks Cluster"}  # a tag
    # A parent category matches clusters that list one of its sub-categories.
    assert names(client.get(url, {"category": "ppe"})) == {"Masks Cluster"}
    assert names(client.get(url, {"category": "testing"})) == set()
    assert [c.name for c in client.get(url, {"sort": "-name"}).context["clusters"]] == [
        "Masks Cluster",
        "French Digital",
        "Belgian Health",
    ]


def test_no_match_says_so(client, world):
    response = client.get(reverse("clusters:list"), {"q": "nothing like this"})

    assert response.status_code == 200
    assert "No clusters match these filters." in response.content.decode()
    assert "0 clusters" in response.content.decode()


def test_page_links_keep_the_filters(client, cluster_manager):
    for n in range(25):
        make_cluster(by=cluster_manager, name=f"Cluster {n:02}", country="BE")
    make_cluster(by=cluster_manager, name="Elsewhere", country="FR")

    first = client.get(reverse("clusters:list"), {"country": "BE"})
    second = client.get(reverse("clusters:list"), {"country": "BE", "page": 2})

    assert "?country=BE&amp;page=2" in first.content.decode()
    assert len(first.context["clusters"]) == 20
    assert len(second.context["clusters"]) == 5
    assert "Elsewhere" not in names(second)
    assert "25 clusters" in second.content.decode()


def test_project_directory_filters(client, world):
    url = reverse("clusters:project_list")

    assert {p.title for p in client.get(url).context["projects"]} == {"Shared Project"}
    assert {p.title for p in client.get(url, {"q": "shared"}).context["projects"]} == {
        "Shared Project"
    }
    assert list(client.get(url, {"q": "nothing"}).context["projects"]) == []
    assert "No projects match" in client.get(url, {"q": "nothing"}).content.decode()
    assert list(client.get(url, {"ecosystem": "digital"}).context["projects"]) == []


# --- history ----------------------------------------------------------------------------


def test_an_edit_through_the_page_is_recorded_with_its_author(client, world):
    owner = world.users["owner"]
    client.force_login(owner)

    response = client.post(
        reverse("clusters:edit", kwargs={"pk": world.cluster.pk}),
        cluster_form_data(name="Renamed Cluster", sectors="Aviation"),
    )

    assert response.status_code == 302
    entry = ProfileChange.objects.filter(cluster=world.cluster).first()
    assert entry.action == ProfileChange.Action.UPDATED
    assert entry.author == owner
    assert entry.changes["name"] == ["Owner Cluster", "Renamed Cluster"]
    assert entry.changes["sectors"] == [[], ["Aviation"]]

    history = client.get(reverse("clusters:history", kwargs={"pk": world.cluster.pk}))
    page = history.content.decode()
    assert history.status_code == 200
    assert "Renamed Cluster" in page
    assert "Owner Cluster" in page
    assert owner.get_full_name() in page
    assert "Updated" in page

    client.force_login(world.users["other_manager"])
    assert (
        client.get(reverse("clusters:history", kwargs={"pk": world.cluster.pk})).status_code == 404
    )


def test_a_project_edit_is_recorded(client, world):
    client.force_login(world.users["co_manager"])

    client.post(
        reverse("clusters:project_edit", kwargs={"pk": world.project.pk}),
        project_form_data(world.cluster, title="Retitled", partners=[world.other_cluster.pk]),
    )
    page = client.get(
        reverse("clusters:project_history", kwargs={"pk": world.project.pk})
    ).content.decode()

    entry = ProfileChange.objects.filter(project=world.project).first()
    assert entry.author == world.users["co_manager"]
    assert "Retitled" in page
    assert world.users["co_manager"].get_full_name() in page


# --- managers -----------------------------------------------------------------------------


def test_a_manager_adds_a_colleague_who_can_then_edit(client, cluster_manager):
    colleague = make_user(Role.CLUSTER_MANAGER, email="colleague@cluster.example.eu")
    cluster = make_cluster(by=cluster_manager, name="Shared Cluster")
    client.force_login(cluster_manager)

    response = client.post(
        reverse("clusters:managers", kwargs={"pk": cluster.pk}),
        {"email": "Colleague@Cluster.example.eu"},
    )

    assert response.status_code == 302
    assert ClusterManager.objects.filter(cluster=cluster, user=colleague).exists()
    assert ProfileChange.objects.filter(
        cluster=cluster, action=ProfileChange.Action.MANAGER_ADDED, author=cluster_manager
    ).exists()

    client.force_login(colleague)
    edit_url = reverse("clusters:edit", kwargs={"pk": cluster.pk})
    assert client.get(edit_url).status_code == 200
    assert client.post(edit_url, cluster_form_data(name="Edited by colleague")).status_code == 302
    cluster.refresh_from_db()
    assert cluster.name == "Edited by colleague"


@pytest.mark.parametrize(
    "email", ["nobody@example.eu", "bob@company.example.eu", "alice@cluster.example.eu"]
)
def test_adding_a_manager_who_cannot_be_one_is_a_field_error(
    client, cluster_manager, company_user, email
):
    cluster = make_cluster(by=cluster_manager)
    client.force_login(cluster_manager)

    response = client.post(
        reverse("clusters:managers", kwargs={"pk": cluster.pk}), {"email": email}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert ClusterManager.objects.filter(cluster=cluster).count() == 1


def test_a_manager_removes_a_colleague_but_not_the_last_manager(client, world):
    owner, co = world.users["owner"], world.users["co_manager"]
    url = reverse("clusters:managers", kwargs={"pk": world.cluster.pk})
    client.force_login(owner)

    assert client.post(url, {"remove": co.pk}).status_code == 302
    assert not ClusterManager.objects.filter(cluster=world.cluster, user=co).exists()

    response = client.post(url, {"remove": owner.pk}, follow=True)
    assert "at least one manager" in response.content.decode()
    assert ClusterManager.objects.filter(cluster=world.cluster, user=owner).exists()


def test_another_manager_cannot_add_themselves(client, world):
    client.force_login(world.users["other_manager"])

    response = client.post(
        reverse("clusters:managers", kwargs={"pk": world.cluster.pk}),
        {"email": world.users["other_manager"].email},
    )

    assert response.status_code == 404
    assert not ClusterManager.objects.filter(
        cluster=world.cluster, user=world.users["other_manager"]
    ).exists()


# --- my profiles --------------------------------------------------------------------------


def test_my_profiles_needs_a_login(client):
    assert_login_redirect(client.get(reverse("clusters:my_profiles")))


def test_my_profiles_lists_what_the_manager_keeps(client, world):
    client.force_login(world.users["co_manager"])

    response = client.get(reverse("clusters:my_profiles"))

    page = response.content.decode()
    assert response.status_code == 200
    assert {c.name for c in response.context["clusters"]} == {
        "Owner Cluster",
        "Owner Draft Cluster",
    }
    assert {p.title for p in response.context["projects"]} == {"Shared Project", "Draft Project"}
    assert reverse("clusters:edit", kwargs={"pk": world.cluster.pk}) in page
    assert reverse("clusters:project_edit", kwargs={"pk": world.project.pk}) in page
    assert "Create a cluster profile" in page
    assert "Create a project profile" in page


def test_a_new_cluster_manager_may_create_a_cluster_but_not_yet_a_project(client, db):
    client.force_login(make_user(Role.CLUSTER_MANAGER))

    page = client.get(reverse("clusters:my_profiles")).content.decode()

    assert "Create a cluster profile" in page
    assert "Create a project profile" not in page


@pytest.mark.parametrize("role", ["company", "authority"])
def test_other_roles_are_told_who_keeps_profiles(client, world, role):
    client.force_login(world.users[role])

    page = client.get(reverse("clusters:my_profiles")).content.decode()

    assert "Create a cluster profile" not in page
    assert "Create a project profile" not in page
    assert "kept by cluster managers" in page


def test_tags_typed_with_commas_become_tags(client, cluster_manager):
    client.force_login(cluster_manager)

    client.post(
        reverse("clusters:create"),
        cluster_form_data(
            name="Tagged", sectors=" Aviation ,space,, Aviation", value_chains="Wings"
        ),
    )

    cluster = Cluster.objects.get(name="Tagged")
    assert sorted(t.name for t in cluster.sectors.all()) == ["Aviation", "space"]
    assert [t.name for t in cluster.value_chains.all()] == ["Wings"]
    assert Tag.objects.filter(name__iexact="aviation").count() == 1
