"""Project profiles link to a programme: the clusters migration that turned the free text
into a link, and the form, filter and API that use it."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clusters.models import Project
from funding import services
from funding.models import Programme
from portal.core.models import Ecosystem
from tests.clusters.factories import make_cluster, make_project
from tests.funding.factories import make_programme, programme

migration = import_module("clusters.migrations.0002_project_programme")

REFERENCE = [
    (p["slug"], p["name"]) for p in import_module("funding.migrations.0002_programmes").PROGRAMMES
]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Euroclusters", "euroclusters"),
        ("EUROCLUSTERS", "euroclusters"),
        ("Euroclusters (Single Market Programme)", "euroclusters"),
        ("  euroclusters  ", "euroclusters"),
        ("COSME", "cluster-excellence-programme"),
        ("COSME Cluster Excellence Programme", "cluster-excellence-programme"),
        ("Cluster Excellence Programme", "cluster-excellence-programme"),
        ("cluster-excellence-programme", "cluster-excellence-programme"),
        ("ClusterXchange", "clusterxchange"),
        ("Cluster Xchange", "clusterxchange"),
        ("European Pact for Skills", "pact-for-skills"),
        ("Pact for Skills", "pact-for-skills"),
        ("Social Economy Canvas", "social-economy-canvas"),
        ("Intelligent Cities Challenge", "intelligent-cities-reskilling"),
        ("Horizon Europe", None),
        ("Interreg Baltic Sea Region", None),
        ("COSME and Horizon 2020", None),
        ("Euroclusters and Interreg", None),
        ("", None),
    ],
)
def test_free_text_is_matched_to_a_programme_by_name_slug_or_alias(text, slug):
    assert migration.match_programme(text, REFERENCE) == slug


@pytest.mark.django_db(transaction=True)
def test_the_migration_links_known_programmes_and_keeps_other_text(reference_data):
    executor = MigrationExecutor(connection)
    before = [("clusters", "0001_initial")]
    after = [("clusters", "0002_project_programme")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    texts = {
        "P1": "Euroclusters (Single Market Programme)",
        "P2": "COSME Cluster Excellence Programme",
        "P3": "Horizon Europe",
        "P4": "",
        "P5": "clusterxchange",
    }
    for title, text in texts.items():
        old.get_model("clusters", "Project").objects.create(
            title=title, description="d", programme=text
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    rows = {
        p.title: (p.programme.slug if p.programme else None, p.programme_other)
        for p in Project.objects.select_related("programme")
    }
    assert rows == {
        "P1": ("euroclusters", ""),
        "P2": ("cluster-excellence-programme", ""),
        "P3": (None, "Horizon Europe"),
        "P4": (None, ""),
        "P5": ("clusterxchange", ""),
    }

    # Back again: every project's programme is text once more, nothing lost.
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    back = dict(old.get_model("clusters", "Project").objects.values_list("title", "programme"))
    assert back == {
        "P1": "Euroclusters",
        "P2": "Cluster Excellence Programme",
        "P3": "Horizon Europe",
        "P4": "",
        "P5": "ClusterXchange",
    }
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_linking_is_idempotent(cluster_manager):
    project = make_project(
        by=cluster_manager,
        coordinator=make_cluster(by=cluster_manager),
        programme=None,
        programme_other="COSME",
    )

    migration.link_programmes(apps, None)
    migration.link_programmes(apps, None)

    project.refresh_from_db()
    assert (project.programme.slug, project.programme_other) == ("cluster-excellence-programme", "")


# --- the project form, filter and API ---------------------------------------------------


def project_form(coordinator, **overrides):
    data = {
        "title": "Masks for Europe", "acronym": "", "description": "Clusters retool lines.",
        "programme": "", "programme_other": "", "start_date": "", "end_date": "", "budget": "",
        "ecosystems": [], "website": "", "coordinator": coordinator.pk, "partners": [],
        "status": "published",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_the_project_form_offers_the_active_programmes(client, cluster_manager, commission_staff):
    inactive = make_programme(by=commission_staff, name="Retired Programme", active=False)
    make_cluster(by=cluster_manager)
    client.force_login(cluster_manager)

    form = client.get("/projects/new/").context["form"]

    choices = [str(label) for _value, label in form.fields["programme"].choices]
    assert "Euroclusters" in choices and "ClusterXchange" in choices
    assert inactive.name not in choices


@pytest.mark.django_db
def test_a_project_keeps_its_programme_once_deactivated(client, cluster_manager, commission_staff):
    made = make_programme(by=commission_staff, name="Retired Programme")
    coordinator = make_cluster(by=cluster_manager)
    project = make_project(by=cluster_manager, coordinator=coordinator, programme=made)
    services.programme_update(programme=made, by=commission_staff, data={"active": False})
    client.force_login(cluster_manager)

    form = client.get(f"/projects/{project.pk}/edit/").context["form"]
    assert form.initial["programme"] == made
    response = client.post(
        f"/projects/{project.pk}/edit/",
        project_form(coordinator, programme=made.pk, title="Renamed"),
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.programme) == ("Renamed", made)
    assert "Retired Programme" in client.get(project.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_form_refuses_a_programme_and_another_one_together(client, cluster_manager):
    coordinator = make_cluster(by=cluster_manager)
    client.force_login(cluster_manager)

    response = client.post(
        "/projects/new/",
        project_form(coordinator, programme=programme().pk, programme_other="Horizon Europe"),
    )

    assert response.status_code == 200
    assert "not both" in " ".join(response.context["form"].errors["programme_other"])
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_the_project_page_links_its_programme(client, cluster_manager):
    project = make_project(
        by=cluster_manager,
        coordinator=make_cluster(by=cluster_manager),
        programme=programme("clusterxchange"),
    )
    other = make_project(
        by=cluster_manager,
        coordinator=make_cluster(by=cluster_manager),
        programme=None,
        programme_other="Interreg Europe",
    )

    assert (
        'href="/funding/programmes/clusterxchange/"'
        in client.get(project.get_absolute_url()).content.decode()
    )
    assert "Interreg Europe" in client.get(other.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_project_directory_filters_by_programme_slug(client, cluster_manager):
    cluster = make_cluster(by=cluster_manager)
    make_project(by=cluster_manager, coordinator=cluster, title="Under Euroclusters")
    make_project(
        by=cluster_manager,
        coordinator=cluster,
        title="Under ClusterXchange",
        programme=programme("clusterxchange"),
    )

    shown = {p.title for p in client.get("/projects/?programme=clusterxchange").context["projects"]}
    bad = client.get("/projects/?programme=nowhere")

    assert shown == {"Under ClusterXchange"}
    assert bad.status_code == 200 and "programme" in bad.context["filter_form"].errors
    assert client.get("/api/v1/projects/?programme=nowhere").status_code == 400


@pytest.mark.django_db
def test_the_project_api_gives_the_programme_slug_and_name(api_client, cluster_manager):
    cluster = make_cluster(by=cluster_manager)
    project = make_project(by=cluster_manager, coordinator=cluster)
    other = make_project(
        by=cluster_manager, coordinator=cluster, programme=None, programme_other="Horizon Europe"
    )

    row = api_client.get(f"/api/v1/projects/{project.pk}/").json()
    other_row = api_client.get(f"/api/v1/projects/{other.pk}/").json()

    assert (row["programme"], row["programme_name"], row["programme_other"]) == (
        "euroclusters",
        "Euroclusters",
        "",
    )
    assert (other_row["programme"], other_row["programme_name"]) == (None, "Horizon Europe")


@pytest.mark.django_db
def test_the_project_api_sets_the_programme_by_slug(api_client, cluster_manager, commission_staff):
    cluster = make_cluster(by=cluster_manager)
    project = make_project(
        by=cluster_manager, coordinator=cluster, programme=None, programme_other="Horizon Europe"
    )
    retired = make_programme(by=commission_staff, active=False)
    api_client.force_authenticate(cluster_manager)

    unknown = api_client.patch(
        f"/api/v1/projects/{project.pk}/", {"programme": "nowhere"}, format="json"
    )
    inactive = api_client.patch(
        f"/api/v1/projects/{project.pk}/", {"programme": retired.slug}, format="json"
    )
    done = api_client.patch(
        f"/api/v1/projects/{project.pk}/", {"programme": "pact-for-skills"}, format="json"
    )

    assert unknown.status_code == 400 and "programme" in unknown.json()
    assert inactive.status_code == 400 and "programme" in inactive.json()
    assert done.status_code == 200
    assert (done.json()["programme"], done.json()["programme_other"]) == ("pact-for-skills", "")


@pytest.mark.django_db
def test_the_project_list_api_keeps_its_query_budget_with_programmes(
    api_client, cluster_manager, django_assert_max_num_queries
):
    cluster = make_cluster(by=cluster_manager)
    for n in range(10):
        make_project(
            by=cluster_manager,
            coordinator=cluster,
            programme=programme("clusterxchange" if n % 2 else "euroclusters"),
            ecosystems=list(Ecosystem.objects.all()[:2]),
        )

    with django_assert_max_num_queries(4):
        response = api_client.get("/api/v1/projects/")

    assert {row["programme_name"] for row in response.json()["results"]} == {
        "Euroclusters",
        "ClusterXchange",
    }


@pytest.mark.django_db
def test_programme_lookups_do_not_create_programmes(cluster_manager):
    make_project(
        by=cluster_manager,
        coordinator=make_cluster(by=cluster_manager),
        programme=None,
        programme_other="Something New",
    )

    assert Programme.objects.count() == 6
