"""The Commission's triage desk: access, the queue and its filters, deciding on one offer,
bulk changes, duplicates, the dashboard, and the queue's query budget."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from offers.models import Offer, OfferStatus, OfferTransition
from offers.services import offer_assign
from offers.views.triage import QUEUE_PAGE_SIZE
from portal.accounts.roles import Role
from portal.core.models import Category
from tests.clusters.factories import make_cluster
from tests.factories import make_user
from tests.offers.factories import make_offer

S = OfferStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, commission_staff):
    client.force_login(commission_staff)
    return client


@pytest.fixture
def cluster(cluster_manager):
    return make_cluster(by=cluster_manager, name="Health Valley")


def ids(response):
    return {offer.pk for offer in response.context["offers"]}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Access ----------------------------------------------------------------------------------

GET_PAGES = [
    "triage",
    "triage_dashboard",
    "triage_export_csv",
    "triage_export_xlsx",
    "triage_offer",
]
POST_ACTIONS = ["triage_bulk", "triage_transition", "triage_assign", "triage_duplicate"]
WITH_PK = {"triage_offer", "triage_transition", "triage_assign", "triage_duplicate"}


def url_for(name, offer):
    kwargs = {"pk": offer.pk} if name in WITH_PK else {}
    return reverse(f"offers:{name}", kwargs=kwargs)


@pytest.fixture
def submitted_offer(company_user, commission_staff):
    return make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)


@pytest.mark.parametrize("name", GET_PAGES + POST_ACTIONS)
def test_anonymous_user_is_sent_to_log_in(client, name, submitted_offer):
    url = url_for(name, submitted_offer)
    response = client.post(url) if name in POST_ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["company_user", "cluster_manager", "authority"])
@pytest.mark.parametrize("name", GET_PAGES + POST_ACTIONS)
def test_other_roles_are_refused(client, request, role, name, submitted_offer):
    client.force_login(request.getfixturevalue(role))
    url = url_for(name, submitted_offer)
    data = {
        "offers": [submitted_offer.pk],
        "action": "assign",
        "assignee": "me",
        "to": "under_review",
    }
    response = client.post(url, data) if name in POST_ACTIONS else client.get(url)
    assert response.status_code == 403
    submitted_offer.refresh_from_db()
    assert submitted_offer.status == S.SUBMITTED
    assert submitted_offer.assignee is None


@pytest.mark.parametrize("name", GET_PAGES)
def test_staff_open_every_triage_page(staff_client, name, submitted_offer):
    response = staff_client.get(url_for(name, submitted_offer))
    assert response.status_code == 200


def test_superuser_counts_as_staff(client, superuser, submitted_offer):
    client.force_login(superuser)
    assert client.get(reverse("offers:triage")).status_code == 200


def test_staff_see_the_triage_desk_in_the_header(staff_client, client, company_user):
    assert reverse("offers:triage") in staff_client.get(reverse("accounts:me")).content.decode()
    client.force_login(company_user)
    assert reverse("offers:triage") not in client.get(reverse("accounts:me")).content.decode()


# --- The queue -------------------------------------------------------------------------------


def test_queue_shows_offers_waiting_for_a_decision_by_default(
    staff_client, company_user, commission_staff
):
    waiting = {
        make_offer(by=company_user, status=status, staff=commission_staff).pk
        for status in (S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFORMATION)
    }
    for status in (S.DRAFT, S.ACCEPTED, S.REJECTED):
        make_offer(by=company_user, status=status, staff=commission_staff)
    response = staff_client.get(reverse("offers:triage"))
    assert ids(response) == waiting
    assert response.context["status_defaulted"]
    assert "No status is chosen, so the queue shows the offers waiting for a decision" in (
        response.content.decode()
    )


def test_queue_status_filter_replaces_the_default(staff_client, company_user, commission_staff):
    accepted = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)
    response = staff_client.get(reverse("offers:triage"), {"status": "accepted"})
    assert ids(response) == {accepted.pk}
    assert not response.context["status_defaulted"]


def test_queue_filters_change_the_results(
    staff_client, company_user, cluster_manager, cluster, commission_staff
):
    gloves = Category.objects.get(slug="ppe-gloves")
    ventilators = Category.objects.get(slug="medical-devices-ventilators")
    masks_be = make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)
    gloves_it = make_offer(
        by=company_user,
        status=S.UNDER_REVIEW,
        staff=commission_staff,
        category=gloves,
        company_country="IT",
        delivery_countries=["IT", "FR"],
        title="Nitrile gloves",
    )
    channelled = make_offer(
        by=cluster_manager,
        status=S.SUBMITTED,
        staff=commission_staff,
        cluster=cluster,
        category=ventilators,
        company_country="DE",
        title="Ventilators",
    )
    url = reverse("offers:triage")

    def get(**params):
        return ids(staff_client.get(url, params))

    assert get() == {masks_be.pk, gloves_it.pk, channelled.pk}
    assert get(country="IT") == {gloves_it.pk}
    assert get(delivers_to="FR") == {gloves_it.pk}
    assert get(category="ppe-gloves") == {gloves_it.pk}
    assert get(category="ppe") == {masks_be.pk, gloves_it.pk}  # a parent covers its children
    assert get(cluster=cluster.pk) == {channelled.pk}
    assert get(status="under_review") == {gloves_it.pk}
    assert get(q="Nitrile") == {gloves_it.pk}

    offer_assign(offer=gloves_it, assignee=commission_staff, by=commission_staff)
    assert get(assignee="me") == {gloves_it.pk}
    assert get(assignee="none") == {masks_be.pk, channelled.pk}
    assert get(assignee="") == {masks_be.pk, gloves_it.pk, channelled.pk}

    masks_be.possible_duplicates.add(channelled)
    assert get(has_duplicates="true") == {masks_be.pk, channelled.pk}
    assert get(has_duplicates="false") == {gloves_it.pk}

    Offer.objects.filter(pk=masks_be.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    assert get(older_than_days="7") == {masks_be.pk}


def test_queue_filter_form_shows_the_chosen_values(staff_client, submitted_offer):
    response = staff_client.get(
        reverse("offers:triage"),
        {"has_duplicates": "true", "assignee": "me", "status": "accepted", "sort": "submitted"},
    )
    html = response.content.decode()
    assert '<option value="true" selected>Only with possible duplicates</option>' in html
    assert '<option value="me" selected>Me</option>' in html
    assert '<option value="submitted" selected>' in html
    assert 'value="accepted" checked' in html
    assert not response.context["status_defaulted"]
    assert response.context["is_filtered"]
    plain = staff_client.get(reverse("offers:triage"), {"has_duplicates": "unknown", "q": ""})
    assert not plain.context["is_filtered"]


def test_queue_shows_the_columns_and_duplicate_badge(
    staff_client, cluster_manager, cluster, commission_staff
):
    first = make_offer(
        by=cluster_manager,
        status=S.SUBMITTED,
        staff=commission_staff,
        cluster=cluster,
        company_name="Maskworks",
    )
    second = make_offer(by=cluster_manager, status=S.SUBMITTED, cluster=cluster)
    first.possible_duplicates.add(second)
    response = staff_client.get(reverse("offers:triage"))
    html = response.content.decode()
    rows = {offer.pk: offer for offer in response.context["offers"]}
    assert rows[first.pk].duplicate_count == 1
    assert "Maskworks" in html
    assert "Health Valley" in html
    assert (
        '<span class="portal-badge">1<span class="portal-visually-hidden"> possible duplicate</span>'
        in html
    )
    assert reverse("offers:triage_offer", kwargs={"pk": first.pk}) in html


def test_queue_pages_keep_the_filters(staff_client, company_user, commission_staff):
    for _ in range(3):
        make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)
    from offers.views.triage import TriageQueueView

    TriageQueueView.paginate_by = 2
    try:
        response = staff_client.get(reverse("offers:triage"), {"country": "BE", "page": "1"})
    finally:
        TriageQueueView.paginate_by = QUEUE_PAGE_SIZE
    html = response.content.decode()
    assert "?country=BE&amp;page=2" in html
    assert 'href="/triage/export.csv?country=BE"' in html


# --- One offer -------------------------------------------------------------------------------


def test_offer_page_shows_every_field_history_and_forms(
    staff_client, company_user, commission_staff
):
    offer = make_offer(
        by=company_user,
        status=S.UNDER_REVIEW,
        staff=commission_staff,
        registration_number="BE0123456789",
        price_indication="2 EUR a piece",
    )
    response = staff_client.get(reverse("offers:triage_offer", kwargs={"pk": offer.pk}))
    html = response.content.decode()
    for text in (offer.title, "BE0123456789", "2 EUR a piece", offer.contact_email, "EN 149"):
        assert text in html
    assert [t.to_status for t in response.context["transitions"]] == [
        S.SUBMITTED,
        S.UNDER_REVIEW,
    ]
    # Staff are offered only the changes the table allows from "under review" (duplicates
    # have their own form, which names the original).
    offered = [
        value for value, _label in response.context["transition_form"].fields["to"].widget.choices
    ]
    assert offered == [S.ACCEPTED, S.NEEDS_INFORMATION, S.REJECTED]
    assert response.context["can_mark_duplicate"]


def test_staff_assign_an_offer_to_themselves_and_release_it(
    staff_client, submitted_offer, commission_staff
):
    url = reverse("offers:triage_assign", kwargs={"pk": submitted_offer.pk})
    response = staff_client.post(url, {"assignee": "me"})
    assert response.status_code == 302
    submitted_offer.refresh_from_db()
    assert submitted_offer.assignee == commission_staff
    staff_client.post(url, {"assignee": "none"})
    submitted_offer.refresh_from_db()
    assert submitted_offer.assignee is None


def test_assign_takes_over_from_a_colleague(staff_client, submitted_offer, commission_staff):
    colleague = make_user(Role.COMMISSION)
    offer_assign(offer=submitted_offer, assignee=colleague, by=colleague)
    staff_client.post(
        reverse("offers:triage_assign", kwargs={"pk": submitted_offer.pk}), {"assignee": "me"}
    )
    submitted_offer.refresh_from_db()
    assert submitted_offer.assignee == commission_staff


def test_transition_through_the_page_records_history_with_note_and_author(
    staff_client, company_user, commission_staff, mailoutbox
):
    offer = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    url = reverse("offers:triage_transition", kwargs={"pk": offer.pk})
    response = staff_client.post(url, {"to": "accepted", "note": "Certificates checked."})
    assert response.status_code == 302
    assert response["Location"] == reverse("offers:triage_offer", kwargs={"pk": offer.pk})
    offer.refresh_from_db()
    assert offer.status == S.ACCEPTED
    assert offer.first_decision_at is not None
    last = offer.transitions.latest("at", "pk")
    assert (last.from_status, last.to_status) == (S.UNDER_REVIEW, S.ACCEPTED)
    assert last.by == commission_staff
    assert last.note == "Certificates checked."
    page = staff_client.get(reverse("offers:triage_offer", kwargs={"pk": offer.pk}))
    assert "Certificates checked." in page.content.decode()


def test_illegal_transition_shows_an_error_and_changes_nothing(staff_client, submitted_offer):
    before = OfferTransition.objects.filter(offer=submitted_offer).count()
    url = reverse("offers:triage_transition", kwargs={"pk": submitted_offer.pk})
    response = staff_client.post(url, {"to": "accepted", "note": "Too fast"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "An offer that is “Submitted” cannot become “Accepted”." in html
    assert response.context["transition_form"].errors["to"]
    submitted_offer.refresh_from_db()
    assert submitted_offer.status == S.SUBMITTED
    assert submitted_offer.first_decision_at is None
    assert OfferTransition.objects.filter(offer=submitted_offer).count() == before


def test_transition_the_poster_alone_may_make_is_refused_to_staff(
    staff_client, company_user, commission_staff
):
    offer = make_offer(by=company_user, status=S.NEEDS_INFORMATION, staff=commission_staff)
    url = reverse("offers:triage_transition", kwargs={"pk": offer.pk})
    response = staff_client.post(url, {"to": "submitted"})
    assert response.status_code == 200
    assert "You cannot make this change." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == S.NEEDS_INFORMATION


def test_transition_without_a_status_is_a_field_error(staff_client, submitted_offer):
    url = reverse("offers:triage_transition", kwargs={"pk": submitted_offer.pk})
    response = staff_client.post(url, {"to": ""})
    assert response.status_code == 200
    assert "to" in response.context["transition_form"].errors


def test_unknown_offer_is_404(staff_client):
    assert (
        staff_client.get(reverse("offers:triage_offer", kwargs={"pk": 999999})).status_code == 404
    )
    url = reverse("offers:triage_transition", kwargs={"pk": 999999})
    assert staff_client.post(url, {"to": "accepted"}).status_code == 404


# --- Bulk ------------------------------------------------------------------------------------


def test_bulk_transition_reports_partial_success(staff_client, company_user, commission_staff):
    first = make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)
    second = make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)
    stuck = make_offer(
        by=company_user, status=S.ACCEPTED, staff=commission_staff, title="Accepted gowns"
    )
    response = staff_client.post(
        reverse("offers:triage_bulk"),
        {
            "action": "transition",
            "to_status": "under_review",
            "note": "Batch review",
            "offers": [first.pk, stuck.pk, second.pk, 999999],
            "query": "status=submitted&status=accepted&page=3",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/triage/?status=submitted&status=accepted"
    statuses = dict(
        Offer.objects.filter(pk__in=[first.pk, second.pk, stuck.pk]).values_list("pk", "status")
    )
    assert statuses == {first.pk: S.UNDER_REVIEW, second.pk: S.UNDER_REVIEW, stuck.pk: S.ACCEPTED}
    for offer in (first, second):
        last = offer.transitions.latest("at", "pk")
        assert (last.to_status, last.by, last.note) == (
            S.UNDER_REVIEW,
            commission_staff,
            "Batch review",
        )
    report = messages_of(response)
    assert report[0] == "2 offers moved to “Under review”."
    assert "2 of 4 selected offers were not changed:" in report[1]
    assert (
        f"#{stuck.pk} “Accepted gowns”: An offer that is “Accepted” cannot become “Under review”."
        in report[1]
    )
    assert "#999999: There is no such offer." in report[1]
    # The report is shown on the queue it returns to.
    page = staff_client.get(response["Location"])
    assert "2 of 4 selected offers were not changed" in page.content.decode()


def test_bulk_assign_to_me(staff_client, company_user, commission_staff):
    offers = [
        make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff) for _ in range(2)
    ]
    response = staff_client.post(
        reverse("offers:triage_bulk"), {"action": "assign", "offers": [o.pk for o in offers]}
    )
    assert messages_of(response) == ["2 offers are now assigned to you."]
    assert set(Offer.objects.filter(assignee=commission_staff).values_list("pk", flat=True)) == {
        o.pk for o in offers
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "transition", "to_status": "under_review"}, "Select at least one offer."),
        (
            {"action": "transition", "offers": ["1"]},
            "Choose the status to move the selected offers to.",
        ),
        (
            {"action": "transition", "offers": ["x"], "to_status": "accepted"},
            "The selection is not valid",
        ),
    ],
)
def test_bulk_form_errors_are_reported(staff_client, submitted_offer, data, message):
    response = staff_client.post(reverse("offers:triage_bulk"), data)
    assert response.status_code == 302
    assert any(message in m for m in messages_of(response))
    submitted_offer.refresh_from_db()
    assert submitted_offer.status == S.SUBMITTED


# --- Duplicates ------------------------------------------------------------------------------


def test_mark_duplicate_keeps_both_clusters_visible_on_the_original(
    staff_client, cluster_manager, other_cluster_manager, commission_staff
):
    north = make_cluster(by=cluster_manager, name="North Health Cluster")
    south = make_cluster(by=other_cluster_manager, name="South Medtech Cluster")
    original = make_offer(
        by=cluster_manager,
        status=S.UNDER_REVIEW,
        staff=commission_staff,
        cluster=north,
        company_name="Maskworks",
        registration_number="BE0999",
    )
    duplicate = make_offer(
        by=other_cluster_manager,
        status=S.UNDER_REVIEW,
        staff=commission_staff,
        cluster=south,
        company_name="Maskworks",
        registration_number="BE0999",
    )
    duplicate.possible_duplicates.add(original)
    page = staff_client.get(reverse("offers:triage_offer", kwargs={"pk": duplicate.pk}))
    assert page.context["possible_duplicates"] == [original]

    response = staff_client.post(
        reverse("offers:triage_duplicate", kwargs={"pk": duplicate.pk}),
        {"duplicate_of": original.pk, "note": "Same masks, second cluster."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("offers:triage_offer", kwargs={"pk": original.pk})
    duplicate.refresh_from_db()
    assert duplicate.status == S.DUPLICATE
    assert duplicate.duplicate_of == original
    assert duplicate.transitions.latest("at", "pk").note == "Same masks, second cluster."

    page = staff_client.get(response["Location"])
    assert page.context["channelling_clusters"] == [north, south]
    html = page.content.decode()
    assert "North Health Cluster" in html
    assert "South Medtech Cluster" in html


def test_duplicates_follow_their_original_when_it_becomes_a_duplicate(
    staff_client, company_user, cluster_manager, other_cluster_manager, commission_staff
):
    north = make_cluster(by=cluster_manager, name="North Health Cluster")
    south = make_cluster(by=other_cluster_manager, name="South Medtech Cluster")
    first = make_offer(
        by=cluster_manager, status=S.UNDER_REVIEW, cluster=north, staff=commission_staff
    )
    second = make_offer(
        by=other_cluster_manager, status=S.UNDER_REVIEW, cluster=south, staff=commission_staff
    )
    third = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)

    def mark(offer, original):
        url = reverse("offers:triage_duplicate", kwargs={"pk": offer.pk})
        assert staff_client.post(url, {"other": original.pk}).status_code == 302

    mark(second, first)
    mark(first, third)
    assert set(Offer.objects.filter(duplicate_of=third).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    page = staff_client.get(reverse("offers:triage_offer", kwargs={"pk": third.pk}))
    assert set(page.context["channelling_clusters"]) == {north, south}


def test_mark_duplicate_by_number(staff_client, company_user, commission_staff):
    original = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    offer = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    response = staff_client.post(
        reverse("offers:triage_duplicate", kwargs={"pk": offer.pk}), {"other": original.pk}
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.duplicate_of == original


@pytest.mark.parametrize("other", ["self", "999999", ""])
def test_mark_duplicate_refuses_bad_originals(staff_client, company_user, commission_staff, other):
    offer = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    value = str(offer.pk) if other == "self" else other
    response = staff_client.post(
        reverse("offers:triage_duplicate", kwargs={"pk": offer.pk}), {"other": value}
    )
    assert response.status_code == 200
    assert response.context["duplicate_form"].errors
    offer.refresh_from_db()
    assert (offer.status, offer.duplicate_of) == (S.UNDER_REVIEW, None)


def test_marking_an_original_as_duplicate_of_its_own_duplicate_is_refused(
    staff_client, company_user, commission_staff
):
    first = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    second = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    staff_client.post(
        reverse("offers:triage_duplicate", kwargs={"pk": second.pk}), {"other": first.pk}
    )
    response = staff_client.post(
        reverse("offers:triage_duplicate", kwargs={"pk": first.pk}), {"other": second.pk}
    )
    assert response.status_code == 200
    assert "An offer cannot duplicate itself." in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.duplicate_of) == (S.UNDER_REVIEW, None)


def test_mark_duplicate_of_a_submitted_offer_is_refused_clearly(
    staff_client, submitted_offer, company_user, commission_staff
):
    original = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    response = staff_client.post(
        reverse("offers:triage_duplicate", kwargs={"pk": submitted_offer.pk}),
        {"other": original.pk},
    )
    assert response.status_code == 200
    assert "An offer that is “Submitted” cannot become “Duplicate”." in response.content.decode()
    submitted_offer.refresh_from_db()
    assert submitted_offer.duplicate_of is None


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_counts_and_median_time_to_decision(
    staff_client, company_user, cluster_manager, cluster, commission_staff
):
    start = timezone.now() - datetime.timedelta(days=30)
    decided = [
        make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff),
        make_offer(
            by=company_user, status=S.REJECTED, staff=commission_staff, company_country="IT"
        ),
        make_offer(
            by=cluster_manager,
            status=S.ACCEPTED,
            staff=commission_staff,
            cluster=cluster,
            category=Category.objects.get(slug="ppe-gloves"),
        ),
    ]
    waiting = make_offer(by=company_user, status=S.SUBMITTED, staff=commission_staff)
    make_offer(by=company_user, status=S.DRAFT)  # never submitted: not counted
    for offer, hours in zip(decided, (2, 10, 30), strict=True):
        Offer.objects.filter(pk=offer.pk).update(
            submitted_at=start, first_decision_at=start + datetime.timedelta(hours=hours)
        )
    Offer.objects.filter(pk=waiting.pk).update(submitted_at=start, first_decision_at=None)

    response = staff_client.get(reverse("offers:triage_dashboard"))
    context = response.context
    assert context["total"] == 4
    assert context["median_hours"] == 10.0
    tables = {
        table["id"]: {row["label"]: row["n"] for row in table["rows"]}
        for table in context["tables"]
    }
    assert tables["by-status"] == {"Accepted": 2, "Rejected": 1, "Submitted": 1}
    assert tables["by-country"] == {"Belgium": 3, "Italy": 1}
    assert tables["by-cluster"] == {"Direct offers (no cluster)": 3, "Health Valley": 1}
    assert tables["by-category"] == {
        "Personal protective equipment › Face masks and respirators": 3,
        "Personal protective equipment › Gloves": 1,
    }
    html = response.content.decode()
    assert "10.0 hours" in html
    assert '<th class="ecl-table__header" scope="col">Status</th>' in html


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (None, None),
        (0.25, ("15 minutes", "")),
        (10.0, ("10.0 hours", "")),
        (72.0, ("3.0 days", "72.0 hours")),
    ],
)
def test_median_is_said_in_minutes_hours_or_days(hours, expected):
    from offers.views.triage_reports import duration_text

    assert duration_text(hours) == expected


def test_bulk_refusal_says_when_an_offer_is_already_there(
    staff_client, company_user, commission_staff
):
    offer = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    response = staff_client.post(
        reverse("offers:triage_bulk"),
        {"action": "transition", "to_status": "under_review", "offers": [offer.pk]},
    )
    assert "It is already “Under review”." in messages_of(response)[0]


def test_dashboard_says_when_no_decision_is_made_yet(staff_client, submitted_offer):
    response = staff_client.get(reverse("offers:triage_dashboard"))
    assert response.context["median_hours"] is None
    assert "No decision yet" in response.content.decode()


# --- Query budget ----------------------------------------------------------------------------

# session, user, count, the page of rows, and the choices of three filters (categories,
# clusters, ecosystems)
QUEUE_QUERY_BUDGET = 7


def _fill_queue(n, *, company_user, cluster_manager, commission_staff):
    cluster = Cluster.objects.first() or make_cluster(by=cluster_manager)
    previous = None
    for i in range(n):
        if i % 2:
            offer = make_offer(
                by=cluster_manager, status=S.SUBMITTED, cluster=cluster, staff=commission_staff
            )
        else:
            offer = make_offer(
                by=company_user, status=S.SUBMITTED, staff=commission_staff, quantity=Decimal(i + 1)
            )
        if i % 3 == 0:
            offer_assign(offer=offer, assignee=commission_staff, by=commission_staff)
        if previous is not None and i % 4 == 0:
            offer.possible_duplicates.add(previous)
        previous = offer


@pytest.mark.parametrize("n", [5, 50])
def test_queue_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries, company_user, cluster_manager, commission_staff, n
):
    _fill_queue(
        n,
        company_user=company_user,
        cluster_manager=cluster_manager,
        commission_staff=commission_staff,
    )
    with django_assert_max_num_queries(QUEUE_QUERY_BUDGET):
        response = staff_client.get(reverse("offers:triage"))
    assert response.status_code == 200
    assert len(response.context["offers"]) == n
