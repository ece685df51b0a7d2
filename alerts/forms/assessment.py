"""The forms of the Commission's assessment of an alert: a step of the assessment (the new
status and a note), merging the alert into a similar or another open alert, and escalating it.
They check only the shape of the input; the assessment table, applied by ``alerts.services``,
decides what is allowed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Alert, AlertStatus

NOTE_MAX_CHARS = 2000


class TransitionForm(forms.Form):
    """A step of the assessment. Any status is accepted here: the table in the service
    decides, and its refusal is shown as a message."""

    to = forms.ChoiceField(label=_("New status"), choices=AlertStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the alert’s history and e-mailed to the reporter. Needed to dismiss."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "transition-%s")
        super().__init__(*args, **kwargs)


class MergeForm(forms.Form):
    """Merge this alert into a similar one (chosen from the suggestions) or any open alert
    given by its number."""

    into = forms.TypedChoiceField(
        label=_("Merge into a similar alert"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    number = forms.IntegerField(
        label=_("Or the number of another alert"),
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Why they report the same disruption; e-mailed to the reporter."),
    )

    def __init__(self, *args: Any, candidates: list[Alert], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "merge-%s")
        super().__init__(*args, **kwargs)
        field: Any = self.fields["into"]
        field.choices = [(a.pk, f"#{a.pk} {a.title}") for a in candidates]
        if not candidates:
            del self.fields["into"]
            self.fields["number"].label = _("Number of the alert to merge into")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = [pk for pk in (data.get("into"), data.get("number")) if pk]
        if len(chosen) != 1 and not self.errors:
            self.add_error(None, _("Choose one similar alert, or give the number of one alert."))
        data["target"] = chosen[0] if chosen else None
        return data


class EscalateForm(forms.Form):
    note = forms.CharField(
        label=_("Why escalate"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the alert is escalated.")},
        help_text=_("For the Commission’s senior management; shown to staff only."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "escalate-%s")
        super().__init__(*args, **kwargs)
