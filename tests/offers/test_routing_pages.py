"""The triage desk's routing pages: the delivery panel on an offer, the deliveries page and
"retry now", delivery counts on the dashboard, and the rules and destinations staff manage.

No intake runs here: deliveries are put in the state a test needs with a queryset update, and
"retry now" is checked right after the call, with the task it queues captured, not run.
"""

import re
import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from offers.models import Delivery, DeliveryStatus, Destination, OfferStatus, RoutingRule
from offers.routing import DEFAULT_DESTINATION_NAME, PAYLOAD_VERSION, rule_for
from offers.services.routing_rules import destination_create, routing_rule_create
from offers.views.routing import DELIVERY_PAGE_SIZE
from portal.core.models import Category, Ecosystem
from tests.clusters.factories import make_cluster
from tests.offers.factories import make_offer

S = OfferStatus
D = DeliveryStatus
pytestmark = pytest.mark.django_db

SECRET = "s3cret-Do-Not-Show-7f2a9c"
DEFAULT_SECRET = "default-Secret-Never-Shown-91b"


@pytest.fixture(autouse=True)
def _routing_settings(settings):
    settings.ROUTING_MAX_ATTEMPTS = 8
    settings.COMMISSION_INTAKE_URL = ""
    settings.COMMISSION_INTAKE_SECRET = DEFAULT_SECRET


@pytest.fixture
def staff_client(client, commission_staff):
    client.force_login(commission_staff)
    return client


@pytest.fixture
def sante():
    return Destination.objects.create(
        name="DG SANTE – medical equipment",
        intake_url="https://intake.example.eu/sante",
        secret=SECRET,
        email="sante-intake@ec.example.eu",
    )


@pytest.fixture
def grow():
    return Destination.objects.create(
        name="DG GROW – manufacturing capacity",
        intake_url="https://intake.example.eu/grow",
        secret="grow-secret",
    )


@pytest.fixture
def rule(sante):
    return RoutingRule.objects.create(
        priority=10, category=Category.objects.get(slug="ppe"), destination=sante
    )


@pytest.fixture
def accepted_offer(company_user, commission_staff):
    """Accepted, so its delivery is written (pending); the task that would send it is never
    run: the test's transaction is never committed."""
    return make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)


def make_dead(offer, **fields):
    values = {
        "status": D.DEAD,
        "attempts": 8,
        "last_error": "HTTP 503",
        "last_response_status": 503,
        "last_response_body": "<b>Service unavailable</b>",
        "claimed_at": None,
    }
    values.update(fields)
    Delivery.objects.filter(offer=offer).update(**values)
    return Delivery.objects.get(offer=offer)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def offer_page(client, offer):
    return client.get(reverse("offers:triage_offer", kwargs={"pk": offer.pk}))


# --- Access ----------------------------------------------------------------------------------

GET_PAGES = [
    "deliveries",
    "routing_rules",
    "routing_rule_create",
    "routing_rule_edit",
    "routing_rule_delete",
    "destination_create",
    "destination_edit",
]
POST_ACTIONS = [
    "delivery_retry",
    "routing_rule_create",
    "routing_rule_edit",
    "routing_rule_delete",
    "destination_create",
    "destination_edit",
]


@pytest.fixture
def world(accepted_offer, rule, sante):
    """One of everything the pages act on: a dead delivery, a rule, a destination."""
    return {
        "delivery": make_dead(accepted_offer),
        "rule": rule,
        "destination": sante,
    }


def url_for(name, world):
    pk = {
        "delivery_retry": world["delivery"].pk,
        "routing_rule_edit": world["rule"].pk,
        "routing_rule_delete": world["rule"].pk,
        "destination_edit": world["destination"].pk,
    }.get(name)
    return reverse(f"offers:{name}", kwargs={"pk": pk} if pk else {})


def state(world):
    """Everything the pages could change, to compare before and after a refused request."""
    delivery = Delivery.objects.get(pk=world["delivery"].pk)
    return (
        (delivery.status, delivery.attempts),
        list(RoutingRule.objects.values_list("pk", "priority", "active", "destination_id")),
        list(Destination.objects.values_list("pk", "name", "intake_url", "secret", "email")),
    )


# What a hostile POST would send: valid enough that only the permission check stops it.
def hostile_data(world):
    return {
        "priority": "1",
        "destination": world["destination"].pk,
        "active": "on",
        "name": "Hijacked",
        "intake_url": "https://evil.example.com/",
        "secret": "x",
    }


@pytest.mark.parametrize("name", sorted(set(GET_PAGES + POST_ACTIONS)))
def test_anonymous_user_is_sent_to_log_in(client, world, name):
    before = state(world)
    url = url_for(name, world)
    responses = [client.post(url, hostile_data(world))]
    if name in GET_PAGES:
        responses.append(client.get(url))
    for response in responses:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert state(world) == before


@pytest.mark.parametrize("role", ["company_user", "cluster_manager", "authority"])
@pytest.mark.parametrize("name", sorted(set(GET_PAGES + POST_ACTIONS)))
def test_other_roles_are_refused_and_change_nothing(client, request, world, role, name):
    client.force_login(request.getfixturevalue(role))
    before = state(world)
    url = url_for(name, world)
    assert client.post(url, hostile_data(world)).status_code == 403
    if name in GET_PAGES:
        assert client.get(url).status_code == 403
    assert state(world) == before


@pytest.mark.parametrize("name", GET_PAGES)
def test_staff_open_every_routing_page(staff_client, world, name):
    assert staff_client.get(url_for(name, world)).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["delivery_retry", "routing_rule_edit", "routing_rule_delete", "destination_edit"],
)
def test_unknown_object_is_404_for_staff(staff_client, name):
    url = reverse(f"offers:{name}", kwargs={"pk": 999999})
    assert staff_client.post(url).status_code == 404
    if name != "delivery_retry":
        assert staff_client.get(url).status_code == 404


def test_retry_is_post_only(staff_client, world):
    assert staff_client.get(url_for("delivery_retry", world)).status_code == 405


def test_triage_tabs_lead_to_deliveries_and_routing(staff_client):
    html = staff_client.get(reverse("offers:triage")).content.decode()
    assert f'href="{reverse("offers:deliveries")}">Deliveries</a>' in html
    assert f'href="{reverse("offers:routing_rules")}">Routing</a>' in html
    page = staff_client.get(reverse("offers:deliveries")).content.decode()
    assert 'aria-current="page">Deliveries</a>' in page


def test_services_refuse_non_staff(company_user, sante):
    with pytest.raises(PermissionDenied):
        routing_rule_create(by=company_user, data={"priority": 1, "destination": sante})
    with pytest.raises(PermissionDenied):
        destination_create(by=company_user, data={"name": "X", "email": "x@example.eu"})
    assert RoutingRule.objects.count() == 0
    assert Destination.objects.count() == 1


# --- The panel on an offer's triage page ----------------------------------------------------


def test_offer_not_accepted_is_not_routed_yet(staff_client, company_user, commission_staff):
    offer = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    response = offer_page(staff_client, offer)
    assert response.context["delivery"] is None
    html = response.content.decode()
    assert "Delivery to the Commission" in html
    assert "Not routed yet" in html
    assert "Retry now" not in html


def test_panel_shows_a_dead_delivery_with_error_and_response(staff_client, accepted_offer):
    delivery = make_dead(accepted_offer)
    response = offer_page(staff_client, accepted_offer)
    html = response.content.decode()
    assert response.context["delivery"] == delivery
    assert '<span class="portal-status portal-status--delivery-dead">Dead</span>' in html
    assert DEFAULT_DESTINATION_NAME in html
    assert "Default: no rule matched" in html
    assert "8 of 8" in html
    assert "HTTP 503" in html
    assert "HTTP status 503" in html
    # The intake's body is shown as text, never as markup.
    assert "&lt;b&gt;Service unavailable&lt;/b&gt;</pre>" in html
    assert "<b>Service unavailable</b>" not in html
    assert f'action="{reverse("offers:delivery_retry", kwargs={"pk": delivery.pk})}"' in html
    assert "Retry now" in html


def test_panel_names_the_rule_that_chose_the_destination(
    staff_client, company_user, commission_staff, rule, sante
):
    offer = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    delivery = offer.delivery
    assert (delivery.destination, delivery.rule) == (sante, rule)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=D.DELIVERED, attempts=1, delivered_at=timezone.now(), last_response_status=200
    )
    html = offer_page(staff_client, offer).content.decode()
    assert sante.name in html
    edit = reverse("offers:routing_rule_edit", kwargs={"pk": rule.pk})
    assert f'Chosen by the <a class="ecl-link" href="{edit}">rule with priority 10</a>' in html
    assert "portal-status--delivery-delivered" in html
    assert "Retry now" not in html  # nothing to retry


def test_panel_shows_a_pending_delivery_with_its_next_attempt(staff_client, accepted_offer):
    response = offer_page(staff_client, accepted_offer)
    html = response.content.decode()
    delivery = response.context["delivery"]
    assert delivery.status == D.PENDING
    assert f'<time datetime="{timezone.localtime(delivery.next_attempt_at).isoformat()}' in html
    assert "Not yet" in html
    assert "Retry now" not in html


def test_offer_page_query_count_is_the_same_with_a_delivery(
    staff_client, company_user, commission_staff, accepted_offer
):
    plain = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    with CaptureQueriesContext(connection) as without:
        offer_page(staff_client, plain)
    make_dead(accepted_offer)
    with CaptureQueriesContext(connection) as with_delivery:
        offer_page(staff_client, accepted_offer)
    # The delivery and its destination come with the offer (one JOIN), not by extra queries.
    assert len(with_delivery) == len(without)


# --- Retry now -------------------------------------------------------------------------------


def test_retry_now_from_the_panel_makes_a_dead_delivery_pending(
    staff_client, accepted_offer, django_capture_on_commit_callbacks
):
    delivery = make_dead(accepted_offer)
    url = reverse("offers:delivery_retry", kwargs={"pk": delivery.pk})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(url, {"back": "offer"})
    assert response.status_code == 302
    assert response["Location"] == reverse("offers:triage_offer", kwargs={"pk": accepted_offer.pk})
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_at) == (D.PENDING, 0, None)
    assert delivery.next_attempt_at <= timezone.now()
    assert len(callbacks) == 1  # the send, queued for after commit
    assert messages_of(response) == [
        f"The delivery of offer #{accepted_offer.pk} is being sent again."
    ]


def test_retry_now_from_the_deliveries_page_returns_to_its_filters(
    staff_client, accepted_offer, django_capture_on_commit_callbacks
):
    delivery = make_dead(accepted_offer, status=D.FAILED, last_response_status=422)
    url = reverse("offers:delivery_retry", kwargs={"pk": delivery.pk})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(url, {"query": "status=failed&page=2"})
    assert response["Location"] == reverse("offers:deliveries") + "?status=failed"
    assert Delivery.objects.get(pk=delivery.pk).status == D.PENDING
    assert len(callbacks) == 1


@pytest.mark.parametrize("status", [D.DELIVERED, D.PENDING, D.SENDING])
def test_retry_now_refuses_a_delivery_that_is_not_failed_or_dead(
    staff_client, accepted_offer, django_capture_on_commit_callbacks, status
):
    delivery = make_dead(accepted_offer, status=status, attempts=1)
    url = reverse("offers:delivery_retry", kwargs={"pk": delivery.pk})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(url, {"back": "offer"})
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (status, 1)
    assert callbacks == []
    label = D(status).label
    assert messages_of(response) == [
        f"The delivery of offer #{accepted_offer.pk} is “{label}”: only a failed or dead "
        "delivery can be retried."
    ]
    page = staff_client.get(response["Location"])
    assert "only a failed or dead delivery can be retried" in page.content.decode()


# --- The deliveries page ---------------------------------------------------------------------


@pytest.fixture
def deliveries(company_user, commission_staff):
    """One delivery in each status, by status."""
    made = {}
    for status in (D.PENDING, D.SENDING, D.DELIVERED, D.FAILED, D.DEAD):
        offer = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
        made[status] = make_dead(offer, status=status, last_error=f"error for {status}")
    return made


def listed(response):
    return [delivery.status for delivery in response.context["deliveries"]]


def test_deliveries_page_shows_failed_and_dead_by_default(staff_client, deliveries):
    response = staff_client.get(reverse("offers:deliveries"))
    assert listed(response) == [D.FAILED, D.DEAD]
    assert response.context["status_defaulted"]
    html = response.content.decode()
    assert "error for failed" in html
    assert "error for pending" not in html
    for status in (D.FAILED, D.DEAD):
        retry = reverse("offers:delivery_retry", kwargs={"pk": deliveries[status].pk})
        assert f'action="{retry}"' in html
    offer = deliveries[D.DEAD].offer
    assert reverse("offers:triage_offer", kwargs={"pk": offer.pk}) in html
    assert offer.title in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "pending"}, [D.PENDING]),
        ({"status": "delivered"}, [D.DELIVERED]),
        ({"status": ["sending", "dead"]}, [D.DEAD, D.SENDING]),
        (
            {"status": ["delivered", "pending", "sending", "failed", "dead"]},
            [D.FAILED, D.DEAD, D.PENDING, D.SENDING, D.DELIVERED],
        ),
        ({"status": "nonsense"}, [D.FAILED, D.DEAD]),
    ],
)
def test_deliveries_page_filters_by_status_failed_and_dead_first(
    staff_client, deliveries, query, expected
):
    response = staff_client.get(reverse("offers:deliveries"), query)
    assert listed(response) == expected


def test_retry_is_offered_only_for_failed_and_dead_rows(staff_client, deliveries):
    every = {"status": ["delivered", "pending", "sending", "failed", "dead"]}
    html = staff_client.get(reverse("offers:deliveries"), every).content.decode()
    for status, delivery in deliveries.items():
        retry = reverse("offers:delivery_retry", kwargs={"pk": delivery.pk})
        assert (retry in html) == (status in (D.FAILED, D.DEAD))


def test_deliveries_page_says_when_nothing_failed(staff_client, accepted_offer):
    html = staff_client.get(reverse("offers:deliveries")).content.decode()
    assert "No delivery has failed." in html


# session, user, the counts by status, the page's count, the page of rows (offers joined)
DELIVERIES_QUERY_BUDGET = 5


def _fill_deliveries(n, *, company_user, destination):
    offers = [make_offer(by=company_user) for _ in range(n)]  # drafts: cheap to make
    now = timezone.now()
    Delivery.objects.bulk_create(
        Delivery(
            offer=offer,
            destination=destination if i % 2 else None,
            destination_name=destination.name if i % 2 else DEFAULT_DESTINATION_NAME,
            payload_version=PAYLOAD_VERSION,
            idempotency_key=uuid.uuid4(),
            status=D.DEAD if i % 3 else D.FAILED,
            attempts=8,
            next_attempt_at=now,
            last_error="HTTP 500",
            last_response_status=500,
            last_response_body="oops",
        )
        for i, offer in enumerate(offers)
    )


@pytest.mark.parametrize("n", [5, DELIVERY_PAGE_SIZE])
def test_deliveries_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries, company_user, sante, n
):
    _fill_deliveries(n, company_user=company_user, destination=sante)
    with django_assert_max_num_queries(DELIVERIES_QUERY_BUDGET):
        response = staff_client.get(reverse("offers:deliveries"))
    assert response.status_code == 200
    assert len(response.context["deliveries"]) == n


def test_deliveries_page_is_paginated(staff_client, company_user, sante):
    _fill_deliveries(DELIVERY_PAGE_SIZE + 1, company_user=company_user, destination=sante)
    first = staff_client.get(reverse("offers:deliveries"))
    assert len(first.context["deliveries"]) == DELIVERY_PAGE_SIZE
    second = staff_client.get(reverse("offers:deliveries"), {"page": 2})
    assert len(second.context["deliveries"]) == 1


# --- The dashboard ---------------------------------------------------------------------------


def test_dashboard_counts_deliveries_by_status_with_links(staff_client, deliveries):
    make_dead(make_offer(by=deliveries[D.DEAD].offer.submitted_by, status=S.ACCEPTED))
    response = staff_client.get(reverse("offers:triage_dashboard"))
    counts = {row["status"]: row["n"] for row in response.context["delivery_counts"]}
    assert counts == {"failed": 1, "dead": 2, "pending": 1, "sending": 1, "delivered": 1}
    html = response.content.decode()
    assert f'href="{reverse("offers:deliveries")}?status=dead"' in html
    assert '<span class="portal-delivery-counts__n" data-stat="delivery-dead">2</span>' in html


def test_dashboard_shows_zero_deliveries(staff_client):
    response = staff_client.get(reverse("offers:triage_dashboard"))
    assert [row["n"] for row in response.context["delivery_counts"]] == [0, 0, 0, 0, 0]


# --- The routing page ------------------------------------------------------------------------


def test_routing_page_lists_rules_in_priority_order_and_the_default(
    staff_client, settings, sante, grow
):
    settings.COMMISSION_INTAKE_URL = "https://intake.example.eu/default"
    italy = RoutingRule.objects.create(priority=30, country="IT", destination=grow, active=False)
    masks = RoutingRule.objects.create(
        priority=10, category=Category.objects.get(slug="ppe-masks"), destination=sante
    )
    health = RoutingRule.objects.create(
        priority=20, ecosystem=Ecosystem.objects.get(slug="health"), destination=grow
    )
    response = staff_client.get(reverse("offers:routing_rules"))
    assert list(response.context["rules"]) == [masks, health, italy]
    html = response.content.decode()
    for text in (
        "Personal protective equipment › Face masks and respirators",
        "Health",
        "Italy",
        "Inactive",
        sante.name,
        sante.intake_url,
        sante.email,
        DEFAULT_DESTINATION_NAME,
        "https://intake.example.eu/default",
        "Every offer that no active rule matches goes here.",
    ):
        assert text in html
    assert reverse("offers:routing_rule_edit", kwargs={"pk": masks.pk}) in html
    assert reverse("offers:routing_rule_delete", kwargs={"pk": masks.pk}) in html
    assert reverse("offers:destination_edit", kwargs={"pk": sante.pk}) in html
    # No way to delete a destination: deliveries refer to it.
    assert not re.search(r"/destinations/\d+/delete/", html)


def test_routing_page_says_which_secrets_are_set(staff_client, settings, sante):
    Destination.objects.create(name="No secret yet", email="x@ec.example.eu")
    response = staff_client.get(reverse("offers:routing_rules"))
    flags = {d.name: d.has_secret for d in response.context["destinations"]}
    assert flags == {sante.name: True, "No secret yet": False}
    assert response.context["default_destination"]["has_secret"] is True
    settings.COMMISSION_INTAKE_SECRET = ""
    response = staff_client.get(reverse("offers:routing_rules"))
    assert response.context["default_destination"]["has_secret"] is False


def test_secrets_never_appear_in_any_page(staff_client, company_user, commission_staff, rule):
    offer = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    make_dead(offer, last_error="HTTP 401")
    destination = rule.destination
    every = {"status": ["delivered", "pending", "sending", "failed", "dead"]}
    pages = [
        staff_client.get(reverse("offers:routing_rules")),
        staff_client.get(reverse("offers:destination_edit", kwargs={"pk": destination.pk})),
        staff_client.get(reverse("offers:routing_rule_create")),
        staff_client.get(reverse("offers:routing_rule_edit", kwargs={"pk": rule.pk})),
        staff_client.get(reverse("offers:routing_rule_delete", kwargs={"pk": rule.pk})),
        staff_client.get(reverse("offers:deliveries"), every),
        staff_client.get(reverse("offers:triage_dashboard")),
        offer_page(staff_client, offer),
        # A refused edit does not send back the secret that was typed either.
        staff_client.post(
            reverse("offers:destination_edit", kwargs={"pk": destination.pk}),
            {"name": destination.name, "intake_url": "ftp://x.example.eu/", "secret": SECRET},
        ),
    ]
    assert pages[-1].status_code == 200 and pages[-1].context["form"].errors
    for response in pages:
        html = response.content.decode()
        assert SECRET not in html
        assert DEFAULT_SECRET not in html


# --- Rules: create, edit, delete -------------------------------------------------------------


def test_staff_create_a_rule(staff_client, sante):
    health = Ecosystem.objects.get(slug="health")
    response = staff_client.post(
        reverse("offers:routing_rule_create"),
        {
            "priority": "5",
            "category": "ppe-masks",
            "ecosystem": health.pk,
            "country": "IT",
            "destination": sante.pk,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("offers:routing_rules")
    rule = RoutingRule.objects.get()
    assert (rule.priority, rule.category.slug, rule.ecosystem, str(rule.country)) == (
        5,
        "ppe-masks",
        health,
        "IT",
    )
    assert (rule.destination, rule.active) == (sante, True)
    assert messages_of(response) == ["The rule with priority 5 is added."]


def test_a_rule_without_conditions_is_allowed_and_warned_about(staff_client, sante):
    form = staff_client.get(reverse("offers:routing_rule_create")).content.decode()
    assert "A rule with no condition at all matches every offer" in form
    response = staff_client.post(
        reverse("offers:routing_rule_create"),
        {"priority": "50", "destination": sante.pk, "active": "on"},
    )
    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.category, rule.ecosystem, str(rule.country)) == (None, None, "")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"priority": "0"}, "priority"),
        ({"priority": "-3"}, "priority"),
        ({"priority": ""}, "priority"),
        ({"destination": ""}, "destination"),
        ({"destination": "999999"}, "destination"),
        ({"category": "no-such-category"}, "category"),
        ({"country": "XX"}, "country"),
    ],
)
def test_rule_form_refuses_bad_input(staff_client, sante, data, field):
    payload = {"priority": "5", "destination": sante.pk, "active": "on", **data}
    response = staff_client.post(reverse("offers:routing_rule_create"), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert RoutingRule.objects.count() == 0


def test_staff_edit_a_rule(staff_client, rule, grow):
    url = reverse("offers:routing_rule_edit", kwargs={"pk": rule.pk})
    form = staff_client.get(url)
    assert form.context["form"].initial["category"] == "ppe"
    response = staff_client.post(
        url, {"priority": "7", "category": "", "country": "FR", "destination": grow.pk}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.priority, rule.category, str(rule.country), rule.destination, rule.active) == (
        7,
        None,
        "FR",
        grow,
        False,
    )


def test_staff_delete_a_rule_and_deliveries_keep_their_destination(
    staff_client, company_user, commission_staff, rule, sante
):
    offer = make_offer(by=company_user, status=S.ACCEPTED, staff=commission_staff)
    assert offer.delivery.rule == rule
    url = reverse("offers:routing_rule_delete", kwargs={"pk": rule.pk})
    confirm = staff_client.get(url).content.decode()
    assert "Delete the rule with priority 10?" in confirm
    assert sante.name in confirm
    response = staff_client.post(url)
    assert response.status_code == 302
    assert not RoutingRule.objects.exists()
    delivery = Delivery.objects.get(offer=offer)
    assert (delivery.rule, delivery.destination) == (None, sante)
    assert "Chosen by a rule since deleted" in offer_page(staff_client, offer).content.decode()


def test_rule_for_picks_the_rule_created_on_the_page_in_priority_order(
    staff_client, company_user, commission_staff, sante, grow
):
    catch_all = RoutingRule.objects.create(priority=20, destination=grow)
    offer = make_offer(by=company_user, status=S.UNDER_REVIEW, staff=commission_staff)
    assert rule_for(offer) == catch_all

    create = reverse("offers:routing_rule_create")
    staff_client.post(
        create, {"priority": "10", "category": "ppe-masks", "destination": sante.pk, "active": "on"}
    )
    masks = RoutingRule.objects.get(priority=10)
    assert rule_for(offer) == masks
    # A later rule that also matches does not take over; an inactive earlier one is skipped.
    staff_client.post(
        create, {"priority": "30", "country": "BE", "destination": grow.pk, "active": "on"}
    )
    staff_client.post(create, {"priority": "1", "country": "BE", "destination": grow.pk})
    assert RoutingRule.objects.count() == 4
    assert rule_for(offer) == masks

    # Accepting the offer on the triage desk records the rule's destination on the delivery.
    staff_client.post(
        reverse("offers:triage_transition", kwargs={"pk": offer.pk}), {"to": "accepted"}
    )
    delivery = Delivery.objects.get(offer=offer)
    assert (delivery.rule, delivery.destination, delivery.destination_name) == (
        masks,
        sante,
        sante.name,
    )


def test_a_rule_for_another_ecosystem_does_not_match(
    staff_client, cluster_manager, commission_staff, sante
):
    cluster = make_cluster(by=cluster_manager)  # in the "health" ecosystem
    offer = make_offer(
        by=cluster_manager, cluster=cluster, status=S.UNDER_REVIEW, staff=commission_staff
    )
    create = reverse("offers:routing_rule_create")
    other = Ecosystem.objects.exclude(slug="health").first()
    health = Ecosystem.objects.get(slug="health")
    staff_client.post(
        create, {"priority": "1", "ecosystem": other.pk, "destination": sante.pk, "active": "on"}
    )
    assert rule_for(offer) is None
    staff_client.post(
        create, {"priority": "2", "ecosystem": health.pk, "destination": sante.pk, "active": "on"}
    )
    assert rule_for(offer) == RoutingRule.objects.get(priority=2)


# --- Destinations: create and edit -----------------------------------------------------------


def test_staff_create_a_destination(staff_client):
    response = staff_client.post(
        reverse("offers:destination_create"),
        {
            "name": "DG ECHO – logistics",
            "intake_url": "https://intake.example.eu/echo",
            "secret": "echo-secret",
            "email": "echo@ec.example.eu",
        },
    )
    assert response.status_code == 302
    destination = Destination.objects.get()
    assert (
        destination.name,
        destination.intake_url,
        destination.secret,
        destination.email,
    ) == (
        "DG ECHO – logistics",
        "https://intake.example.eu/echo",
        "echo-secret",
        "echo@ec.example.eu",
    )


def test_a_destination_may_have_only_an_email(staff_client):
    response = staff_client.post(
        reverse("offers:destination_create"), {"name": "Mailbox only", "email": "m@ec.example.eu"}
    )
    assert response.status_code == 302
    assert Destination.objects.get().intake_url == ""


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"intake_url": "ftp://intake.example.eu/x"}, "intake_url"),
        ({"intake_url": "javascript:alert(1)"}, "intake_url"),
        ({"intake_url": "https://intake.example.eu/x", "secret": ""}, "secret"),
        ({"intake_url": "", "email": ""}, "intake_url"),
        ({"name": "DG SANTE – medical equipment"}, "name"),  # taken
        ({"name": ""}, "name"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_destination_form_refuses_bad_input(staff_client, sante, data, field):
    payload = {
        "name": "DG ECHO",
        "intake_url": "https://intake.example.eu/echo",
        "secret": "s",
        "email": "",
        **data,
    }
    response = staff_client.post(reverse("offers:destination_create"), payload)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Destination.objects.count() == 1


def test_editing_a_destination_keeps_the_secret_when_left_empty(staff_client, sante):
    url = reverse("offers:destination_edit", kwargs={"pk": sante.pk})
    form = staff_client.get(url).content.decode()
    assert "A secret is set. Leave this empty to keep it" in form
    response = staff_client.post(
        url,
        {
            "name": "DG SANTE",
            "intake_url": "http://intake.example.eu/v2",
            "secret": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    sante.refresh_from_db()
    assert (sante.name, sante.intake_url, sante.secret, sante.email) == (
        "DG SANTE",
        "http://intake.example.eu/v2",
        SECRET,
        "",
    )
    staff_client.post(
        url, {"name": "DG SANTE", "intake_url": sante.intake_url, "secret": "rotated-secret"}
    )
    sante.refresh_from_db()
    assert sante.secret == "rotated-secret"


def test_no_page_offers_to_delete_a_destination():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("offers:destination_delete", kwargs={"pk": 1})
