"""The demand pages: the public list, a demand's page with its ranked matches, "express
interest", "My demand", the demand form and status changes.

Matching runs in tasks queued on commit: the writes that should produce matches run inside
``django_capture_on_commit_callbacks(execute=True)``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from offers.models import Demand, DemandStatus, Interest, Match, Offer, OfferStatus
from offers.services import demand_set_status
from portal.accounts.roles import Role
from portal.core.models import Category
from tests.clusters.factories import make_cluster
from tests.factories import make_user
from tests.offers.factories import make_demand, make_offer

ROLES = [
    "authority",  # posted the demand
    "other_authority",
    "unverified_authority",
    "company",  # posted the matching offers
    "cluster_manager",
    "staff",
    "anonymous",
]
SEES_MATCHES = {"authority", "staff"}
CONTACT = "orders@lombardy-masks.example.eu"


@dataclass
class World:
    users: dict[str, Any]
    demand: Demand  # FFP2 masks for Italy in 10 days, by "authority"
    best: Offer  # accepted, delivers to Italy, 5 days
    far: Offer  # accepted, delivers to Portugal only
    slow: Offer  # accepted, delivers to Italy, 30 days
    draft: Offer  # never submitted: no match


@pytest.fixture
def world(
    authority,
    unverified_authority,
    company_user,
    cluster_manager,
    commission_staff,
    django_capture_on_commit_callbacks,
) -> World:
    staff = commission_staff
    masks = Category.objects.get(slug="ppe-masks")
    make_cluster(by=cluster_manager)
    with django_capture_on_commit_callbacks(execute=True):
        demand = make_demand(
            by=authority,
            title="FFP2 masks for Lombardy hospitals",
            quantity=10000,
            country="IT",
            needed_by=timezone.localdate() + datetime.timedelta(days=10),
            certifications=["EN 149"],
        )
        common = {"status": OfferStatus.ACCEPTED, "staff": staff, "category": masks}
        best = make_offer(
            by=company_user,
            title="FFP2 respirators from Milan",
            delivery_countries=["IT", "AT"],
            lead_time_days=5,
            contact_email=CONTACT,
            **common,
        )
        far = make_offer(
            by=company_user,
            title="FFP2 respirators from Porto",
            delivery_countries=["PT"],
            lead_time_days=5,
            **common,
        )
        slow = make_offer(
            by=company_user,
            title="FFP2 respirators, slow line",
            delivery_countries=["IT"],
            lead_time_days=30,
            **common,
        )
        draft = make_offer(by=company_user, title="FFP2 draft offer", category=masks)
    users = {
        "authority": authority,
        "other_authority": make_user(Role.AUTHORITY, email="fritz@authority.example.eu"),
        "unverified_authority": unverified_authority,
        "company": company_user,
        "cluster_manager": cluster_manager,
        "staff": staff,
        "anonymous": None,
    }
    return World(users, demand, best, far, slow, draft)


def client_for(client, world: World, role: str):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def demand_form_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Nitrile gloves for care homes",
        "description": "Gloves in sizes S to XL.",
        "category": "ppe-gloves",
        "quantity": "200000",
        "unit": "pieces",
        "needed_by": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
        "country": "IT",
        "region": "Lombardy",
        "urgency": "critical",
        "certifications": "EN 455, CE",
    }
    data.update(overrides)
    return data


# --- the list ---------------------------------------------------------------------------


def test_the_list_shows_open_demand_with_urgency(client, world, authority):
    closed = make_demand(by=authority, title="Closed demand for gowns")
    demand_set_status(demand=closed, to_status=DemandStatus.CLOSED, by=authority)
    make_demand(by=authority, title="Critical ventilators", urgency="critical")

    html = client.get(reverse("offers:demand_list")).content.decode()

    assert "FFP2 masks for Lombardy hospitals" in html
    assert "Critical ventilators" in html
    assert "portal-urgency--critical" in html
    assert "portal-urgency--urgent" in html
    assert "Closed demand for gowns" not in html


@pytest.mark.parametrize("role", ["authority", "staff"])
def test_the_list_is_open_demand_for_its_authority_and_staff_too(client, world, role):
    authority = world.users["authority"]
    closed = make_demand(by=authority, title="Closed demand for gowns")
    demand_set_status(demand=closed, to_status=DemandStatus.CLOSED, by=authority)

    html = client_for(client, world, role).get(reverse("offers:demand_list")).content.decode()

    assert "Closed demand for gowns" not in html


def test_the_list_filters(client, world, authority):
    make_demand(
        by=authority,
        title="Ventilators for Porto",
        category=Category.objects.get(slug="medical-devices-ventilators"),
        country="PT",
        urgency="critical",
    )
    url = reverse("offers:demand_list")

    def page(**query: Any) -> str:
        return client.get(url, query).content.decode()

    assert "Ventilators for Porto" not in page(q="masks")
    assert "FFP2 masks for Lombardy hospitals" in page(q="masks")
    assert "FFP2 masks for Lombardy hospitals" not in page(country="PT")
    assert "Ventilators for Porto" in page(urgency="critical")
    assert "FFP2 masks for Lombardy hospitals" not in page(urgency="critical")
    assert "Ventilators for Porto" in page(category="medical-devices")
    assert "Ventilators for Porto" not in page(category="ppe")


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_runs_a_fixed_number_of_queries(
    client, authority, rows, django_assert_max_num_queries
):
    for n in range(rows):
        make_demand(by=authority, title=f"Budget demand {n}")
    client.force_login(authority)

    with django_assert_max_num_queries(5):
        response = client.get(reverse("offers:demand_list"), {"sort": "needed_by"})

    assert response.status_code == 200
    assert response.content.decode().count('class="portal-result"') == min(rows, 20)


# --- a demand's page and its matches -----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_open_demand_but_only_its_authority_and_staff_the_matches(
    client, world, role
):
    response = client_for(client, world, role).get(world.demand.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "FFP2 masks for Lombardy hospitals" in html
    assert ("FFP2 respirators from Milan" in html) == (role in SEES_MATCHES)
    assert ("Matching offers" in html) == (role in SEES_MATCHES)


def test_matches_are_ranked_with_their_score_parts(client, world):
    client.force_login(world.users["authority"])

    html = client.get(world.demand.get_absolute_url()).content.decode()

    best, far, slow = (html.index(o.title) for o in (world.best, world.far, world.slow))
    assert best < far
    assert best < slow
    assert world.draft.title not in html
    best_match = Match.objects.get(demand=world.demand, offer=world.best)
    assert best_match.score == 100
    assert f'id="match-{world.best.pk}"' in html
    for label in ("Category", "Quantity", "Delivery", "Lead time", "Certifications"):
        assert f'<th class="ecl-table__cell" scope="row">{label}</th>' in html
    assert "Delivers to Italy" in html
    assert "Does not deliver to Italy" in html
    assert "30 / 30" in html
    assert "Delivers in 5 days; needed in 10" in html


def test_interest_reveals_the_contact_details(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["authority"])
    url = world.demand.get_absolute_url()
    assert CONTACT not in client.get(url).content.decode()
    assert CONTACT not in client.get(world.best.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(
                "offers:demand_interest", kwargs={"pk": world.demand.pk, "offer_pk": world.best.pk}
            ),
            {"note": "Can you deliver 5,000 by Friday?"},
        )

    assert response.status_code == 302
    assert response.url.endswith(f"#match-{world.best.pk}")
    interest = Interest.objects.get(demand=world.demand, offer=world.best)
    assert interest.note == "Can you deliver 5,000 by Friday?"
    html = client.get(url).content.decode()
    assert CONTACT in html
    # Only on that match: the other offers' contacts stay hidden.
    assert world.far.contact_email not in html
    assert CONTACT in client.get(world.best.get_absolute_url()).content.decode()
    # Both sides are told.
    recipients = {address for message in mail.outbox for address in message.to}
    assert CONTACT in recipients
    assert world.users["authority"].email in recipients


@pytest.mark.parametrize("role", ["other_authority", "company", "cluster_manager"])
def test_only_the_demands_authority_expresses_interest(client, world, role):
    client = client_for(client, world, role)

    response = client.post(
        reverse("offers:demand_interest", kwargs={"pk": world.demand.pk, "offer_pk": world.best.pk})
    )

    assert response.status_code == 403
    assert not Interest.objects.exists()
    html = client.get(world.best.get_absolute_url()).content.decode()
    if role != "company":
        assert CONTACT not in html


def test_interest_needs_a_login(client, world):
    response = client.post(
        reverse("offers:demand_interest", kwargs={"pk": world.demand.pk, "offer_pk": world.best.pk})
    )
    assert_login_redirect(response)


def test_interest_in_an_unmatched_offer_is_refused(client, world):
    client.force_login(world.users["authority"])
    offer = make_offer(
        by=world.users["company"],
        status=OfferStatus.ACCEPTED,
        staff=world.users["staff"],
        category=Category.objects.get(slug="medical-devices-ventilators"),
        title="Unmatched ventilators",
    )

    response = client.post(
        reverse("offers:demand_interest", kwargs={"pk": world.demand.pk, "offer_pk": offer.pk}),
        follow=True,
    )

    assert "not among the matches" in response.content.decode()
    assert not Interest.objects.exists()


def test_interest_in_an_offer_the_authority_cannot_see_is_a_404(client, world):
    client.force_login(world.users["authority"])

    response = client.post(
        reverse(
            "offers:demand_interest", kwargs={"pk": world.demand.pk, "offer_pk": world.draft.pk}
        )
    )

    assert response.status_code == 404


# --- publishing demand ------------------------------------------------------------------

CAN_PUBLISH = {"authority", "other_authority", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_publish_demand(client, world, role, django_capture_on_commit_callbacks):
    client = client_for(client, world, role)
    before = Demand.objects.count()
    data = demand_form_data(title=f"Published by {role}")
    if role == "staff":
        data["authority"] = world.users["authority"].pk

    get = client.get(reverse("offers:demand_create"))
    with django_capture_on_commit_callbacks(execute=True):
        post = client.post(reverse("offers:demand_create"), data)

    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role in CAN_PUBLISH:
        assert get.status_code == 200
        assert post.status_code == 302, post.context["form"].errors
        demand = Demand.objects.get(title=f"Published by {role}")
        assert post.url == demand.get_absolute_url()
        owner = world.users["authority"] if role == "staff" else world.users[role]
        assert demand.authority == owner
        assert demand.posted_by == world.users[role]
        assert demand.certifications == ["EN 455", "CE"]
    else:
        assert get.status_code == 403
        assert post.status_code == 403
    assert Demand.objects.count() == before + (1 if role in CAN_PUBLISH else 0)


def test_an_unverified_authority_is_told_why_it_cannot_publish(client, unverified_authority):
    client.force_login(unverified_authority)

    response = client.get(reverse("offers:demand_create"))

    assert response.status_code == 403
    assert b"waiting for verification" in response.content


def test_staff_choose_among_verified_authorities(client, world):
    client.force_login(world.users["staff"])

    form = client.get(reverse("offers:demand_create")).context["form"]
    choices = set(form.fields["authority"].queryset)
    assert world.users["authority"] in choices
    assert world.users["other_authority"] in choices
    assert world.users["unverified_authority"] not in choices

    response = client.post(
        reverse("offers:demand_create"),
        demand_form_data(authority=world.users["unverified_authority"].pk),
    )
    assert response.status_code == 200
    assert "authority" in response.context["form"].errors
    assert not Demand.objects.filter(title="Nitrile gloves for care homes").exists()


def test_a_new_demand_is_matched_at_once(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["authority"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("offers:demand_create"),
            demand_form_data(title="More masks", category="ppe-masks"),
        )

    demand = Demand.objects.get(title="More masks")
    html = client.get(demand.get_absolute_url()).content.decode()
    assert world.best.title in html


def _post_bad(client, user, field: str, **overrides: Any):
    client.force_login(user)
    before = Demand.objects.count()
    response = client.post(reverse("offers:demand_create"), demand_form_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert f'id="id_{field}-error"' in response.content.decode()
    assert Demand.objects.count() == before
    return form.errors[field]


def test_needed_by_in_the_past_is_refused(client, authority):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    errors = _post_bad(client, authority, "needed_by", needed_by=yesterday.isoformat())
    assert "passed" in errors[0]


def test_a_negative_quantity_is_refused(client, authority):
    _post_bad(client, authority, "quantity", quantity="-10")


def test_a_zero_quantity_is_refused(client, authority):
    _post_bad(client, authority, "quantity", quantity="0")


def test_an_unknown_category_is_refused(client, authority):
    _post_bad(client, authority, "category", category="no-such-category")


def test_a_country_outside_the_portal_is_refused(client, authority):
    _post_bad(client, authority, "country", country="US")


# --- editing and status -----------------------------------------------------------------

EDITORS = {"authority", "staff"}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_a_demand(client, world, role, django_capture_on_commit_callbacks):
    client = client_for(client, world, role)
    url = reverse("offers:demand_edit", kwargs={"pk": world.demand.pk})

    get = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        post = client.post(url, demand_form_data(title=f"Edited by {role}", category="ppe-masks"))

    world.demand.refresh_from_db()
    if role == "anonymous":
        assert_login_redirect(get)
        assert_login_redirect(post)
    elif role in EDITORS:
        assert get.status_code == 200
        assert post.status_code == 302, post.context["form"].errors
        assert world.demand.title == f"Edited by {role}"
        assert world.demand.authority == world.users["authority"]
    else:
        assert get.status_code == 404
        assert post.status_code == 404
    if role not in EDITORS:
        assert world.demand.title == "FFP2 masks for Lombardy hospitals"


STATUS_ANSWERS = {"authority": 302, "staff": 302, "anonymous": 302}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_a_demands_status(client, world, role, django_capture_on_commit_callbacks):
    client = client_for(client, world, role)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("offers:demand_status", kwargs={"pk": world.demand.pk}), {"status": "met"}
        )

    world.demand.refresh_from_db()
    assert response.status_code == STATUS_ANSWERS.get(role, 403)
    if role == "anonymous":
        assert_login_redirect(response)
    assert world.demand.status == ("met" if role in EDITORS else "open")


def test_met_demand_leaves_the_public_and_its_matches(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.users["authority"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("offers:demand_status", kwargs={"pk": world.demand.pk}), {"status": "met"}
        )
    client.logout()

    assert client.get(world.demand.get_absolute_url()).status_code == 404
    assert not Match.objects.filter(demand=world.demand).exists()
    client.force_login(world.users["authority"])
    html = client.get(world.demand.get_absolute_url()).content.decode()
    assert "no longer open" in html


def test_an_impossible_status_change_is_explained(client, world):
    client.force_login(world.users["authority"])
    url = reverse("offers:demand_status", kwargs={"pk": world.demand.pk})
    client.post(url, {"status": "closed"})

    response = client.post(url, {"status": "open"}, follow=True)

    assert "cannot become" in response.content.decode()


def test_status_buttons_are_shown_to_editors_only(client, world):
    url = world.demand.get_absolute_url()
    status_url = reverse("offers:demand_status", kwargs={"pk": world.demand.pk})
    client.force_login(world.users["authority"])
    assert status_url in client.get(url).content.decode()
    client.force_login(world.users["other_authority"])
    assert status_url not in client.get(url).content.decode()


# --- "My demand" ------------------------------------------------------------------------


def test_my_demand_lists_the_authoritys_demand(client, world):
    client.force_login(world.users["authority"])

    html = client.get(reverse("offers:demand_mine")).content.decode()

    assert "FFP2 masks for Lombardy hospitals" in html
    assert reverse("offers:demand_create") in html


def test_an_unverified_authority_is_told_it_cannot_publish_yet(client, unverified_authority):
    client.force_login(unverified_authority)

    response = client.get(reverse("offers:demand_mine"))

    assert response.status_code == 200
    assert b"cannot publish demand yet" in response.content
    assert reverse("offers:demand_create").encode() not in response.content


def test_my_demand_explains_who_publishes_demand(client, world):
    client.force_login(world.users["company"])

    response = client.get(reverse("offers:demand_mine"))

    assert response.status_code == 200
    assert b"Demand is published by verified public authorities" in response.content
    assert b"FFP2 masks for Lombardy hospitals" not in response.content


def test_my_demand_needs_a_login(client):
    assert_login_redirect(client.get(reverse("offers:demand_mine")))


# --- markup that a strict Content Security Policy allows --------------------------------


def test_the_pages_have_no_inline_script_style_or_handlers(client, world):
    import re

    pages = [
        reverse("offers:demand_list"),
        world.demand.get_absolute_url(),
        reverse("offers:demand_create"),
        reverse("offers:demand_edit", kwargs={"pk": world.demand.pk}),
        reverse("offers:demand_mine"),
        reverse("offers:catalogue"),
        world.best.get_absolute_url(),
    ]
    pages_as_company = [
        reverse("offers:mine"),
        reverse("offers:create"),
        reverse("offers:edit", kwargs={"pk": world.draft.pk}),
        world.draft.get_absolute_url(),
    ]
    for role, urls in (("authority", pages), ("company", pages_as_company)):
        client.force_login(world.users[role])
        for url in urls:
            html = client.get(url).content.decode()
            assert 'style="' not in html, url
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
            assert not re.search(r"\son[a-z]+\s*=", html), url


def test_categories_are_grouped_under_their_parent(client, world):
    client.force_login(world.users["authority"])

    html = client.get(reverse("offers:demand_create")).content.decode()

    assert '<optgroup label="Personal protective equipment">' in html
    assert '<option value="ppe">Personal protective equipment (any)</option>' in html
    assert '<option value="ppe-masks">Face masks and respirators</option>' in html


def test_an_older_demand_can_be_edited_without_changing_its_past_date(client, world):
    past = timezone.localdate() - datetime.timedelta(days=3)
    Demand.objects.filter(pk=world.demand.pk).update(needed_by=past)
    client.force_login(world.users["authority"])
    url = reverse("offers:demand_edit", kwargs={"pk": world.demand.pk})

    kept = client.post(url, demand_form_data(title="Typo fixed", needed_by=past.isoformat()))
    moved = client.post(
        url, demand_form_data(needed_by=(past - datetime.timedelta(days=1)).isoformat())
    )

    assert kept.status_code == 302
    assert "needed_by" in moved.context["form"].errors
    world.demand.refresh_from_db()
    assert (world.demand.title, world.demand.needed_by) == ("Typo fixed", past)
