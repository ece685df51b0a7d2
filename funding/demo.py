"""Demo calls for proposals under the reference programmes: open, upcoming and closed.

Everything here is demo data: every title ends with "(demo)", the dates are placed around
the day the demo is loaded, and no budget is given (the pages say "budget not published"),
since these calls publish none. Links go to the programmes' real pages.

Calls are made through ``funding.services`` like any other. Running it again adds only the
missing calls (found by title) and moves the existing ones' dates to the new day, so the demo
keeps open, upcoming and closed calls however long ago it was first loaded.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from funding.models import Call, Programme
from funding.services import call_create, call_update
from portal.core.models import Ecosystem

if TYPE_CHECKING:
    from portal.accounts.models import User

DEMO_MARK = "(demo)"


@dataclass(frozen=True)
class DemoCall:
    title: str
    programme: str  # slug
    summary: str
    opens_in_days: int  # from today; negative: in the past
    closes_in_days: int
    closes_at: datetime.time
    timezone: str = "Europe/Brussels"
    ecosystems: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


FIVE_PM = datetime.time(17, 0)
NOON = datetime.time(12, 0)

CALLS: tuple[DemoCall, ...] = (
    DemoCall(
        "Euroclusters: support for SMEs in health and textile value chains (demo)",
        "euroclusters",
        "Financial support for SMEs that join a Eurocluster's work on resilient health and "
        "textile value chains: protective equipment, medical textiles, shared testing.",
        -21, 5, FIVE_PM, ecosystems=("health", "textile"),
    ),
    DemoCall(
        "ClusterXchange: short-term exchanges between cluster members (demo)",
        "clusterxchange",
        "Visits of a few days to a cluster in another country, for cluster organisations, "
        "SMEs that are cluster members and scaling-up support organisations.",
        -10, 28, datetime.time(23, 59),
    ),
    DemoCall(
        "Cluster Excellence Programme: digital cluster management partnerships (demo)",
        "cluster-excellence-programme",
        "Partnerships of cluster organisations in Central and Eastern Europe that improve "
        "their management and their digital services to SMEs.",
        -30, 45, FIVE_PM, ecosystems=("digital", "electronics", "energy-intensive"),
        countries=("PL", "CZ", "SK", "HU", "RO", "BG"),
    ),
    DemoCall(
        "Pact for Skills: skills partnership for renewable energy (demo)",
        "pact-for-skills",
        "Commitments to upskill and reskill workers for renewable energy, made by companies, "
        "training providers, clusters and regions together.",
        -5, 60, NOON, timezone="Europe/Lisbon", ecosystems=("renewable-energy",),
    ),
    DemoCall(
        "Intelligent Cities: local reskilling partnerships (demo)",
        "intelligent-cities-reskilling",
        "Cities that set up a local skills partnership with companies, vocational schools and "
        "clusters, for the green and digital transition of their economy.",
        14, 90, FIVE_PM, ecosystems=("tourism", "proximity-social-economy"),
    ),
    DemoCall(
        "Social Economy canvas: pilots with social economy clusters (demo)",
        "social-economy-canvas",
        "Pilots in which social economy clusters use the canvas with their members and report "
        "what they learn.",
        30, 120, FIVE_PM, ecosystems=("proximity-social-economy",),
    ),
    DemoCall(
        "Euroclusters: joint cluster initiatives, first wave (demo)",
        "euroclusters",
        "Joint initiatives of clusters that develop value chains in the single market.",
        -150, -60, FIVE_PM,
    ),
    DemoCall(
        "ClusterXchange: exchanges in the agri-food ecosystem (demo)",
        "clusterxchange",
        "Exchanges between agri-food clusters and their members in South-Eastern Europe.",
        -90, -10, FIVE_PM, ecosystems=("agri-food",), countries=("GR", "BG", "RO", "CY"),
    ),
)  # fmt: skip


def _at(day: datetime.date, days: int, time: datetime.time, zone: str) -> datetime.datetime:
    local = datetime.datetime.combine(day + datetime.timedelta(days=days), time)
    return local.replace(tzinfo=zoneinfo.ZoneInfo(zone))


def seed_calls(*, staff: User, today: datetime.date | None = None) -> int:
    """Make the demo calls that do not exist yet (by title) and keep every demo call's dates
    around ``today``; returns how many were made."""
    today = today or timezone.localdate()
    programmes = {p.slug: p for p in Programme.objects.all()}
    ecosystems = {e.slug: e for e in Ecosystem.objects.all()}
    existing = {c.title: c for c in Call.objects.filter(title__endswith=DEMO_MARK)}
    made = 0
    for demo in CALLS:
        programme = programmes.get(demo.programme)
        if programme is None:  # a reference programme staff deleted
            continue
        dates = {
            "opens_at": _at(today, demo.opens_in_days, datetime.time(9, 0), demo.timezone),
            "deadline_at": _at(today, demo.closes_in_days, demo.closes_at, demo.timezone),
        }
        call = existing.get(demo.title)
        if call is not None:
            if (call.opens_at, call.deadline_at) != (dates["opens_at"], dates["deadline_at"]):
                call_update(call=call, by=staff, data=dates)
            continue
        call_create(
            by=staff,
            data={
                "title": demo.title,
                "programme": programme,
                "summary": demo.summary,
                "timezone": demo.timezone,
                "budget": None,
                "eligible_countries": list(demo.countries),
                "ecosystems": [ecosystems[s] for s in demo.ecosystems if s in ecosystems],
                "link": programme.link,
                **dates,
            },
        )
        made += 1
    return made
