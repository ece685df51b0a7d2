"""The alert assessment workflow: the one table of allowed status changes and who makes each.

``reported → under assessment → confirmed | dismissed | merged``; ``confirmed → resolved``.
Only Commission staff assess. Escalation is not a status: staff flag a confirmed alert (see
``alerts.services.alert_escalate``). Anything not in the table is refused.
"""

from alerts.models import AlertStatus as S

STAFF = "staff"

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.REPORTED, S.UNDER_ASSESSMENT): frozenset({STAFF}),
    (S.UNDER_ASSESSMENT, S.CONFIRMED): frozenset({STAFF}),
    (S.UNDER_ASSESSMENT, S.DISMISSED): frozenset({STAFF}),
    (S.UNDER_ASSESSMENT, S.MERGED): frozenset({STAFF}),
    (S.CONFIRMED, S.RESOLVED): frozenset({STAFF}),
}

# Reaching these needs more than a note: merging names the alert it joins (alert_merge).
NEEDS_TARGET = frozenset({S.MERGED})


def allowed_targets(from_status: str, actors: set[str]) -> list[str]:
    """The statuses these actors may move an alert in ``from_status`` to."""
    return [to for (frm, to), who in TRANSITIONS.items() if frm == from_status and who & actors]
