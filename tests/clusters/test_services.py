"""The rules of cluster and project profiles, at the service level every view and API uses."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from clusters import services
from clusters.models import Cluster, ClusterManager, ProfileChange, Project
from portal.core.models import Category, Ecosystem
from tests.clusters.factories import make_cluster, make_project


@pytest.fixture
def cluster(cluster_manager):
    return make_cluster(by=cluster_manager)


@pytest.mark.django_db
def test_creator_becomes_the_first_manager_and_creation_is_recorded(cluster, cluster_manager):
    assert list(cluster.managers.all()) == [cluster_manager]
    change = ProfileChange.objects.get(cluster=cluster)
    assert change.action == ProfileChange.Action.CREATED
    assert change.author == cluster_manager
    assert change.changes["name"] == [None, cluster.name]


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["company_user", "authority"])
def test_only_cluster_managers_and_staff_create_clusters(request, role_fixture):
    with pytest.raises(PermissionDenied):
        make_cluster(by=request.getfixturevalue(role_fixture))
    assert not Cluster.objects.exists()


@pytest.mark.django_db
def test_an_edit_is_recorded_with_its_author_and_only_what_changed(cluster, commission_staff):
    services.cluster_update(
        cluster=cluster,
        by=commission_staff,
        data={
            "city": "Antwerp",
            "ecosystems": list(Ecosystem.objects.filter(slug="digital")),
            "sectors": ["Textiles", "textiles "],
        },
    )

    change = ProfileChange.objects.filter(cluster=cluster).first()
    assert change.action == ProfileChange.Action.UPDATED
    assert change.author == commission_staff
    assert change.changes == {
        "city": ["Ghent", "Antwerp"],
        "ecosystems": [["Health"], ["Digital"]],
        "sectors": [[], ["Textiles"]],
    }


@pytest.mark.django_db
def test_an_edit_that_changes_nothing_leaves_no_history(cluster, cluster_manager):
    services.cluster_update(cluster=cluster, by=cluster_manager, data={"city": "Ghent"})

    assert ProfileChange.objects.filter(cluster=cluster).count() == 1


@pytest.mark.django_db
def test_another_manager_cannot_edit(cluster, other_cluster_manager):
    with pytest.raises(PermissionDenied):
        services.cluster_update(
            cluster=cluster, by=other_cluster_manager, data={"name": "Mine now"}
        )
    cluster.refresh_from_db()
    assert cluster.name.startswith("Test Cluster")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"members_total": 10, "members_sme": 11}, "members_sme"),
        (
            {"members_total": 10, "members_sme": 5, "members_large": 4, "members_research": 2},
            "members_total",
        ),
        ({"label": "gold", "label_date": None}, "label_date"),
        ({"ecosystems": []}, "ecosystems"),
        ({"country": "US"}, "country"),
    ],
)
def test_bad_cluster_data_is_refused_with_a_field_error_and_nothing_saved(
    cluster, cluster_manager, data, field
):
    before = Cluster.objects.values().get(pk=cluster.pk)

    with pytest.raises(ValidationError) as exc:
        services.cluster_update(cluster=cluster, by=cluster_manager, data=data)

    assert field in exc.value.message_dict
    assert Cluster.objects.values().get(pk=cluster.pk) == before


@pytest.mark.django_db
def test_a_colleague_is_added_by_email_told_and_can_then_edit(
    cluster, cluster_manager, other_cluster_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.cluster_add_manager(
            cluster=cluster, email=other_cluster_manager.email.upper(), by=cluster_manager
        )

    assert mail.outbox[0].to == [other_cluster_manager.email]
    services.cluster_update(cluster=cluster, by=other_cluster_manager, data={"city": "Bruges"})
    assert ProfileChange.objects.filter(cluster=cluster, action="manager_added").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["company_user", "nobody"])
def test_only_existing_cluster_manager_accounts_can_be_invited(
    request, cluster, cluster_manager, who
):
    email = "nobody@example.eu" if who == "nobody" else request.getfixturevalue(who).email

    with pytest.raises(ValidationError) as exc:
        services.cluster_add_manager(cluster=cluster, email=email, by=cluster_manager)

    assert "email" in exc.value.message_dict
    assert ClusterManager.objects.filter(cluster=cluster).count() == 1


@pytest.mark.django_db
def test_the_last_manager_cannot_be_removed(cluster, cluster_manager):
    with pytest.raises(ValidationError):
        services.cluster_remove_manager(cluster=cluster, user=cluster_manager, by=cluster_manager)
    assert ClusterManager.objects.filter(cluster=cluster).count() == 1


@pytest.mark.django_db
def test_drafts_are_seen_only_by_their_managers_and_staff(
    cluster_manager, other_cluster_manager, commission_staff, company_user
):
    from django.contrib.auth.models import AnonymousUser

    draft = make_cluster(by=cluster_manager, status="draft")

    assert draft in Cluster.objects.visible_to(cluster_manager)
    assert draft in Cluster.objects.visible_to(commission_staff)
    for outsider in (other_cluster_manager, company_user, AnonymousUser()):
        assert draft not in Cluster.objects.visible_to(outsider)


@pytest.mark.django_db
def test_a_cluster_coordinating_a_project_cannot_be_deleted(cluster, cluster_manager):
    make_project(by=cluster_manager, coordinator=cluster)

    with pytest.raises(ValidationError):
        services.cluster_delete(cluster=cluster, by=cluster_manager)
    assert Cluster.objects.filter(pk=cluster.pk).exists()


@pytest.mark.django_db
def test_project_is_edited_by_the_coordinators_managers_not_the_partners(
    cluster, cluster_manager, other_cluster_manager
):
    partner = make_cluster(by=other_cluster_manager)
    project = make_project(by=cluster_manager, coordinator=cluster, partners=[partner])

    services.project_update(
        project=project, by=cluster_manager, data={"programme_other": "Horizon Europe"}
    )
    with pytest.raises(PermissionDenied):
        services.project_update(
            project=project, by=other_cluster_manager, data={"programme_other": "Mine"}
        )
    project.refresh_from_db()
    assert (project.programme, project.programme_other) == (None, "Horizon Europe")
    change = ProfileChange.objects.filter(project=project).first()
    assert change.author == cluster_manager
    assert change.changes == {
        "programme": ["Euroclusters", None],
        "programme_other": ["", "Horizon Europe"],
    }


@pytest.mark.django_db
def test_project_end_before_start_is_refused(cluster, cluster_manager):
    with pytest.raises(ValidationError) as exc:
        make_project(
            by=cluster_manager,
            coordinator=cluster,
            start_date=date(2021, 5, 1),
            end_date=date(2021, 4, 30),
        )

    assert "end_date" in exc.value.message_dict
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_project_needs_exactly_one_coordinator_that_its_creator_manages(
    cluster, cluster_manager, other_cluster_manager
):
    theirs = make_cluster(by=other_cluster_manager)

    with pytest.raises(ValidationError, match="one you manage"):
        make_project(by=cluster_manager, coordinator=theirs)
    with pytest.raises(ValidationError, match="exactly one"):
        services.project_create(
            by=cluster_manager, data={"title": "Two heads", "description": "x"},
            partners=[(cluster, "coordinator"), (theirs, "coordinator")],
        )  # fmt: skip
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_draft_cluster_of_someone_else_cannot_be_named_partner(
    cluster, cluster_manager, other_cluster_manager
):
    hidden = make_cluster(by=other_cluster_manager, status="draft")

    with pytest.raises(ValidationError, match="does not exist"):
        make_project(by=cluster_manager, coordinator=cluster, partners=[hidden])


@pytest.mark.django_db
def test_category_filter_on_a_parent_matches_clusters_listing_a_child(cluster_manager):
    from clusters.filters import ClusterFilter

    masks = make_cluster(
        by=cluster_manager, response_categories=list(Category.objects.filter(slug="ppe-masks"))
    )
    make_cluster(
        by=cluster_manager, response_categories=list(Category.objects.filter(slug="testing-kits"))
    )

    found = ClusterFilter({"category": "ppe"}, queryset=Cluster.objects.all()).qs

    assert list(found) == [masks]


@pytest.mark.django_db
def test_text_search_finds_tags(cluster_manager):
    from clusters.filters import ClusterFilter

    tagged = make_cluster(by=cluster_manager, technologies=["Meltblown nonwovens"])
    make_cluster(by=cluster_manager)

    found = ClusterFilter({"q": "meltblown"}, queryset=Cluster.objects.all()).qs

    assert list(found) == [tagged]


@pytest.mark.django_db
def test_staff_give_a_cluster_they_created_its_first_manager_who_can_then_edit_it(
    commission_staff, cluster_manager, django_capture_on_commit_callbacks, mailoutbox
):
    cluster = make_cluster(by=commission_staff)
    assert not ClusterManager.objects.filter(cluster=cluster).exists()  # staff manage none
    assert not services.can_edit_cluster(cluster_manager, cluster)

    with django_capture_on_commit_callbacks(execute=True):
        services.cluster_add_manager(
            cluster=cluster, email=cluster_manager.email.upper(), by=commission_staff
        )

    assert services.can_edit_cluster(cluster_manager, cluster)
    assert [m.to for m in mailoutbox] == [[cluster_manager.email]]
    change = ProfileChange.objects.filter(cluster=cluster).latest("pk")
    assert (change.action, change.author) == (
        ProfileChange.Action.MANAGER_ADDED,
        commission_staff,
    )
