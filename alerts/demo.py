"""Demo rapid alerts, so a newcomer sees the list, the assessment queue, the dashboard and the
weekly reports with something in them.

The titles follow the kinds of disruption the Rapid Alert Function recorded in 2020 (plastic
material, aviation labour, lithium, electronic components, gas transport, a technology need
in automotive, homologation of medical devices, IoT standardisation, take-overs of
aeronautics suppliers, social companies and public funding), but every text is invented demo
content and says so; no figure is given (the number of companies affected and the expected
duration are left empty), and the evidence links point to ``example.eu``.

Alerts are made through the same services people use, walked through the real assessment
(one alert in every state, one confirmed alert escalated, one merged into another), with
offers and clusters linked as solutions. Their dates are then moved into the past (spread
over the last eight weeks, with their history) so the dashboard's weekly chart and the weekly
reports have something to show. Running it again adds only the alerts whose title is missing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from alerts.models import Alert, AlertStatus, AlertTransition, Subscription, TransitionKind
from alerts.services import (
    alert_escalate,
    alert_link_cluster,
    alert_link_offer,
    alert_merge,
    alert_report,
    alert_transition,
    subscription_save,
)
from alerts.services.reports import previous_week_start, weekly_report_compile
from clusters.models import Cluster, ProfileStatus
from offers.models import PUBLIC_OFFER_STATUSES, Offer
from portal.core.models import Ecosystem

if TYPE_CHECKING:
    from portal.accounts.models import User

S = AlertStatus
DEMO_NOTE = "Demo content: this alert describes no real event."

# The path through the assessment to each state (staff take every step).
PATHS: dict[str, list[str]] = {
    S.REPORTED: [],
    S.UNDER_ASSESSMENT: [S.UNDER_ASSESSMENT],
    S.CONFIRMED: [S.UNDER_ASSESSMENT, S.CONFIRMED],
    S.DISMISSED: [S.UNDER_ASSESSMENT, S.DISMISSED],
    S.MERGED: [S.UNDER_ASSESSMENT],  # then merged into ``merge_into``
    S.RESOLVED: [S.UNDER_ASSESSMENT, S.CONFIRMED],  # then solutions linked, then resolved
}
# Days after the report that each later step happened, in order; a resolution comes weeks
# later. The dates are made up.
STEP_DAYS = (1, 3, 5, 9, 12, 20)
RESOLVED_AFTER_DAYS = 24


@dataclass(frozen=True)
class DemoAlert:
    title: str
    type: str
    ecosystems: tuple[str, ...]
    stage: str
    materials: tuple[str, ...]
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    severity: str
    status: str
    reported_days_ago: int
    started_days_before: int
    reporter: str  # "authority", or the name of the demo manager's cluster that reports it
    description: str
    evidence: str
    proposed_solutions: str
    critical_companies_at_risk: bool = False
    confidential_note: str = ""
    escalation_note: str = ""
    note: str = ""  # the note of the deciding step (dismissal, merge, resolution)
    merge_into: str = ""  # the title of the alert a merged one joins
    offers: tuple[str, ...] = ()  # demo offers linked as solutions (by title)
    clusters: tuple[str, ...] = ()  # demo clusters linked as solutions (by name)
    links: tuple[str, ...] = ()  # evidence links (on example.eu)


TEXTILES = "Lodz Medical Textiles Cluster"
ICT = "Pomeranian ICT Cluster"
ENERGY = "Silesian Clean Energy Cluster"

ALERTS: tuple[DemoAlert, ...] = (
    DemoAlert(
        "Disruption in the supply of plastic material", "supply_disruption",
        ("health", "textile"), "raw_materials", ("polypropylene", "meltblown nonwoven"),
        ("PL", "DE", "CZ"), ("Łódzkie", "Saxony"), "high", S.CONFIRMED, 52, 10, TEXTILES,
        "Producers of masks and gowns in the cluster cannot source polypropylene and "
        "meltblown nonwoven: suppliers outside the EU have stopped confirming orders.",
        "Members report cancelled and postponed orders from their usual suppliers.",
        "Pool orders across clusters; redirect EU producers of polypropylene to medical uses.",
        links=("https://example.eu/demo/plastic-supply-survey",),
        clusters=("Galician Automotive Cluster",),
    ),
    DemoAlert(
        "Shortage of polypropylene for visors and gowns", "raw_material_shortage",
        ("health",), "raw_materials", ("polypropylene",), ("ES",), ("Comunidad de Madrid",),
        "medium", S.MERGED, 47, 7, "authority",
        "Regional suppliers of visors and gowns to hospitals say they lack polypropylene.",
        "Suppliers told the regional health service that deliveries will be late.",
        "Find other EU sources of polypropylene.",
        note="Demo: the same disruption as the plastic material alert; merged into it.",
        merge_into="Disruption in the supply of plastic material",
    ),
    DemoAlert(
        "Labour restructuring in aviation", "labour_restructuring",
        ("aerospace-defence", "tourism"), "services", ("aircraft maintenance",), ("ES", "FR"),
        ("Comunidad de Madrid", "Occitanie"), "high", S.CONFIRMED, 45, 14, "authority",
        "Airlines and maintenance companies announce restructuring; skilled maintenance "
        "staff may leave the sector.",
        "Announcements by employers and social partners in the region.",
        "Short-time work schemes; retraining; keep certifications of maintenance staff valid.",
        clusters=("Toulouse Aerospace Valley Cluster",),
    ),
    DemoAlert(
        "Lithium availability for battery production", "raw_material_shortage",
        ("renewable-energy", "mobility-transport-automotive"), "raw_materials",
        ("lithium carbonate", "lithium hydroxide"), ("PL", "DE", "SE"), ("Śląskie",), "high",
        S.UNDER_ASSESSMENT, 6, 20, ENERGY,
        "Battery cell makers supplied by the cluster's members warn that lithium compounds "
        "are allocated to other markets first.",
        "Letters from two suppliers announcing allocation.",
        "Joint purchasing; speed up EU refining projects.",
    ),
    DemoAlert(
        "Supply of electronic components for medical devices", "supply_disruption",
        ("electronics", "health"), "components", ("microcontrollers", "pressure sensors"),
        ("PL", "DE", "NL", "IE"), ("Pomorskie",), "critical", S.CONFIRMED, 38, 12, ICT,
        "Makers of ventilators and monitors cannot get microcontrollers and pressure "
        "sensors: lead times have grown beyond what production plans can absorb.",
        "Distributor notices of longer lead times; members' purchase orders.",
        "Priority allocation for medical devices; qualify alternative components.",
        links=("https://example.eu/demo/component-lead-times",),
        clusters=("Irish MedTech Cluster",),
    ),
    DemoAlert(
        "Lack of gas transport infrastructure", "infrastructure_gap", ("energy-intensive",),
        "distribution_logistics", ("natural gas",), ("PL", "CZ", "SK"), ("Śląskie",),
        "medium", S.RESOLVED, 55, 30, ENERGY,
        "Energy-intensive plants in the region depend on one pipeline; there is no second "
        "route if it is interrupted.",
        "Grid operator's published capacity map.",
        "Interconnector capacity; temporary LNG supply by truck.",
        note="Demo: temporary supply arranged; the interconnector project goes ahead.",
        clusters=("Moravian-Silesian Engineering Cluster",),
    ),
    DemoAlert(
        "Flexibilisation technology need in automotive production", "technology_need",
        ("mobility-transport-automotive", "digital"), "manufacturing",
        ("reconfigurable production lines",), ("PL", "DE", "CZ"), ("Pomorskie",), "medium",
        S.REPORTED, 3, 15, ICT,
        "Automotive suppliers want to switch lines between products quickly and lack the "
        "software and robotics to do it.",
        "Requests from member companies to the cluster.",
        "Match with technology providers; pilot projects.",
    ),
    DemoAlert(
        "Homologation of medical devices from repurposed production lines",
        "regulatory_barrier", ("health",), "end_market", ("ventilators", "face masks"),
        ("ES", "IT", "PT"), ("Comunidad de Madrid",), "high", S.CONFIRMED, 30, 9, "authority",
        "Companies that repurposed their lines cannot place devices on the market while "
        "conformity assessment takes months.",
        "Applications waiting with notified bodies, as reported to the health service.",
        "Fast-track conformity assessment; mutual recognition of test results.",
        offers=("Medical oxygen concentrators",),
        clusters=("Brno Health Technologies Cluster",),
    ),
    DemoAlert(
        "Lack of standardisation in IoT devices for remote care", "standardisation_gap",
        ("digital", "electronics", "health"), "components", ("IoT sensors", "gateways"),
        ("PL", "EE", "FI"), ("Pomorskie",), "low", S.DISMISSED, 22, 60, ICT,
        "Remote-care devices from different makers cannot talk to each other.",
        "Members' integration projects.",
        "Common data formats for remote-care devices.",
        note="Demo: a long-term standardisation question rather than a crisis disruption; "
        "passed to the standardisation team.",
    ),
    DemoAlert(
        "Take-over threats to 2nd and 3rd tier aeronautics suppliers", "takeover_threat",
        ("aerospace-defence", "electronics"), "components",
        ("avionics sub-assemblies", "machined parts"), ("PL", "FR", "ES", "IT"),
        ("Pomorskie",), "critical", S.CONFIRMED, 16, 25, ICT,
        "Small suppliers of aeronautics parts lose orders and receive offers from investors "
        "outside the EU.",
        "Members report approaches by investors.",
        "Screening of foreign investment; bridge financing for suppliers.",
        critical_companies_at_risk=True,
        confidential_note="Demo content: the names of the suppliers approached would be "
        "recorded here, for Commission staff only.",
        escalation_note="Demo: know-how critical to EU aeronautics at risk.",
    ),
    DemoAlert(
        "Social economy companies excluded from public funding", "funding_exclusion",
        ("proximity-social-economy",), "services", ("support schemes",), ("ES", "IT"),
        ("Comunidad de Madrid",), "medium", S.UNDER_ASSESSMENT, 4, 21, "authority",
        "Social economy companies cannot apply for the support schemes open to other "
        "companies, because of their legal form.",
        "Eligibility rules of the schemes.",
        "Open the schemes to social economy companies.",
    ),
)  # fmt: skip


def _reporter_and_cluster(
    demo: DemoAlert, manager: User, authority: User
) -> tuple[User, Cluster | None] | None:
    if demo.reporter == "authority":
        return authority, None
    managed = Cluster.objects.managed_by(manager)
    cluster = (
        managed.filter(name=demo.reporter).first()
        or managed.filter(status=ProfileStatus.PUBLISHED).order_by("pk").first()
        or managed.order_by("pk").first()
    )
    return (manager, cluster) if cluster is not None else None


def _data(
    demo: DemoAlert, reported_at: datetime.datetime, cluster: Cluster | None
) -> dict[str, Any]:
    return {
        "title": demo.title,
        "description": f"{demo.description}\n\n{DEMO_NOTE}",
        "type": demo.type,
        "value_chain_stage": demo.stage,
        "materials": list(demo.materials),
        "countries": list(demo.countries),
        "regions": list(demo.regions),
        "started_on": reported_at.date() - datetime.timedelta(days=demo.started_days_before),
        "severity": demo.severity,
        "evidence": f"{demo.evidence} (Demo content.)",
        "evidence_links": list(demo.links),
        "proposed_solutions": demo.proposed_solutions,
        "critical_companies_at_risk": demo.critical_companies_at_risk,
        "confidential_note": demo.confidential_note,
        "cluster": cluster,
    }


def _link_solutions(alert: Alert, demo: DemoAlert, staff: User) -> None:
    for title in demo.offers:
        offer = (
            Offer.objects.filter(title=title, status__in=PUBLIC_OFFER_STATUSES)
            .order_by("pk")
            .first()
        )
        if offer is not None and not alert.offer_links.filter(offer=offer).exists():
            alert_link_offer(alert=alert, offer=offer, by=staff, note="Demo link.")
    for name in demo.clusters:
        cluster = Cluster.objects.published().filter(name=name).first()
        if cluster is not None and not alert.cluster_links.filter(cluster=cluster).exists():
            alert_link_cluster(alert=alert, cluster=cluster, by=staff, note="Demo link.")


def _backdate(alert: Alert, reported_at: datetime.datetime) -> None:
    """Move the alert and its history into the past: the report at ``reported_at``, each
    later step some days after it (never later than now)."""
    now = timezone.now()
    times = [reported_at] + [
        min(reported_at + datetime.timedelta(days=d, hours=3), now) for d in STEP_DAYS
    ]
    steps = list(AlertTransition.objects.filter(alert=alert).order_by("created_at", "pk"))
    stamps: dict[str, datetime.datetime] = {}
    last = reported_at
    for step, at in zip(steps, times, strict=False):
        if step.to_status == S.RESOLVED:
            at = min(reported_at + datetime.timedelta(days=RESOLVED_AFTER_DAYS), now)
        AlertTransition.objects.filter(pk=step.pk).update(created_at=at)
        last = max(last, at)
        if step.kind == TransitionKind.ESCALATION:
            stamps["escalated_at"] = at
        elif step.to_status == S.CONFIRMED:
            stamps["confirmed_at"] = at
        elif step.to_status == S.RESOLVED:
            stamps["resolved_at"] = at
    Alert.objects.filter(pk=alert.pk).update(created_at=reported_at, updated_at=last, **stamps)


def seed_alerts(*, manager: User, authority: User, staff: User, count: int) -> int:
    """Make the first ``count`` demo alerts that are not there yet (found by title), and the
    demo accounts' subscriptions; returns how many alerts were made."""
    wanted = ALERTS[: max(count, 0)]
    existing = set(
        Alert.objects.filter(title__in=[d.title for d in wanted]).values_list("title", flat=True)
    )
    now = timezone.now()
    made = 0
    for demo in wanted:
        if demo.title in existing:
            continue
        who = _reporter_and_cluster(demo, manager, authority)
        if who is None:
            continue  # the demo manager manages no cluster any more
        reporter, cluster = who
        reported_at = now - datetime.timedelta(days=demo.reported_days_ago, hours=5)
        alert = alert_report(
            by=reporter, data=_data(demo, reported_at, cluster), ecosystems=list(demo.ecosystems)
        )
        for step in PATHS[demo.status]:
            note = (demo.note if step == demo.status else "") or "Demo data."
            alert = alert_transition(alert=alert, to_status=step, by=staff, note=note)
        if alert.status == S.CONFIRMED:
            _link_solutions(alert, demo, staff)
            if demo.escalation_note:
                alert = alert_escalate(alert=alert, by=staff, note=demo.escalation_note)
        if demo.status == S.RESOLVED:
            alert = alert_transition(alert=alert, to_status=S.RESOLVED, by=staff, note=demo.note)
        elif demo.status == S.MERGED:
            into = Alert.objects.filter(
                title=demo.merge_into, status__in=(S.UNDER_ASSESSMENT, S.CONFIRMED)
            ).first()
            if into is not None:
                alert = alert_merge(alert=alert, into=into, by=staff, note=demo.note)
        _backdate(alert, reported_at)
        made += 1
    _subscribe(manager=manager, authority=authority)
    if made:
        _compile_past_reports(now)
    return made


DEMO_REPORT_WEEKS = 8


def _compile_past_reports(now: datetime.datetime) -> None:
    """The weekly reports of the demo's past weeks, as the Monday task would have compiled
    them, so a newcomer finds reports on the staff page."""
    week = previous_week_start(now)
    for _ in range(DEMO_REPORT_WEEKS):
        weekly_report_compile(week_start=week, now=now)
        week -= datetime.timedelta(days=7)


def _subscribe(*, manager: User, authority: User) -> None:
    """The demo manager hears at once of alerts in their clusters' ecosystems; the demo
    authority gets a daily digest of alerts concerning Spain."""
    if not Subscription.objects.filter(user=manager).exists():
        subscription_save(
            user=manager,
            ecosystems=list(
                Ecosystem.objects.filter(slug__in=["health", "textile", "electronics"])
            ),
            countries=[],
            types=[],
            frequency="immediate",
        )
    if not Subscription.objects.filter(user=authority).exists():
        subscription_save(
            user=authority, ecosystems=[], countries=["ES"], types=[], frequency="daily"
        )
