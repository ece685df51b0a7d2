"""The demo calls: open, upcoming and closed around today, marked as demo, idempotent."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from clusters.demo import seed_clusters
from clusters.models import Project
from funding.demo import CALLS, seed_calls
from funding.models import Call, CallStatus

pytestmark = pytest.mark.django_db


def statuses() -> dict[str, str]:
    return dict(Call.objects.with_status(timezone.now()).values_list("title", "status"))


def test_the_demo_has_open_upcoming_and_closed_calls(commission_staff):
    made = seed_calls(staff=commission_staff)

    assert made == len(CALLS) == Call.objects.count()
    assert set(statuses().values()) == {CallStatus.OPEN, CallStatus.UPCOMING, CallStatus.CLOSED}
    assert all(title.endswith("(demo)") for title in statuses())
    assert not Call.objects.filter(budget__isnull=False).exists()
    programmes = set(Call.objects.values_list("programme__slug", flat=True))
    assert len(programmes) == 6


def test_seeding_again_adds_nothing(commission_staff):
    seed_calls(staff=commission_staff)
    before = list(Call.objects.order_by("pk").values_list("pk", "opens_at", "deadline_at"))

    assert seed_calls(staff=commission_staff) == 0
    assert list(Call.objects.order_by("pk").values_list("pk", "opens_at", "deadline_at")) == before


def test_seeding_on_a_later_day_keeps_the_calls_around_that_day(commission_staff):
    today = timezone.localdate()
    seed_calls(staff=commission_staff, today=today - datetime.timedelta(days=200))
    assert set(statuses().values()) == {CallStatus.CLOSED}

    assert seed_calls(staff=commission_staff, today=today) == 0

    assert set(statuses().values()) == {CallStatus.OPEN, CallStatus.UPCOMING, CallStatus.CLOSED}
    assert Call.objects.count() == len(CALLS)


def test_the_demo_projects_link_to_programmes_or_keep_another_name(
    cluster_manager, commission_staff
):
    seed_clusters(clusters=40, projects=6, by_manager=cluster_manager, by_staff=commission_staff)

    rows = dict(Project.objects.values_list("acronym", "programme__slug"))
    others = dict(
        Project.objects.filter(programme__isnull=True).values_list("acronym", "programme_other")
    )
    assert rows["PROTEX-EU"] == "euroclusters"
    assert rows["RESUPPLY"] == "cluster-excellence-programme"
    assert rows["AEROX"] == "clusterxchange"
    assert others == {
        "DICARE": "Interreg Baltic Sea Region",
        "AM-RESCUE": "Horizon Europe",
        "COLDLINK": "Interreg Europe",
    }


def test_seed_demo_loads_the_calls_and_the_demo_manager_sees_fitting_ones(client):
    call_command(
        "seed_demo",
        "--quiet",
        "--clusters",
        "12",
        "--projects",
        "2",
        "--offers",
        "0",
        "--demands",
        "0",
    )

    assert Call.objects.count() == len(CALLS)
    client.login(email="manager@demo.eu", password="demo-portal-2020")
    html = client.get("/my/profiles/").content.decode()
    assert "Euroclusters: support for SMEs in health and textile value chains (demo)" in html
