"""The offer lifecycle: the one table of allowed status changes and who may make each.

``submitter`` is the person who posted the offer; ``staff`` is Commission staff (or a
superuser); ``system`` is the portal itself (expiry, routing). Anything not in the table is
refused.
"""

from offers.models import OfferStatus as S

SUBMITTER = "submitter"
STAFF = "staff"
SYSTEM = "system"

# Offers that are still open: they expire when their "valid until" date passes.
OPEN_STATUSES = frozenset({S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.NEEDS_INFORMATION, S.ACCEPTED})

TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({SUBMITTER}),
    (S.SUBMITTED, S.UNDER_REVIEW): frozenset({STAFF}),
    (S.UNDER_REVIEW, S.ACCEPTED): frozenset({STAFF}),
    (S.UNDER_REVIEW, S.NEEDS_INFORMATION): frozenset({STAFF}),
    (S.UNDER_REVIEW, S.REJECTED): frozenset({STAFF}),
    (S.UNDER_REVIEW, S.DUPLICATE): frozenset({STAFF}),
    (S.NEEDS_INFORMATION, S.SUBMITTED): frozenset({SUBMITTER}),
    (S.ACCEPTED, S.ROUTED): frozenset({SYSTEM, STAFF}),
    (S.ROUTED, S.CLOSED): frozenset({STAFF}),
    **{(status, S.EXPIRED): frozenset({SYSTEM}) for status in OPEN_STATUSES},
}

# The first staff decision after submission, for the dashboard's median time to decision.
DECISIONS = frozenset({S.ACCEPTED, S.NEEDS_INFORMATION, S.REJECTED, S.DUPLICATE})


def allowed_targets(from_status: str, actors: set[str]) -> list[str]:
    """The statuses these actors may move an offer in ``from_status`` to."""
    return [to for (frm, to), who in TRANSITIONS.items() if frm == from_status and who & actors]
