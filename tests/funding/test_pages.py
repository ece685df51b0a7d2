"""The funding pages: role matrix for staff pages, forms, lists with query budgets."""

import datetime
import re

import pytest
from django.utils import timezone

from funding import services
from funding.models import Call, CallReminder, Programme
from portal.core.models import Ecosystem
from tests.clusters.factories import make_cluster, make_project
from tests.funding.factories import (
    closed_call,
    make_call,
    make_programme,
    open_call,
    programme,
    upcoming_call,
)

pytestmark = pytest.mark.django_db

ROLES = ["company_user", "cluster_manager", "authority", "unverified_authority"]


@pytest.fixture
def call(commission_staff):
    return open_call(by=commission_staff, title="Masks for Europe")


def staff_pages(call):
    return [
        "/funding/programmes/new/",
        "/funding/programmes/euroclusters/edit/",
        "/funding/programmes/euroclusters/delete/",
        "/funding/calls/new/",
        f"/funding/calls/{call.pk}/edit/",
        f"/funding/calls/{call.pk}/delete/",
    ]


# --- the role matrix --------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in_from_staff_pages(client, call):
    for path in staff_pages(call):
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, path
            assert "/accounts/login/" in response.url


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_are_refused_staff_pages(client, call, request, role):
    client.force_login(request.getfixturevalue(role))

    for path in staff_pages(call):
        assert client.get(path).status_code == 403, path
        assert client.post(path, {"title": "Mine", "name": "Mine"}).status_code == 403, path
    assert Call.objects.get().title == "Masks for Europe"
    assert Programme.objects.get(slug="euroclusters").name == "Euroclusters"


@pytest.mark.parametrize("who", ["commission_staff", "superuser"])
def test_staff_open_every_staff_page(client, call, request, who):
    client.force_login(request.getfixturevalue(who))

    for path in staff_pages(call):
        assert client.get(path).status_code == 200, path


def test_staff_see_management_buttons_others_do_not(
    client, call, commission_staff, cluster_manager
):
    client.force_login(cluster_manager)
    assert "Add a call" not in client.get("/funding/calls/").content.decode()
    assert "Edit the call" not in client.get(f"/funding/calls/{call.pk}/").content.decode()

    client.force_login(commission_staff)
    assert "Add a call" in client.get("/funding/calls/").content.decode()
    assert "Edit the call" in client.get(f"/funding/calls/{call.pk}/").content.decode()
    assert "Edit the programme" in client.get("/funding/programmes/euroclusters/").content.decode()


def test_an_unknown_programme_or_call_is_404_for_staff_after_the_login_check(
    client, commission_staff
):
    client.force_login(commission_staff)

    assert client.get("/funding/programmes/nowhere/edit/").status_code == 404
    assert client.get("/funding/calls/999999/edit/").status_code == 404


# --- staff forms ------------------------------------------------------------------------


def call_form(**overrides):
    data = {
        "title": "Digital health value chains",
        "programme": programme().pk,
        "summary": "Clusters in digital health.",
        "opens_at": "2031-01-10T09:00",
        "deadline_at": "2031-03-15T17:00",
        "timezone": "Europe/Lisbon",
        "budget": "",
        "eligible_countries": ["PT", "ES"],
        "ecosystems": [Ecosystem.objects.get(slug="health").pk],
        "link": "https://clustercollaboration.eu/euroclusters",
    }
    data.update(overrides)
    return data


def test_staff_publish_a_call_with_its_dates_in_its_time_zone(client, commission_staff):
    client.force_login(commission_staff)

    response = client.post("/funding/calls/new/", call_form())

    call = Call.objects.get()
    assert response.status_code == 302 and response.url == f"/funding/calls/{call.pk}/"
    # 17:00 in Lisbon in March is 17:00 UTC (Lisbon is on UTC until the end of March).
    assert call.deadline_at == datetime.datetime(2031, 3, 15, 17, 0, tzinfo=datetime.UTC)
    assert call.opens_at == datetime.datetime(2031, 1, 10, 9, 0, tzinfo=datetime.UTC)
    assert call.budget is None
    assert {c.code for c in call.eligible_countries} == {"ES", "PT"}
    assert call.created_by == commission_staff


def test_brussels_time_is_stored_as_the_right_instant(client, commission_staff):
    client.force_login(commission_staff)

    client.post("/funding/calls/new/", call_form(timezone="Europe/Brussels"))

    # 17:00 in Brussels in March (winter time, UTC+1) is 16:00 UTC.
    assert Call.objects.get().deadline_at == datetime.datetime(
        2031, 3, 15, 16, 0, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"deadline_at": "2031-01-01T09:00"}, "deadline_at", "after the opening"),
        ({"timezone": "Mars/Olympus"}, "timezone", "valid choice"),
        ({"budget": "-5"}, "budget", "greater than or equal to 0"),
        ({"eligible_countries": ["BE", "ZZ"]}, "eligible_countries", "valid choice"),
        ({"ecosystems": ["999999"]}, "ecosystems", "valid choice"),
        ({"opens_at": "next Tuesday"}, "opens_at", "valid date"),
        (
            {"deadline_at": "2031-03-30T02:30", "timezone": "Europe/Brussels"},
            "deadline_at",
            "does not exist",
        ),
        ({"programme": "999999"}, "programme", "valid choice"),
    ],
    ids=[
        "deadline-before-opening",
        "zone",
        "budget",
        "country",
        "ecosystem",
        "date",
        "dst-gap",
        "programme",
    ],
)
def test_bad_call_input_is_a_form_error(client, commission_staff, overrides, field, message):
    client.force_login(commission_staff)

    response = client.post("/funding/calls/new/", call_form(**overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Call.objects.exists()


def test_the_edit_form_shows_the_dates_as_the_call_publishes_them(client, commission_staff):
    client.force_login(commission_staff)
    client.post(
        "/funding/calls/new/", call_form(timezone="Europe/Helsinki", deadline_at="2031-02-01T16:00")
    )
    call = Call.objects.get()

    html = client.get(f"/funding/calls/{call.pk}/edit/").content.decode()

    assert 'value="2031-02-01T16:00"' in html
    response = client.post(
        f"/funding/calls/{call.pk}/edit/",
        call_form(timezone="Europe/Helsinki", deadline_at="2031-02-01T16:00", title="Renamed"),
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Renamed"
    assert call.deadline_at == datetime.datetime(2031, 2, 1, 14, 0, tzinfo=datetime.UTC)


def test_staff_add_edit_and_deactivate_a_programme(client, commission_staff):
    client.force_login(commission_staff)
    data = {
        "name": "Green Skills Alliance",
        "slug": "green-skills",
        "summary": "Skills for the green transition.",
        "description": "A **programme** for tests.",
        "objectives": "Train workers\nShare curricula",
        "ecosystems": [Ecosystem.objects.get(slug="renewable-energy").pk],
        "link": "https://ec.europa.eu/social/main.jsp?catId=1517",
        "position": "70",
        "active": "on",
    }

    assert client.post("/funding/programmes/new/", data).url == "/funding/programmes/green-skills/"
    data.pop("slug")
    data.pop("active")  # unticked: inactive
    assert client.post("/funding/programmes/green-skills/edit/", data).status_code == 302

    made = Programme.objects.get(slug="green-skills")
    assert made.active is False
    assert made.objective_list == ["Train workers", "Share curricula"]
    client.logout()
    assert client.get("/funding/programmes/green-skills/").status_code == 404


def test_a_programme_in_use_is_not_deleted_and_the_page_says_why(client, commission_staff, call):
    client.force_login(commission_staff)

    response = client.post("/funding/programmes/euroclusters/delete/")

    assert response.status_code == 200
    assert "deactivate it instead" in response.content.decode()
    assert Programme.objects.filter(slug="euroclusters").exists()


def test_staff_delete_a_call(client, commission_staff, call, cluster_manager):
    services.call_reminder_request(call=call, by=cluster_manager)
    client.force_login(commission_staff)

    response = client.post(f"/funding/calls/{call.pk}/delete/")

    assert response.url == "/funding/calls/"
    assert not Call.objects.exists() and not CallReminder.objects.exists()


# --- public pages -----------------------------------------------------------------------


@pytest.fixture
def many_calls(commission_staff):
    """Open, upcoming and closed calls across programmes, ecosystems and countries."""
    calls = {
        "open_health_be": open_call(
            by=commission_staff,
            title="Open health BE",
            ecosystems=("health",),
            eligible_countries=["BE", "NL"],
        ),
        "open_digital_pl": open_call(
            by=commission_staff,
            title="Open digital PL",
            ecosystems=("digital",),
            eligible_countries=["PL"],
            programme=programme("clusterxchange"),
        ),
        "open_everyone": open_call(by=commission_staff, title="Open to everyone"),
        "upcoming": upcoming_call(
            by=commission_staff, title="Upcoming health", ecosystems=("health",)
        ),
        "closed": closed_call(by=commission_staff, title="Closed health", ecosystems=("health",)),
    }
    for n in range(6):
        open_call(
            by=commission_staff,
            title=f"Filler {n}",
            ecosystems=("textile", "tourism"),
            eligible_countries=["FR", "DE"],
        )
    return calls


def titles(response) -> set[str]:
    return {call.title for call in response.context["calls"]}


def test_the_calls_list_shows_open_and_upcoming_calls_by_default(client, many_calls):
    response = client.get("/funding/calls/")

    shown = titles(response)
    assert "Upcoming health" in shown and "Open health BE" in shown
    assert "Closed health" not in shown
    assert response.context["result_count"] == 10


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=closed", {"Closed health"}),
        ("status=upcoming", {"Upcoming health"}),
        ("status=open&programme=clusterxchange", {"Open digital PL"}),
        ("status=open&ecosystem=health", {"Open health BE", "Open to everyone"}),
        ("status=open&country=PL", {"Open digital PL", "Open to everyone"}),
        (
            "status=open&status=upcoming&ecosystem=health&country=BE",
            {"Open health BE", "Open to everyone", "Upcoming health"},
        ),
        ("status=open&q=digital", {"Open digital PL"}),
    ],
    ids=["closed", "upcoming", "programme", "ecosystem", "country", "combined", "search"],
)
def test_the_calls_list_filters(client, many_calls, query, expected):
    assert titles(client.get(f"/funding/calls/?{query}")) == expected


@pytest.mark.parametrize(
    "query", ["status=later", "programme=nowhere", "ecosystem=space", "country=XX", "sort=budget"]
)
def test_a_bad_filter_is_a_form_error_not_a_server_error(client, many_calls, query):
    response = client.get(f"/funding/calls/?{query}")

    assert response.status_code == 200
    field = query.split("=")[0]
    assert field in response.context["filter_form"].errors
    # The message sits by its field in the filter panel.
    assert f'id="id_{field}-error"' in response.content.decode()


def test_the_calls_list_has_a_query_budget(client, many_calls, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(
            "/funding/calls/?status=open&status=upcoming&status=closed&ecosystem=health&programme=euroclusters"
        )

    assert response.status_code == 200
    assert len(response.context["calls"]) == 4


def test_the_calls_list_pages_without_gaps(client, commission_staff):
    now = timezone.now()
    for n in range(25):
        make_call(
            by=commission_staff,
            title=f"Call {n:02}",
            now=now,
            closes_in=datetime.timedelta(days=10),
        )

    first = titles(client.get("/funding/calls/"))
    second = titles(client.get("/funding/calls/?page=2"))

    assert len(first) == 20 and len(second) == 5 and not first & second


def test_the_landing_page_lists_programmes_and_calls_closing_soon(
    client, many_calls, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        html = client.get("/funding/").content.decode()

    assert "Calls closing soon" in html
    assert "Closed health" not in html and "Upcoming health" not in html
    for name in [
        "Euroclusters",
        "Cluster Excellence Programme",
        "ClusterXchange",
        "European Pact for Skills",
        "Social Economy canvas model",
        "Intelligent Cities reskilling",
    ]:
        assert name in html


def test_the_programme_list_has_a_query_budget(
    client, commission_staff, django_assert_max_num_queries
):
    for _ in range(5):
        make_programme(by=commission_staff, ecosystems=list(Ecosystem.objects.all()[:3]))

    with django_assert_max_num_queries(4):
        response = client.get("/funding/programmes/")

    assert len(response.context["programmes"]) == 11


def test_a_programme_page_lists_its_calls_and_published_projects(
    client, many_calls, cluster_manager, django_assert_max_num_queries
):
    cluster = make_cluster(by=cluster_manager)
    for n in range(3):
        make_project(
            by=cluster_manager,
            coordinator=cluster,
            title=f"Published project {n}",
            programme=programme(),
        )
    make_project(
        by=cluster_manager,
        coordinator=cluster,
        title="Draft project",
        status="draft",
        programme=programme(),
    )
    make_project(
        by=cluster_manager,
        coordinator=cluster,
        title="Other programme project",
        programme=programme("clusterxchange"),
    )

    with django_assert_max_num_queries(7):
        response = client.get("/funding/programmes/euroclusters/")

    html = response.content.decode()
    assert "Published project 0" in html and "Published project 2" in html
    assert "Draft project" not in html and "Other programme project" not in html
    assert "Open health BE" in html and "Closed health" in html
    assert "Open digital PL" not in html
    assert "Develop value chains across the single market" in html


def test_an_inactive_programme_and_its_calls_are_hidden_from_the_public(client, commission_staff):
    made = make_programme(by=commission_staff)
    call = open_call(by=commission_staff, programme=made, title="Hidden call")
    services.programme_update(programme=made, by=commission_staff, data={"active": False})

    assert client.get(made.get_absolute_url()).status_code == 404
    assert client.get(call.get_absolute_url()).status_code == 404
    assert "Hidden call" not in titles(client.get("/funding/calls/"))
    client.force_login(commission_staff)
    assert client.get(call.get_absolute_url()).status_code == 200
    assert "inactive" in client.get(made.get_absolute_url()).content.decode()


def test_a_call_page_shows_the_deadline_in_its_zone_and_in_utc(client, commission_staff):
    helsinki = datetime.timezone(datetime.timedelta(hours=2))
    call = make_call(
        by=commission_staff,
        timezone="Europe/Helsinki",
        opens_at=datetime.datetime(2031, 1, 5, 9, 0, tzinfo=helsinki),
        deadline_at=datetime.datetime(2031, 2, 1, 16, 0, tzinfo=helsinki),
    )

    html = client.get(call.get_absolute_url()).content.decode()

    local = re.search(r"data-deadline-local><strong>(.*?)</strong>", html).group(1)
    utc = re.search(r"data-deadline-utc>(.*?)<", html).group(1)
    assert local == "Saturday 1 February 2031, 16:00 EET"
    assert utc == "1 February 2031, 14:00"
    assert "Budget not published" in html
    assert "Every portal country" in html


# --- reminders from the pages -----------------------------------------------------------


def test_a_logged_in_user_asks_for_and_cancels_a_reminder(client, call, cluster_manager):
    client.force_login(cluster_manager)

    response = client.post(
        f"/funding/calls/{call.pk}/reminder/",
        {"action": "request", "next": "/my/profiles/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/my/profiles/"
    assert "a week before its deadline" in response.content.decode()
    assert CallReminder.objects.filter(call=call, user=cluster_manager, sent_at=None).exists()
    assert "Cancel the reminder" in client.get(call.get_absolute_url()).content.decode()

    client.post(f"/funding/calls/{call.pk}/reminder/", {"action": "cancel"})
    assert not CallReminder.objects.exists()


def test_a_reminder_for_a_closed_call_is_a_message_not_an_error(
    client, commission_staff, cluster_manager
):
    call = closed_call(by=commission_staff)
    client.force_login(cluster_manager)

    response = client.post(f"/funding/calls/{call.pk}/reminder/", follow=True)

    assert response.status_code == 200
    assert "This call is closed" in response.content.decode()
    assert not CallReminder.objects.exists()


def test_the_reminder_never_redirects_off_site(client, call, cluster_manager):
    client.force_login(cluster_manager)

    response = client.post(f"/funding/calls/{call.pk}/reminder/", {"next": "https://evil.example/"})

    assert response.url == call.get_absolute_url()


def test_anonymous_users_log_in_to_ask_for_a_reminder(client, call):
    response = client.post(f"/funding/calls/{call.pk}/reminder/")

    assert "/accounts/login/" in response.url
    assert "Log in" in client.get(call.get_absolute_url()).content.decode()
    assert not CallReminder.objects.exists()
