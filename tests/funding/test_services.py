"""Staff keep programmes and calls; the services refuse everyone else and bad input."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from funding import services
from funding.models import Call, CallReminder, Programme
from tests.clusters.factories import make_cluster, make_project
from tests.funding.factories import closed_call, make_call, make_programme, open_call, programme

pytestmark = pytest.mark.django_db

OUTSIDERS = ["cluster_manager", "company_user", "authority", "unverified_authority"]


@pytest.fixture(params=OUTSIDERS)
def outsider(request):
    return request.getfixturevalue(request.param)


def test_staff_create_change_and_delete_a_programme(commission_staff):
    made = make_programme(by=commission_staff, slug="green-skills", name="Green Skills")

    services.programme_update(programme=made, by=commission_staff, data={"summary": "New."})
    made.refresh_from_db()
    assert made.summary == "New."
    services.programme_delete(programme=made, by=commission_staff)
    assert not Programme.objects.filter(slug="green-skills").exists()


def test_a_superuser_may_manage_calls(superuser):
    call = make_call(by=superuser)

    services.call_update(call=call, by=superuser, data={"title": "Renamed"})
    assert Call.objects.get(pk=call.pk).title == "Renamed"


def test_nobody_but_staff_manages_programmes(outsider, commission_staff):
    existing = programme()
    data = {"slug": "x-programme", "name": "X", "summary": "S", "description": "D",
            "link": "https://ec.europa.eu/", "position": 1, "active": True}  # fmt: skip

    with pytest.raises(PermissionDenied):
        services.programme_create(by=outsider, data=data)
    with pytest.raises(PermissionDenied):
        services.programme_update(programme=existing, by=outsider, data={"name": "Mine"})
    with pytest.raises(PermissionDenied):
        services.programme_delete(programme=existing, by=outsider)
    existing.refresh_from_db()
    assert existing.name == "Euroclusters"
    assert not Programme.objects.filter(slug="x-programme").exists()


def test_nobody_but_staff_manages_calls(outsider, commission_staff):
    call = open_call(by=commission_staff)

    with pytest.raises(PermissionDenied):
        make_call(by=outsider)
    with pytest.raises(PermissionDenied):
        services.call_update(call=call, by=outsider, data={"title": "Mine"})
    with pytest.raises(PermissionDenied):
        services.call_delete(call=call, by=outsider)
    assert Call.objects.get().title == call.title


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"closes_in": datetime.timedelta(days=-3)}, "deadline_at"),
        ({"closes_in": datetime.timedelta(days=-1)}, "deadline_at"),  # equal to the opening
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"budget": -1}, "budget"),
        ({"eligible_countries": ["BE", "XX"]}, "eligible_countries"),
        ({"eligible_countries": ["US"]}, "eligible_countries"),  # not a portal country
        ({"link": "not a link"}, "link"),
        ({"title": ""}, "title"),
    ],
    ids=[
        "deadline-before",
        "deadline-equal",
        "zone",
        "no-zone",
        "budget",
        "country",
        "us",
        "link",
        "title",
    ],
)
def test_bad_call_input_is_a_field_error(commission_staff, overrides, field):
    with pytest.raises(ValidationError) as exc:
        make_call(by=commission_staff, **overrides)

    assert field in exc.value.message_dict
    assert not Call.objects.exists()


def test_a_date_without_a_time_zone_is_refused(commission_staff):
    with pytest.raises(ValidationError) as exc:
        make_call(by=commission_staff, opens_at=datetime.datetime(2030, 1, 1, 9, 0))

    assert "opens_at" in exc.value.message_dict


def test_dates_are_kept_as_instants_whatever_the_call_zone(commission_staff):
    lisbon = zoneinfo.ZoneInfo("Europe/Lisbon")
    deadline = datetime.datetime(2031, 1, 15, 17, 0, tzinfo=lisbon)

    call = make_call(
        by=commission_staff,
        timezone="Europe/Lisbon",
        opens_at=datetime.datetime(2031, 1, 1, 9, 0, tzinfo=lisbon),
        deadline_at=deadline,
    )

    call.refresh_from_db()
    assert call.deadline_at == deadline
    assert call.deadline_local.hour == 17
    assert call.deadline_at.astimezone(datetime.UTC).hour == 17  # Lisbon is on UTC in winter


def test_a_call_is_not_moved_to_an_inactive_programme(commission_staff):
    inactive = make_programme(by=commission_staff, active=False)
    call = open_call(by=commission_staff)

    with pytest.raises(ValidationError) as exc:
        services.call_update(call=call, by=commission_staff, data={"programme": inactive})
    assert "programme" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_call(by=commission_staff, programme=inactive)


def test_a_call_stays_under_its_programme_once_deactivated(commission_staff):
    made = make_programme(by=commission_staff)
    call = open_call(by=commission_staff, programme=made)
    services.programme_update(programme=made, by=commission_staff, data={"active": False})

    services.call_update(call=call, by=commission_staff, data={"title": "Still here"})

    assert Call.objects.get(pk=call.pk).programme == made


def test_a_programme_with_calls_is_deactivated_not_deleted(commission_staff):
    made = make_programme(by=commission_staff)
    open_call(by=commission_staff, programme=made)

    with pytest.raises(ValidationError, match="deactivate it instead"):
        services.programme_delete(programme=made, by=commission_staff)
    assert Programme.objects.filter(pk=made.pk).exists()


def test_a_programme_used_by_a_project_is_deactivated_not_deleted(
    commission_staff, cluster_manager
):
    made = make_programme(by=commission_staff)
    make_project(by=cluster_manager, coordinator=make_cluster(by=cluster_manager), programme=made)

    with pytest.raises(ValidationError, match="deactivate it instead"):
        services.programme_delete(programme=made, by=commission_staff)
    assert Programme.objects.filter(pk=made.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"slug": "new"}, "slug"),
        ({"slug": "euroclusters"}, "slug"),
        ({"name": "Euroclusters"}, "name"),
        ({"link": "not-a-url"}, "link"),
        ({"summary": ""}, "summary"),
    ],
    ids=["reserved", "taken-slug", "taken-name", "link", "summary"],
)
def test_bad_programme_input_is_a_field_error(commission_staff, data, field):
    with pytest.raises(ValidationError) as exc:
        make_programme(by=commission_staff, **data)

    assert field in exc.value.message_dict


def test_a_programme_slug_does_not_change(commission_staff):
    with pytest.raises(ValidationError) as exc:
        services.programme_update(programme=programme(), by=commission_staff, data={"slug": "euro"})

    assert "slug" in exc.value.message_dict


# --- reminders --------------------------------------------------------------------------


def test_anyone_logged_in_may_ask_for_a_reminder_once(commission_staff, company_user):
    call = open_call(by=commission_staff)

    first = services.call_reminder_request(call=call, by=company_user)
    second = services.call_reminder_request(call=call, by=company_user)

    assert first == second
    assert CallReminder.objects.count() == 1


def test_no_reminder_for_a_closed_call(commission_staff, cluster_manager):
    call = closed_call(by=commission_staff)

    with pytest.raises(ValidationError, match="closed"):
        services.call_reminder_request(call=call, by=cluster_manager)
    assert not CallReminder.objects.exists()


def test_a_reminder_is_cancelled_only_by_its_owner(
    commission_staff, cluster_manager, other_cluster_manager
):
    call = open_call(by=commission_staff)
    services.call_reminder_request(call=call, by=cluster_manager)

    assert services.call_reminder_cancel(call=call, by=other_cluster_manager) is False
    assert CallReminder.objects.filter(user=cluster_manager).exists()
    assert services.call_reminder_cancel(call=call, by=cluster_manager) is True
    assert not CallReminder.objects.exists()


def test_remind_at_is_a_week_before_the_deadline(commission_staff, cluster_manager):
    call = open_call(by=commission_staff, closes_in=datetime.timedelta(days=20))

    reminder = services.call_reminder_request(call=call, by=cluster_manager)

    assert call.deadline_at - reminder.remind_at == datetime.timedelta(days=7)
    assert reminder.remind_at > timezone.now()
