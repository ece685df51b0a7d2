"""Rapid alerts for tests, made through the same services people use.

``make_alert`` walks the real assessment (``alert_transition`` / ``alert_merge``) to reach
the status asked for, so each alert has the history and timestamps a real one has.
"""

import datetime
import itertools
from typing import Any

from django.utils import timezone

from alerts.models import Alert, AlertStatus
from alerts.services import alert_merge, alert_report, alert_transition
from portal.accounts.roles import Role
from tests.factories import make_user

_numbers = itertools.count(1)

S = AlertStatus
_PATHS: dict[str, list[str]] = {
    S.REPORTED: [],
    S.UNDER_ASSESSMENT: [S.UNDER_ASSESSMENT],
    S.CONFIRMED: [S.UNDER_ASSESSMENT, S.CONFIRMED],
    S.DISMISSED: [S.UNDER_ASSESSMENT, S.DISMISSED],
    S.RESOLVED: [S.UNDER_ASSESSMENT, S.CONFIRMED, S.RESOLVED],
}


def alert_data(**overrides: Any) -> dict[str, Any]:
    n = next(_numbers)
    data: dict[str, Any] = {
        "title": f"Disruption in the supply of plastic granulate {n}",
        "description": "Converters cannot source polypropylene granulate for visors.",
        "type": "supply_disruption",
        "value_chain_stage": "raw_materials",
        "materials": ["polypropylene", "granulate"],
        "countries": ["BE"],
        "regions": ["Flanders"],
        "started_on": timezone.localdate() - datetime.timedelta(days=3),
        "expected_duration_days": 30,
        "severity": "high",
        "companies_affected": 12,
        "evidence": "Three suppliers cancelled orders this week.",
        "proposed_solutions": "Source granulate from other EU producers.",
    }
    data.update(overrides)
    return data


def make_alert(
    *,
    by,
    status: str = S.REPORTED,
    staff=None,
    ecosystems=("health",),
    merged_into: Alert | None = None,
    **overrides: Any,
) -> Alert:
    """An alert reported by ``by`` (a cluster manager passing ``cluster=``, or a verified
    authority), moved by ``staff`` through the real assessment to ``status``. For
    ``status="merged"`` pass ``merged_into``."""
    alert = alert_report(by=by, data=alert_data(**overrides), ecosystems=list(ecosystems))
    steps = list(_PATHS[S.UNDER_ASSESSMENT] if status == S.MERGED else _PATHS[status])
    if steps or status == S.MERGED:
        staff = staff or make_user(Role.COMMISSION)
    for to_status in steps:
        note = "Not a disruption." if to_status == S.DISMISSED else ""
        alert = alert_transition(alert=alert, to_status=to_status, by=staff, note=note)
    if status == S.MERGED:
        assert merged_into is not None, "a merged alert needs merged_into"
        alert = alert_merge(alert=alert, into=merged_into, by=staff, note="Same disruption.")
    return alert
