"""The triage desk's forms: bulk changes, one offer's transition, marking a duplicate."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offers.models import Offer, OfferStatus
from offers.transitions import STAFF, TRANSITIONS

S = OfferStatus
# More than a page, so a whole page can be changed at once; a bound on the work of one request.
BULK_LIMIT = 200
# Marking a duplicate names the original, so it has its own form, not the plain status form.
NAMED_ELSEWHERE = {S.DUPLICATE}
# Every status staff can move an offer to, in lifecycle order (the bulk form's choices).
STAFF_TARGETS = [
    status
    for status in S.values
    if status not in NAMED_ELSEWHERE
    and any(to == status and STAFF in who for (_frm, to), who in TRANSITIONS.items())
]


class OfferIdsField(forms.Field):
    """The ticked rows: a list of offer ids (a checkbox per row, all named alike)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Select at least one offer."),
        "too_many": gettext_lazy("Select at most %(limit)d offers at a time."),
        "invalid": gettext_lazy("The selection is not valid. Reload the page and try again."),
    }

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids: list[int] = []
        for raw in values:
            if not str(raw).isdigit():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            if int(raw) not in ids:
                ids.append(int(raw))
        if len(ids) > BULK_LIMIT:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"limit": BULK_LIMIT}
            )
        return ids


class TriageBulkForm(forms.Form):
    ACTIONS = (("transition", gettext_lazy("Change status")), ("assign", gettext_lazy("Assign")))

    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    offers = OfferIdsField()
    to_status = forms.ChoiceField(
        label=gettext_lazy("Move the selected offers to"),
        required=False,
        choices=[("", gettext_lazy("Choose a status"))]
        + [(status, S(status).label) for status in STAFF_TARGETS],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in each offer’s history and sent to the poster."),
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("action") == "transition" and not data.get("to_status"):
            self.add_error("to_status", _("Choose the status to move the selected offers to."))
        return data


class TriageTransitionForm(forms.Form):
    # Any status is accepted here: the lifecycle table in the service decides, and explains.
    to = forms.ChoiceField(
        label=gettext_lazy("New status"), choices=S.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the history and sent to the poster with the change."),
    )

    def __init__(self, *args: Any, targets: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "transition-%s")  # unique ids beside the other forms
        super().__init__(*args, **kwargs)
        # Only the changes allowed now are offered.
        self.fields["to"].widget.choices = [(t, S(t).label) for t in targets]


class TriageDuplicateForm(forms.Form):
    duplicate_of = forms.TypedChoiceField(
        label=gettext_lazy("This offer is a duplicate of"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
    )
    other = forms.IntegerField(
        label=gettext_lazy("Or the number of another offer"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, candidates: list[Offer], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "duplicate-%s")
        super().__init__(*args, **kwargs)
        field: Any = self.fields["duplicate_of"]
        field.choices = [
            (
                c.pk,
                f"#{c.pk} {c.title} — {c.company_name}" + (f" ({c.cluster})" if c.cluster else ""),
            )
            for c in candidates
        ]
        if not candidates:
            del self.fields["duplicate_of"]
            self.fields["other"].label = _("Number of the original offer")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = [pk for pk in (data.get("duplicate_of"), data.get("other")) if pk]
        if len(chosen) != 1 and not self.errors:
            self.add_error(
                None, _("Choose one possible duplicate, or give the number of one offer.")
            )
        data["original"] = chosen[0] if chosen else None
        return data
