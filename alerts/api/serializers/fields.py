"""Fields of the rapid alerts API: the choice sets, each named once in the schema as a
component of its own (type, value-chain stage, severity, status, kind of history entry, and
the target of a transition request, which may also be ``escalated``), and the lists of
ecosystem slugs and of names.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alerts.models import AlertStatus, AlertType, Severity, TransitionKind, ValueChainStage


@extend_schema_field({"type": "string", "enum": AlertType.values}, component_name="AlertType")
class AlertTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AlertType.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": ValueChainStage.values}, component_name="AlertValueChainStage"
)
class ValueChainStageField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ValueChainStage.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": Severity.values}, component_name="AlertSeverity")
class SeverityField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Severity.choices, **kwargs)


@extend_schema_field({"type": "string", "enum": AlertStatus.values}, component_name="AlertStatus")
class AlertStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=AlertStatus.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": TransitionKind.values}, component_name="AlertTransitionKind"
)
class TransitionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TransitionKind.choices, **kwargs)


# ``to`` in a transition request: a status, or ``escalated``, which is not a status but flags
# a confirmed alert for the Commission's senior management (recorded as kind "escalation").
ESCALATED = "escalated"
TRANSITION_TARGETS = [*AlertStatus.values, ESCALATED]


@extend_schema_field(
    {
        "type": "string",
        "enum": TRANSITION_TARGETS,
        "description": "A status, or “escalated” to flag a confirmed alert (it stays confirmed).",
    },
    component_name="AlertTransitionTarget",
)
class TransitionTargetField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=TRANSITION_TARGETS, **kwargs)


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "string"},
        "description": "Industrial ecosystem slugs (see /api/v1/ecosystems/).",
    }
)
class EcosystemSlugsField(serializers.ListField):
    child = serializers.CharField(max_length=60)


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class NamesField(serializers.ListField):
    child = serializers.CharField()
