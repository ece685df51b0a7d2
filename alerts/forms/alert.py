"""The alert form: what a reporter writes to report an alert or to correct it. It checks the
evidence files by content before anything is saved (one bad file refuses them all), offers a
cluster manager the clusters they manage, and hands ``alert_report``/``alert_update`` their
``data`` (``service_data()``), keeping a confidential note given earlier unless the reporter
replaces or removes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from alerts.forms.fields import EcosystemsField
from alerts.models import (
    MAX_ATTACHMENTS,
    MAX_DURATION_DAYS,
    MAX_EVIDENCE_CHARS,
    MAX_EVIDENCE_LINKS,
    Alert,
    AlertType,
    Severity,
    ValueChainStage,
)
from clusters.forms import DateInput
from clusters.models import Cluster
from offers.forms import MultipleFileField, MultipleFileInput, country_choices
from portal.accounts.roles import Role
from portal.core.uploads import MAX_DOCUMENT_BYTES, check_document_uploads

if TYPE_CHECKING:
    from portal.accounts.models import User


def _lines(value: list[str] | None) -> str:
    return "\n".join(value or [])


def _commas(value: list[str] | None) -> str:
    return ", ".join(value or [])


class AlertForm(forms.Form):
    """An alert, as its reporter writes it. ``service_data()`` is the ``data`` of
    ``alert_report``/``alert_update``; ``cleaned_data["ecosystems"]`` the ecosystems and
    ``cleaned_data["attachments"]`` the evidence files, each already checked by content."""

    cluster = forms.ModelChoiceField(
        label=_("Reporting cluster"),
        queryset=Cluster.objects.none(),
        empty_label=_("Choose a cluster"),
        help_text=_("The cluster you manage that reports this disruption."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_(
            "The disruption in a few words (for example “Lithium availability for batteries”)."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is disrupted, for whom, and since when. Logged-in users can read it."),
    )
    type = forms.ChoiceField(
        label=_("Type of disruption"),
        choices=[("", _("Choose a type")), *AlertType.choices],
    )
    ecosystems = EcosystemsField(label=_("Industrial ecosystems"))
    value_chain_stage = forms.ChoiceField(
        label=_("Value-chain stage"),
        choices=ValueChainStage.choices,
        widget=forms.RadioSelect,
    )
    materials = forms.CharField(
        label=_("Products or materials affected"),
        required=False,
        max_length=2500,
        help_text=_("For example lithium carbonate, polypropylene. Separate them with commas."),
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries affected"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Name at least one country affected.")},
    )
    regions = forms.CharField(
        label=_("Regions affected"),
        required=False,
        max_length=2500,
        help_text=_("For example Flanders, Lombardy. Separate them with commas."),
    )
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    expected_duration_days = forms.IntegerField(
        label=_("Expected duration (days)"),
        required=False,
        min_value=1,
        max_value=MAX_DURATION_DAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("A duration is at least one day."),
            "max_value": _("A duration is at most %(limit_value)s days."),
        },
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, widget=forms.RadioSelect
    )
    companies_affected = forms.IntegerField(
        label=_("Number of companies affected"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
        error_messages={"min_value": _("A number of companies cannot be negative.")},
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What shows the disruption: figures, cancelled orders, statements. At most "
            "%(n)s characters."
        )
        % {"n": f"{MAX_EVIDENCE_CHARS:,}"},
    )
    evidence_links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        max_length=MAX_EVIDENCE_LINKS * 2100,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Web addresses (https://…), one per line; at most %(n)s.")
        % {"n": MAX_EVIDENCE_LINKS},
    )
    attachments = MultipleFileField(
        label=_("Evidence files"),
        widget=MultipleFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg,image/gif,image/webp"}
        ),
        help_text=_(
            "PDF files or images (PNG, JPEG, GIF, WebP), at most %(size)s MB each and "
            "%(count)s in all. You can choose several at once."
        )
        % {"size": MAX_DOCUMENT_BYTES // (1024 * 1024), "count": MAX_ATTACHMENTS},
    )
    proposed_solutions = forms.CharField(
        label=_("Proposed solutions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What could help: other suppliers, a standard, a change of rules, funding."),
    )
    critical_companies_at_risk = forms.BooleanField(
        label=_("Critical companies are at risk"),
        required=False,
        help_text=_(
            "Companies with high-tech or critical know-how, production or technology could "
            "close, be taken over or leave the EU."
        ),
    )
    confidential_note = forms.CharField(
        label=_("Confidential note on the companies at risk"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Names, know-how, what is at stake. Seen only by Commission staff: never shown on "
            "the portal's pages, in its feed or e-mails, not even to you after saving."
        ),
    )
    clear_confidential_note = forms.BooleanField(
        label=_("Remove the confidential note given earlier"), required=False
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        alert: Alert | None = None,
        existing_attachments: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.alert = alert
        self.existing_attachments = existing_attachments
        self.fields["countries"].choices = country_choices()  # type: ignore[attr-defined]
        if user.role == Role.CLUSTER_MANAGER:
            clusters = Cluster.objects.managed_by(user).order_by("name", "pk")
            self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]
        else:
            # A public authority reports in its own name, through no cluster.
            del self.fields["cluster"]
        self.has_confidential_note = bool(alert and alert.confidential_note)
        if self.has_confidential_note:
            self.fields["confidential_note"].label = _("Replace the confidential note")
            self.fields["confidential_note"].help_text = _(
                "You gave a confidential note; it is kept as it is unless you write a new one "
                "here. Only Commission staff can read it."
            )
        else:
            del self.fields["clear_confidential_note"]

    @classmethod
    def initial_for(cls, alert: Alert) -> dict[str, Any]:
        """The alert's values, to correct them; never its confidential note."""
        return {
            "cluster": alert.cluster_id,
            "title": alert.title,
            "description": alert.description,
            "type": alert.type,
            "ecosystems": [e.slug for e in alert.ecosystems.all()],
            "value_chain_stage": alert.value_chain_stage,
            "materials": _commas(alert.materials),
            "countries": [str(c) for c in alert.countries],
            "regions": _commas(alert.regions),
            "started_on": alert.started_on,
            "expected_duration_days": alert.expected_duration_days,
            "severity": alert.severity,
            "companies_affected": alert.companies_affected,
            "evidence": alert.evidence,
            "evidence_links": _lines(alert.evidence_links),
            "proposed_solutions": alert.proposed_solutions,
            "critical_companies_at_risk": alert.critical_companies_at_risk,
        }

    def clean_attachments(self) -> list[UploadedFile]:
        """Every file is checked before anything is saved: one bad file refuses them all."""
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        check_document_uploads(
            uploads,
            existing=self.existing_attachments,
            maximum=MAX_ATTACHMENTS,
            too_many=_("An alert has at most %(count)s evidence files."),
        )
        return uploads

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("attachments", "ecosystems", "clear_confidential_note"):
            data.pop(name, None)
        note = data.pop("confidential_note", "")
        if note.strip():
            data["confidential_note"] = note.strip()
        elif not self.has_confidential_note or self.cleaned_data.get("clear_confidential_note"):
            data["confidential_note"] = ""
        # else: the note given earlier is kept (the key is left out of the update).
        return data
