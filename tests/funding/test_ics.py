"""/funding/calls.ics: an iCalendar feed that parses and holds exactly the open calls."""

import datetime

import pytest
from icalendar import Calendar

from funding import services
from funding.ics import event_uid
from tests.funding.factories import closed_call, make_call, make_programme, open_call, upcoming_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(commission_staff):
    inactive = make_programme(by=commission_staff)
    made = {
        "open": [
            open_call(by=commission_staff, title="Open in Brussels"),
            open_call(
                by=commission_staff,
                title="Open in Lisbon",
                timezone="Europe/Lisbon",
                closes_in=datetime.timedelta(days=3),
            ),
            open_call(by=commission_staff, title="Open in Helsinki", timezone="Europe/Helsinki"),
        ],
        "upcoming": upcoming_call(by=commission_staff),
        "closed": closed_call(by=commission_staff),
        "hidden": open_call(by=commission_staff, programme=inactive),
    }
    services.programme_update(programme=inactive, by=commission_staff, data={"active": False})
    return made


def parse(response) -> Calendar:
    return Calendar.from_ical(response.content)


def test_the_feed_parses_and_holds_exactly_the_open_calls(client, calls):
    response = client.get("/funding/calls.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = parse(response)
    events = calendar.walk("VEVENT")
    assert calendar["VERSION"] == "2.0"
    assert {str(e["UID"]) for e in events} == {event_uid(c) for c in calls["open"]}
    assert len(events) == 3


def test_each_event_starts_at_the_deadline_in_the_calls_own_time_zone(client, calls):
    events = {str(e["UID"]): e for e in parse(client.get("/funding/calls.ics")).walk("VEVENT")}

    for call in calls["open"]:
        event = events[event_uid(call)]
        start = event.decoded("DTSTART")
        assert start == call.deadline_at.replace(microsecond=0)
        assert str(start.tzinfo) == call.timezone
        assert event["DTSTART"].params["TZID"] == call.timezone
        assert str(event["SUMMARY"]) == f"Deadline: {call.title}"
        assert str(event["URL"]) == f"http://testserver/funding/calls/{call.pk}/"
    zones = {str(tz["TZID"]) for tz in parse(client.get("/funding/calls.ics")).walk("VTIMEZONE")}
    assert zones == {"Europe/Brussels", "Europe/Lisbon", "Europe/Helsinki"}


def test_an_events_uid_stays_when_its_call_changes(client, calls, commission_staff):
    call = calls["open"][0]
    before = {str(e["UID"]) for e in parse(client.get("/funding/calls.ics")).walk("VEVENT")}

    services.call_update(call=call, by=commission_staff, data={"title": "Renamed call"})
    events = parse(client.get("/funding/calls.ics")).walk("VEVENT")

    assert {str(e["UID"]) for e in events} == before
    assert "Deadline: Renamed call" in {str(e["SUMMARY"]) for e in events}


def test_staff_get_the_same_public_feed(client, calls, commission_staff):
    client.force_login(commission_staff)

    events = parse(client.get("/funding/calls.ics")).walk("VEVENT")

    assert event_uid(calls["hidden"]) not in {str(e["UID"]) for e in events}


def test_an_empty_feed_is_still_a_calendar(client):
    calendar = parse(client.get("/funding/calls.ics"))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["PRODID"]).startswith("-//Clusters Response Portal")


def test_the_feed_has_a_query_budget(client, commission_staff, django_assert_max_num_queries):
    for n in range(12):
        make_call(by=commission_staff, title=f"Call {n}", ecosystems=("health", "digital"))

    with django_assert_max_num_queries(3):
        response = client.get("/funding/calls.ics")

    assert len(parse(response).walk("VEVENT")) == 12
