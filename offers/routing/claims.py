"""Taking deliveries for sending: a conditional update, so two workers never send the same
delivery at once. Each claim counts an attempt."""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.utils import timezone

from offers.models import Delivery, DeliveryStatus


def claim_one(delivery_id: int | None) -> bool:
    """Take this delivery for sending, if it is due and nobody else has it."""
    if delivery_id is None:
        return False
    now = timezone.now()
    return bool(
        Delivery.objects.filter(
            pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def claim_batch(delivery_id: int | None, limit: int) -> tuple[list[int], bool]:
    """Take for sending this delivery (if given, due and free) and other due ones nobody
    has, up to ``limit`` in all, in one statement. Returns their ids, this one first, and
    whether the batch is full (more may be due).

    On PostgreSQL the rows are locked with ``SKIP LOCKED`` and re-checked once locked, so two
    workers claiming at the same time never get the same row. Elsewhere (SQLite, the embedded
    default, where tasks run eagerly) only this delivery is claimed, and a batch is never
    full."""
    if connection.vendor != "postgresql" or limit <= 1:
        return ([delivery_id] if delivery_id and claim_one(delivery_id) else []), False
    table = connection.ops.quote_name(Delivery._meta.db_table)
    now = timezone.now()
    others_limit = limit - 1 if delivery_id is not None else limit
    with connection.cursor() as cursor:
        # This delivery by its key; then the others down the index on (status,
        # next_attempt_at), oldest due first. Also when this one is taken or gone: the task
        # may stand for deliveries that queued no task of their own (portal/core/coalesce.py).
        cursor.execute(
            f"""
            WITH own AS (
                SELECT id FROM {table}
                WHERE id = %s AND status = %s AND next_attempt_at <= %s
                FOR UPDATE SKIP LOCKED
            ), others AS (
                SELECT id FROM {table}
                WHERE status = %s AND next_attempt_at <= %s AND id <> %s
                ORDER BY next_attempt_at, id
                LIMIT %s
                FOR UPDATE SKIP LOCKED
            )
            UPDATE {table} SET status = %s, claimed_at = %s, attempts = attempts + 1
            WHERE id IN (SELECT id FROM own UNION ALL SELECT id FROM others)
            RETURNING id
            """,  # noqa: S608  # the table name is the model's, quoted
            [
                delivery_id or 0,
                DeliveryStatus.PENDING,
                now,
                DeliveryStatus.PENDING,
                now,
                delivery_id or 0,
                others_limit,
                DeliveryStatus.SENDING,
                now,
            ],
        )
        claimed = sorted(row[0] for row in cursor.fetchall())
    others = len(claimed)
    if delivery_id in claimed:
        claimed.remove(delivery_id)
        claimed.insert(0, delivery_id)
        others -= 1
    return claimed, others >= others_limit
