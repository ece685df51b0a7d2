"""A cluster manager's "My profiles" shows the open calls for their clusters, with a
reminder button each."""

import datetime

import pytest

from funding import services
from portal.core.models import Ecosystem
from tests.clusters.factories import make_cluster
from tests.funding.factories import closed_call, open_call

pytestmark = pytest.mark.django_db


def eco(*slugs):
    return list(Ecosystem.objects.filter(slug__in=slugs))


def test_a_manager_sees_the_open_calls_for_their_clusters(
    client, cluster_manager, commission_staff
):
    make_cluster(by=cluster_manager, name="Lodz Health", country="PL", ecosystems=eco("health"))
    fits = open_call(by=commission_staff, title="Health value chains", ecosystems=("health",))
    open_call(by=commission_staff, title="Tourism recovery", ecosystems=("tourism",))
    closed_call(by=commission_staff, title="Old health call", ecosystems=("health",))
    client.force_login(cluster_manager)

    html = client.get("/my/profiles/").content.decode()

    assert "Open calls for your clusters" in html
    assert "Health value chains" in html and f"/funding/calls/{fits.pk}/reminder/" in html
    assert "Tourism recovery" not in html and "Old health call" not in html
    assert "Remind me a week before the deadline" in html


def test_the_panel_shows_a_reminder_already_asked_for(client, cluster_manager, commission_staff):
    make_cluster(by=cluster_manager, ecosystems=eco("health"))
    call = open_call(by=commission_staff, ecosystems=("health",))
    services.call_reminder_request(call=call, by=cluster_manager)
    client.force_login(cluster_manager)

    html = client.get("/my/profiles/").content.decode()

    assert "Reminder set for" in html and "Cancel the reminder" in html


def test_another_manager_does_not_see_the_calls_for_clusters_they_do_not_manage(
    client, cluster_manager, other_cluster_manager, commission_staff
):
    make_cluster(by=cluster_manager, ecosystems=eco("health"))
    make_cluster(by=other_cluster_manager, ecosystems=eco("textile"), country="PT")
    open_call(by=commission_staff, title="Health only", ecosystems=("health",))
    client.force_login(other_cluster_manager)

    assert "Health only" not in client.get("/my/profiles/").content.decode()


def test_my_profiles_keeps_a_query_budget_with_the_calls(
    client, cluster_manager, commission_staff, django_assert_max_num_queries
):
    for n in range(5):
        make_cluster(by=cluster_manager, name=f"Cluster {n}", ecosystems=eco("health", "digital"))
    for n in range(8):
        call = open_call(by=commission_staff, title=f"Call {n}", ecosystems=("health",))
        if n % 2:
            services.call_reminder_request(call=call, by=cluster_manager)
    client.force_login(cluster_manager)

    # session, user, clusters, projects; the calls: clusters' ecosystems, calls with their
    # programme, their ecosystems, the manager's reminders.
    with django_assert_max_num_queries(10):
        response = client.get("/my/profiles/")

    assert response.status_code == 200
    assert len(response.context["open_calls"]) == 8


def test_a_reminder_asked_for_in_the_last_week_is_on_its_way(
    client, cluster_manager, commission_staff
):
    make_cluster(by=cluster_manager, ecosystems=eco("health"))
    call = open_call(
        by=commission_staff, ecosystems=("health",), closes_in=datetime.timedelta(days=3)
    )
    services.call_reminder_request(call=call, by=cluster_manager)
    client.force_login(cluster_manager)

    html = client.get("/my/profiles/").content.decode()

    assert "Reminder on its way" in html and "Reminder set for" not in html
