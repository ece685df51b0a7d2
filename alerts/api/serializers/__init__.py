"""Serializers of the rapid alerts API: the shape of requests and of what each caller may
read (see ``alerts.api``).

- ``fields``: the choice sets and list fields, each named once in the schema;
- ``access``: which fields each access level reads, and the caller's level;
- ``nested``: an alert's evidence files, linked solutions and reporters;
- ``read``: an alert and the steps of its assessment, as callers read them;
- ``write``: an alert and a transition request, as callers send them.
"""

from alerts.api.serializers.access import DETAIL_FIELDS, STAFF_FIELDS, SUMMARY_FIELDS, access_of
from alerts.api.serializers.fields import ESCALATED
from alerts.api.serializers.read import AlertSerializer, AlertTransitionSerializer
from alerts.api.serializers.write import (
    AlertTransitionRequestSerializer,
    AlertWriteSerializer,
    split_validated,
)

__all__ = [
    "DETAIL_FIELDS",
    "ESCALATED",
    "STAFF_FIELDS",
    "SUMMARY_FIELDS",
    "AlertSerializer",
    "AlertTransitionRequestSerializer",
    "AlertTransitionSerializer",
    "AlertWriteSerializer",
    "access_of",
    "split_validated",
]
