"""The Commission's assessment in the browser (the queue, each step of the table, merging,
escalation) and the solutions linked to an alert.

Each action is tried by every role: staff succeed and the change is recorded; everyone else
is refused (sent to log in, 403 or 404) and nothing changes. Illegal steps are refused with a
message on the alert's page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from alerts.models import (
    Alert,
    AlertClusterLink,
    AlertOfferLink,
    AlertStatus,
    AlertTransition,
    TransitionKind,
)
from alerts.services import alert_link_cluster, alert_link_offer
from offers.models import OfferStatus
from portal.accounts.roles import Role
from tests.alerts import test_pages as pages
from tests.alerts.factories import make_alert
from tests.alerts.test_pages import NOTE, ROLES, assert_login_redirect, client_for
from tests.factories import make_user
from tests.offers.factories import make_offer

# The world of roles and alerts the pages' tests use.
crowd = pages.crowd
media = pages.media
world = pages.world

NOT_STAFF = [role for role in ROLES if role not in ("staff", "anonymous")]


def follow_messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def status_of(alert: Alert) -> str:
    return Alert.objects.values_list("status", flat=True).get(pk=alert.pk)


# --- the queue --------------------------------------------------------------------------


def test_the_queue_lists_waiting_alerts_oldest_first(client, world):
    client.force_login(world.users["staff"])

    response = client.get(reverse("alerts:queue"))

    assert response.status_code == 200
    assert [a.title for a in response.context["alerts"]] == [
        "Waiting plastic granulate alert",
        "Assessed lithium alert",
    ]
    # The staff queue never shows the note (it is on the alert's page).
    assert NOTE.encode() not in response.content


def test_the_queue_counts_similar_open_alerts(client, world):
    staff = world.users["staff"]
    client.force_login(staff)
    twin = make_alert(
        by=world.users["authority"], title="Waiting plastic granulate alert, again in France"
    )

    response = client.get(reverse("alerts:queue"))

    counts = {a.pk: a.similar_count for a in response.context["alerts"]}
    # Same ecosystem and materials as the waiting alert and the confirmed one (open too).
    assert counts[world.reported.pk] == 2
    assert counts[twin.pk] == 2
    # Lithium shares neither materials, type nor title with anything open.
    assert counts[world.under_assessment.pk] == 0
    assert f'href="{world.reported.get_absolute_url()}#similar"' in response.content.decode()


def test_the_queue_filters(client, world):
    client.force_login(world.users["staff"])

    reported = client.get(reverse("alerts:queue"), {"status": "reported"})
    confirmed = client.get(reverse("alerts:queue"), {"status": "confirmed"})
    lithium = client.get(reverse("alerts:queue"), {"q": "lithium"})

    assert [a.title for a in reported.context["alerts"]] == ["Waiting plastic granulate alert"]
    # Only waiting statuses are offered: another one is a form error, not a leak.
    assert confirmed.context["filter_form"].errors
    assert list(confirmed.context["alerts"]) == []
    assert [a.title for a in lithium.context["alerts"]] == ["Assessed lithium alert"]


@pytest.mark.parametrize("role", ROLES)
def test_the_queue_is_for_staff_only(client, world, role):
    response = client_for(client, world, role).get(reverse("alerts:queue"))

    if role == "anonymous":
        assert_login_redirect(response)
    elif role == "staff":
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert NOTE.encode() not in response.content


def test_the_queue_has_a_fixed_query_budget(client, crowd, django_assert_max_num_queries):
    client.force_login(crowd.users["staff"])

    with django_assert_max_num_queries(9):
        response = client.get(reverse("alerts:queue"))

    assert len(response.context["alerts"]) >= 13


# --- status changes ---------------------------------------------------------------------


def transition(client, alert: Alert, to: str, note: str = ""):
    return client.post(
        reverse("alerts:transition", args=[alert.pk]), {"to": to, "note": note}, follow=True
    )


@pytest.mark.parametrize(
    ("start", "to", "note"),
    [
        ("reported", AlertStatus.UNDER_ASSESSMENT, ""),
        ("under_assessment", AlertStatus.CONFIRMED, "Checked with two clusters."),
        ("under_assessment", AlertStatus.DISMISSED, "Not a disruption of supply."),
        ("confirmed", AlertStatus.RESOLVED, "Other producers deliver again."),
    ],
)
def test_each_legal_step_works_through_the_page_and_is_recorded(
    client, world, start, to, note, mailoutbox, django_capture_on_commit_callbacks
):
    staff = world.users["staff"]
    alert: Alert = getattr(world, start)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = transition(client, alert, to, note)

    assert response.redirect_chain[-1][0] == alert.get_absolute_url()
    assert status_of(alert) == to
    step = AlertTransition.objects.filter(alert=alert).latest("created_at", "pk")
    assert (step.from_status, step.to_status, step.by, step.note) == (start, to, staff, note)
    assert "is now" in follow_messages(response)
    assert any(alert.title in m.subject for m in mailoutbox)  # the reporter is told


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("reported", AlertStatus.CONFIRMED),
        ("reported", AlertStatus.DISMISSED),
        ("under_assessment", AlertStatus.RESOLVED),
        ("confirmed", AlertStatus.DISMISSED),
        ("resolved", AlertStatus.CONFIRMED),
        ("dismissed", AlertStatus.UNDER_ASSESSMENT),
        ("merged", AlertStatus.CONFIRMED),
        ("confirmed", AlertStatus.REPORTED),
    ],
)
def test_an_illegal_step_is_refused_with_a_message(client, world, start, to):
    alert: Alert = getattr(world, start)
    steps = AlertTransition.objects.filter(alert=alert).count()
    client.force_login(world.users["staff"])

    response = transition(client, alert, to, "A note.")

    assert response.status_code == 200
    assert "cannot become" in follow_messages(response)
    assert status_of(alert) == start
    assert AlertTransition.objects.filter(alert=alert).count() == steps


def test_merging_needs_the_merge_form_not_a_plain_step(client, world):
    client.force_login(world.users["staff"])

    response = transition(client, world.under_assessment, AlertStatus.MERGED, "Same.")

    assert "Name the alert to merge this one into" in follow_messages(response)
    assert status_of(world.under_assessment) == AlertStatus.UNDER_ASSESSMENT


def test_dismissing_needs_a_note(client, world):
    client.force_login(world.users["staff"])

    response = transition(client, world.under_assessment, AlertStatus.DISMISSED, "  ")

    assert "Say why" in follow_messages(response)
    assert status_of(world.under_assessment) == AlertStatus.UNDER_ASSESSMENT


def test_an_unknown_status_is_refused_with_a_message(client, world):
    client.force_login(world.users["staff"])

    response = transition(client, world.reported, "approved")

    assert "valid choice" in follow_messages(response)
    assert status_of(world.reported) == AlertStatus.REPORTED


@pytest.mark.parametrize("role", [*NOT_STAFF, "anonymous"])
def test_only_staff_change_a_status(client, world, role):
    client_for(client, world, role)
    url = reverse("alerts:transition", args=[world.reported.pk])

    response = client.post(url, {"to": AlertStatus.UNDER_ASSESSMENT})

    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == 403
        assert NOTE.encode() not in response.content
    assert status_of(world.reported) == AlertStatus.REPORTED
    assert AlertTransition.objects.filter(alert=world.reported).count() == 1


def test_staff_see_only_the_steps_allowed_now(client, world):
    client.force_login(world.users["staff"])

    reported = client.get(world.reported.get_absolute_url()).content.decode()
    assessing = client.get(world.under_assessment.get_absolute_url()).content.decode()
    dismissed = client.get(world.dismissed.get_absolute_url()).content.decode()

    assert 'value="under_assessment"' in reported
    assert 'value="confirmed"' not in reported
    assert 'value="confirmed"' in assessing
    assert 'value="dismissed"' in assessing
    assert reverse("alerts:merge", args=[world.under_assessment.pk]) in assessing
    assert reverse("alerts:merge", args=[world.reported.pk]) not in reported
    assert reverse("alerts:transition", args=[world.dismissed.pk]) not in dismissed


def test_assessment_actions_are_post_only(client, world):
    client.force_login(world.users["staff"])

    for name in ("transition", "merge", "escalate"):
        response = client.get(reverse(f"alerts:{name}", args=[world.confirmed.pk]))
        assert response.status_code == 405


# --- merging ----------------------------------------------------------------------------


@pytest.fixture
def twin(world) -> Alert:
    """Another report of the confirmed alert's disruption, by another cluster's manager,
    under assessment."""
    from tests.clusters.factories import make_cluster

    manager = make_user(Role.CLUSTER_MANAGER, email="mira@cluster.example.eu")
    cluster = make_cluster(by=manager, name="Twin Cluster")
    return make_alert(
        by=manager,
        cluster=cluster,
        status=AlertStatus.UNDER_ASSESSMENT,
        staff=world.users["staff"],
        title="Visor granulate missing in Wallonia",
    )


def test_a_similar_alert_is_suggested_and_merging_keeps_both_reporters(client, world, twin):
    staff = world.users["staff"]
    client.force_login(staff)
    page = client.get(twin.get_absolute_url())
    assert world.confirmed in page.context["similar"]
    assert f'value="{world.confirmed.pk}"' in page.content.decode()

    response = client.post(
        reverse("alerts:merge", args=[twin.pk]),
        {"into": world.confirmed.pk, "note": "Same granulate shortage."},
        follow=True,
    )

    twin.refresh_from_db()
    assert twin.status == AlertStatus.MERGED
    assert twin.merged_into == world.confirmed
    step = twin.transitions.latest("created_at", "pk")
    assert (step.to_status, step.by, step.note) == (
        AlertStatus.MERGED,
        staff,
        "Same granulate shortage.",
    )
    assert response.redirect_chain[-1][0] == world.confirmed.get_absolute_url()
    assert "is merged into this one" in follow_messages(response)
    # The target's page lists every reporter of the group, staff's and a logged-in user's.
    html = response.content.decode()
    for reporter in (world.users["manager"], world.users["authority"], twin.reported_by):
        assert reporter.get_full_name() in html
    client.force_login(world.users["company"])
    public = client.get(world.confirmed.get_absolute_url()).content.decode()
    assert twin.reported_by.get_full_name() in public
    assert "+2 similar reports" in public


def test_merging_by_number(client, world, twin):
    client.force_login(world.users["staff"])

    client.post(reverse("alerts:merge", args=[world.under_assessment.pk]), {"number": twin.pk})

    assert Alert.objects.get(pk=world.under_assessment.pk).merged_into_id == twin.pk


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("self", "cannot be merged into itself"),
        ("dismissed", "merge only into an open alert"),
        ("missing", "There is no alert"),
        ("none", "Choose one similar alert"),
    ],
)
def test_a_bad_merge_is_refused_with_a_message(client, world, twin, target, message):
    client.force_login(world.users["staff"])
    data = {
        "self": {"number": twin.pk},
        "dismissed": {"number": world.dismissed.pk},
        "missing": {"number": 999999},
        "none": {},
    }[target]

    response = client.post(reverse("alerts:merge", args=[twin.pk]), data, follow=True)

    assert message in follow_messages(response)
    assert status_of(twin) == AlertStatus.UNDER_ASSESSMENT


def test_a_reported_alert_is_taken_under_assessment_before_merging(client, world):
    client.force_login(world.users["staff"])

    response = client.post(
        reverse("alerts:merge", args=[world.reported.pk]),
        {"number": world.confirmed.pk},
        follow=True,
    )

    assert "cannot become" in follow_messages(response)
    assert status_of(world.reported) == AlertStatus.REPORTED


@pytest.mark.parametrize("role", [*NOT_STAFF, "anonymous"])
def test_only_staff_merge(client, world, twin, role):
    client_for(client, world, role)

    response = client.post(reverse("alerts:merge", args=[twin.pk]), {"number": world.confirmed.pk})

    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == 403
    assert status_of(twin) == AlertStatus.UNDER_ASSESSMENT


# --- escalation -------------------------------------------------------------------------


@pytest.fixture
def fresh_confirmed(world) -> Alert:
    return make_alert(
        by=world.users["authority"],
        status=AlertStatus.CONFIRMED,
        staff=world.users["staff"],
        title="Gas transport infrastructure gap",
    )


def test_staff_escalate_a_confirmed_alert(client, world, fresh_confirmed):
    staff = world.users["staff"]
    client.force_login(staff)

    response = client.post(
        reverse("alerts:escalate", args=[fresh_confirmed.pk]),
        {"note": "Refineries stop next week."},
        follow=True,
    )

    fresh_confirmed.refresh_from_db()
    assert fresh_confirmed.escalated is True
    assert fresh_confirmed.escalated_by == staff
    assert fresh_confirmed.escalation_note == "Refineries stop next week."
    step = fresh_confirmed.transitions.latest("created_at", "pk")
    assert (step.kind, step.by, step.note) == (
        TransitionKind.ESCALATION,
        staff,
        "Refineries stop next week.",
    )
    assert "is escalated" in follow_messages(response)
    assert "Refineries stop next week." in response.content.decode()
    # Escalation is for staff: a logged-in user sees neither the flag nor the note.
    client.force_login(world.users["company"])
    public = client.get(fresh_confirmed.get_absolute_url()).content.decode()
    assert "Refineries stop next week." not in public
    assert "Escalated" not in public


@pytest.mark.parametrize(
    ("name", "note", "message"),
    [
        ("fresh", "", "Say why the alert is escalated"),
        ("under_assessment", "Urgent.", "Only a confirmed alert can be escalated"),
        ("confirmed", "Again.", "already escalated"),
    ],
)
def test_a_bad_escalation_is_refused_with_a_message(
    client, world, fresh_confirmed, name, note, message
):
    alert = fresh_confirmed if name == "fresh" else getattr(world, name)
    steps = AlertTransition.objects.filter(alert=alert).count()
    client.force_login(world.users["staff"])

    response = client.post(reverse("alerts:escalate", args=[alert.pk]), {"note": note}, follow=True)

    assert message in follow_messages(response)
    assert AlertTransition.objects.filter(alert=alert).count() == steps


@pytest.mark.parametrize("role", [*NOT_STAFF, "anonymous"])
def test_only_staff_escalate(client, world, fresh_confirmed, role):
    client_for(client, world, role)

    response = client.post(
        reverse("alerts:escalate", args=[fresh_confirmed.pk]), {"note": "Urgent."}
    )

    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == 403
    assert Alert.objects.get(pk=fresh_confirmed.pk).escalated is False


# --- solutions --------------------------------------------------------------------------


@pytest.fixture
def accepted_offer(world):
    return make_offer(
        by=world.users["company"],
        status=OfferStatus.ACCEPTED,
        staff=world.users["staff"],
        title="Polypropylene granulate, 40 tonnes",
    )


SOLUTIONS_PAGE = {
    # Staff and cluster managers who can see the alert; 404 to those who cannot see it.
    "manager": 200,
    "co_manager": 200,
    "other_manager": 200,
    "company": 403,
    "authority": 403,
    "unverified_authority": 403,
    "staff": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_the_solutions_page(client, world, role):
    response = client_for(client, world, role).get(
        reverse("alerts:solutions", args=[world.confirmed.pk])
    )

    if role == "anonymous":
        assert_login_redirect(response)
    else:
        assert response.status_code == SOLUTIONS_PAGE[role]
        assert NOTE.encode() not in response.content


def test_another_manager_cannot_link_to_an_alert_they_cannot_see(client, world):
    client.force_login(world.users["other_manager"])

    response = client.get(reverse("alerts:solutions", args=[world.reported.pk]))

    assert response.status_code == 404


def test_staff_link_an_accepted_offer_by_number(client, world, accepted_offer):
    staff = world.users["staff"]
    client.force_login(staff)

    response = client.post(
        reverse("alerts:solutions", args=[world.confirmed.pk]),
        {"action": "link_offer", "offer": accepted_offer.pk, "note": "Has stock."},
        follow=True,
    )

    link = AlertOfferLink.objects.get(alert=world.confirmed)
    assert (link.offer, link.added_by, link.note) == (accepted_offer, staff, "Has stock.")
    assert "is linked to this alert" in follow_messages(response)
    client.force_login(world.users["company"])
    public = client.get(world.confirmed.get_absolute_url()).content.decode()
    assert "Polypropylene granulate, 40 tonnes" in public


def test_a_manager_finds_an_offer_by_search_and_links_a_cluster(client, world, accepted_offer):
    manager = world.users["other_manager"]
    client.force_login(manager)
    url = reverse("alerts:solutions", args=[world.confirmed.pk])

    found = client.get(url, {"offer_q": "polypropylene", "cluster_q": "Other"})
    client.post(url, {"action": "link_offer", "offer": accepted_offer.pk})
    client.post(url, {"action": "link_cluster", "cluster": world.other_cluster.pk})

    assert found.context["offer_results"] == [accepted_offer]
    assert world.other_cluster in found.context["cluster_results"]
    assert AlertOfferLink.objects.get(alert=world.confirmed).added_by == manager
    assert AlertClusterLink.objects.get(alert=world.confirmed).cluster == world.other_cluster


def test_an_offer_not_accepted_is_not_linked(client, world):
    draft = make_offer(by=world.users["company"], title="Draft granulate")
    client.force_login(world.users["staff"])

    response = client.post(
        reverse("alerts:solutions", args=[world.confirmed.pk]),
        {"action": "link_offer", "offer": draft.pk},
    )

    assert "Only accepted offers" in " ".join(response.context["offer_form"].errors["offer"])
    assert not AlertOfferLink.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"action": "link_offer", "offer": 999999}, "offer", "no offer with this number"),
        ({"action": "link_offer", "offer": "x"}, "offer", "Enter a whole number"),
        ({"action": "link_cluster", "cluster": 999999}, "cluster", "no cluster with this number"),
    ],
)
def test_a_bad_link_is_a_field_error(client, world, data, field, message):
    client.force_login(world.users["staff"])

    response = client.post(reverse("alerts:solutions", args=[world.confirmed.pk]), data)

    form = response.context["offer_form" if field == "offer" else "cluster_form"]
    assert message in " ".join(form.errors[field])


def test_a_closed_alert_takes_no_new_solution(client, world, accepted_offer):
    client.force_login(world.users["staff"])
    url = reverse("alerts:solutions", args=[world.resolved.pk])

    page = client.get(url)
    response = client.post(url, {"action": "link_offer", "offer": accepted_offer.pk})

    assert "solutions are linked to open alerts only" in page.content.decode()
    assert "open alerts only" in " ".join(response.context["offer_form"].errors["offer"])
    assert not AlertOfferLink.objects.exists()


@pytest.mark.parametrize("role", ["company", "authority"])
def test_who_cannot_link_cannot_post_either(client, world, accepted_offer, role):
    client.force_login(world.users[role])

    response = client.post(
        reverse("alerts:solutions", args=[world.confirmed.pk]),
        {"action": "link_offer", "offer": accepted_offer.pk},
    )

    assert response.status_code == 403
    assert not AlertOfferLink.objects.exists()


def test_links_are_removed_by_their_author_or_staff(client, world, accepted_offer):
    staff = world.users["staff"]
    manager = world.users["manager"]
    by_staff = alert_link_offer(alert=world.confirmed, offer=accepted_offer, by=staff)
    by_manager = alert_link_cluster(alert=world.confirmed, cluster=world.other_cluster, by=manager)

    client.force_login(manager)
    refused = client.post(
        reverse("alerts:solution_remove", args=[world.confirmed.pk, "offer", by_staff.pk])
    )
    removed = client.post(
        reverse("alerts:solution_remove", args=[world.confirmed.pk, "cluster", by_manager.pk])
    )
    client.force_login(staff)
    client.post(reverse("alerts:solution_remove", args=[world.confirmed.pk, "offer", by_staff.pk]))

    assert refused.status_code == 403
    assert removed.status_code == 302
    assert not AlertClusterLink.objects.exists()
    assert not AlertOfferLink.objects.exists()


def test_removing_a_link_is_post_only_and_checks_the_alert(client, world, accepted_offer):
    link = alert_link_offer(alert=world.confirmed, offer=accepted_offer, by=world.users["staff"])
    client.force_login(world.users["staff"])

    get = client.get(reverse("alerts:solution_remove", args=[world.confirmed.pk, "offer", link.pk]))
    wrong_alert = client.post(
        reverse("alerts:solution_remove", args=[world.resolved.pk, "offer", link.pk])
    )
    wrong_kind = client.post(
        reverse("alerts:solution_remove", args=[world.confirmed.pk, "project", link.pk])
    )

    assert get.status_code == 405
    assert wrong_alert.status_code == 404
    assert wrong_kind.status_code == 404
    assert AlertOfferLink.objects.filter(pk=link.pk).exists()


def test_anonymous_users_are_sent_to_log_in_to_remove_a_link(client, world, accepted_offer):
    link = alert_link_offer(alert=world.confirmed, offer=accepted_offer, by=world.users["staff"])

    response = client.post(
        reverse("alerts:solution_remove", args=[world.confirmed.pk, "offer", link.pk])
    )

    assert_login_redirect(response)
    assert AlertOfferLink.objects.filter(pk=link.pk).exists()
