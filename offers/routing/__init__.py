"""Routing accepted offers to the Commission: the rule that picks a destination, the outbox
row written with the acceptance, and the delivery that signs and POSTs it.

The guarantee: every accepted offer arrives, exactly once. The outbox row is written in the
accepting transaction; a task sends it after commit; a periodic sweeper sends what the fast
path missed. Sending is claimed with a conditional update, so two workers never send the same
row at once, and the intake records each idempotency key once, so a send repeated after a
crash is harmless.

- ``rules``: which destination an offer goes to;
- ``outbox``: the delivery rows, written on acceptance and on "retry now";
- ``queueing``: tasks for due deliveries (one for many while one waits), and the sweeper;
- ``claims``, ``sending``, ``transport``: a task's batch, claimed, POSTed and recorded;
- ``payload``: the documented document (``PAYLOAD_SCHEMA``) and its signature.
"""

from offers.routing.claims import claim_batch, claim_one
from offers.routing.outbox import delivery_create, delivery_retry_now
from offers.routing.payload import PAYLOAD_SCHEMA, PAYLOAD_VERSION, payload, sign
from offers.routing.queueing import STALE_CLAIM, queue_delivery, queue_due, sweep
from offers.routing.rules import DEFAULT_DESTINATION_NAME, rule_for
from offers.routing.sending import ROUTED_NOTE, backoff, deliver, deliver_batch

__all__ = [
    "DEFAULT_DESTINATION_NAME",
    "PAYLOAD_SCHEMA",
    "PAYLOAD_VERSION",
    "ROUTED_NOTE",
    "STALE_CLAIM",
    "backoff",
    "claim_batch",
    "claim_one",
    "deliver",
    "deliver_batch",
    "delivery_create",
    "delivery_retry_now",
    "payload",
    "queue_delivery",
    "queue_due",
    "rule_for",
    "sign",
    "sweep",
]
