"""The demo clusters and projects: made through the services, idempotent, plausible."""

import pytest
from django.core.management import call_command

from clusters.demo import CATALOGUE, seed_clusters
from clusters.models import Cluster, ClusterManager, PartnerRole, ProfileChange, Project
from portal.accounts.models import User

pytestmark = pytest.mark.django_db

# Europe, Iceland to Cyprus and the Canaries to the Urals.
EUROPE = {"min_lat": 27, "max_lat": 72, "min_lon": -32, "max_lon": 45}


def test_seed_clusters_twice_makes_no_duplicates(cluster_manager, commission_staff):
    first = seed_clusters(
        clusters=20, projects=4, by_manager=cluster_manager, by_staff=commission_staff
    )
    counts = (Cluster.objects.count(), Project.objects.count(), ProfileChange.objects.count())

    second = seed_clusters(
        clusters=20, projects=4, by_manager=cluster_manager, by_staff=commission_staff
    )

    assert first == (20, 4)
    assert second == (0, 0)
    assert (
        Cluster.objects.count(),
        Project.objects.count(),
        ProfileChange.objects.count(),
    ) == counts
    assert Cluster.objects.values("name").distinct().count() == 20


@pytest.mark.parametrize(("clusters", "projects"), [(5, 1), (12, 3), (40, 6)])
def test_seed_clusters_makes_as_many_as_asked(
    cluster_manager, commission_staff, clusters, projects
):
    made = seed_clusters(
        clusters=clusters, projects=projects, by_manager=cluster_manager, by_staff=commission_staff
    )

    assert made == (clusters, projects)
    assert Cluster.objects.count() == clusters
    assert Project.objects.count() == projects


def test_asking_for_more_clusters_than_the_catalogue_adds_more_around_its_cities(
    cluster_manager, commission_staff
):
    n = len(CATALOGUE) + 7

    assert seed_clusters(
        clusters=n, projects=8, by_manager=cluster_manager, by_staff=commission_staff
    ) == (n, 8)
    assert Cluster.objects.values("name").distinct().count() == n


def test_demo_clusters_span_countries_and_ecosystems_inside_europe(
    cluster_manager, commission_staff
):
    seed_clusters(clusters=40, projects=6, by_manager=cluster_manager, by_staff=commission_staff)

    clusters = Cluster.objects.prefetch_related("ecosystems", "sectors", "technologies")
    assert len({c.country.code for c in clusters}) >= 20
    assert len({e.slug for c in clusters for e in c.ecosystems.all()}) >= 12
    for cluster in clusters:
        assert cluster.has_location, cluster.name
        assert EUROPE["min_lat"] <= cluster.latitude <= EUROPE["max_lat"], cluster.name
        assert EUROPE["min_lon"] <= cluster.longitude <= EUROPE["max_lon"], cluster.name
        assert cluster.ecosystems.all(), cluster.name
        assert cluster.sectors.all() and cluster.technologies.all(), cluster.name
        assert cluster.members_sme <= cluster.members_total
    assert {c.label for c in clusters} > {"none"}  # some carry an ESCA label
    assert clusters.filter(status="draft").exists()
    assert clusters.filter(response_categories__isnull=False).distinct().count() >= 30


def test_every_demo_profile_has_its_history(cluster_manager, commission_staff):
    seed_clusters(clusters=15, projects=3, by_manager=cluster_manager, by_staff=commission_staff)

    for cluster in Cluster.objects.all():
        created = ProfileChange.objects.get(cluster=cluster, action=ProfileChange.Action.CREATED)
        assert created.author in (cluster_manager, commission_staff)
        assert created.changes["name"] == [None, cluster.name]
    for project in Project.objects.all():
        assert ProfileChange.objects.filter(
            project=project, action=ProfileChange.Action.CREATED
        ).exists()


def test_the_demo_manager_manages_a_few_clusters_and_coordinates_projects(
    cluster_manager, commission_staff
):
    seed_clusters(clusters=40, projects=6, by_manager=cluster_manager, by_staff=commission_staff)

    managed = Cluster.objects.managed_by(cluster_manager)
    assert 2 <= managed.count() <= 6
    assert managed.filter(status="draft").exists()
    assert managed.filter(status="published").exists()
    # The clusters staff entered have no manager of their own yet.
    assert ClusterManager.objects.exclude(user=cluster_manager).count() == 0
    assert Project.objects.editable_by(cluster_manager).exists()
    for project in Project.objects.prefetch_related("partnerships"):
        roles = [p.role for p in project.partnerships.all()]
        assert roles.count(PartnerRole.COORDINATOR) == 1
        assert len(roles) >= 2


def test_seed_demo_makes_the_demo_clusters_once(capsys):
    call_command("seed_demo", "--clusters", "10", "--projects", "2")
    assert "Demo clusters made: 10; demo projects made: 2." in capsys.readouterr().out
    manager = User.objects.get(email="manager@demo.eu")
    assert Cluster.objects.managed_by(manager).exists()

    call_command("seed_demo", "--clusters", "10", "--projects", "2")

    assert "nothing added" in capsys.readouterr().out
    assert (Cluster.objects.count(), Project.objects.count()) == (10, 2)


def test_seed_demo_defaults_to_a_few_dozen_clusters_and_a_handful_of_projects():
    call_command("seed_demo", "--quiet")

    assert 30 <= Cluster.objects.count() <= 60
    assert 3 <= Project.objects.count() <= 10
