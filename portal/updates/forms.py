"""The forms of the EU updates pages.

Forms check the shape of the input; who may do what, and the rules (an http(s) source link,
a scheduled time in the future), stay in ``portal.updates.services``, whose
``ValidationError`` the views put back on these forms' fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.selectors import ecosystem_list
from portal.updates.models import (
    BODY_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Update,
    UpdateCategory,
)


class UpdateForm(forms.Form):
    """An update's content. ``cleaned_data`` is the ``data`` of ``update_create``/``_edit``."""

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One or two sentences, plain text: shown in the list, on the home page and in the feeds."
        ),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"}),
        help_text=_(
            "Markdown: <code>## Heading</code>, <code>**bold**</code>, <code>*italic*</code>, "
            "<code>- list item</code>, <code>[link text](https://…)</code> and tables. "
            "Other HTML, scripts and images are removed."
        ),
    )
    category = forms.ChoiceField(label=_("Category"), choices=UpdateCategory.choices)
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Industrial ecosystems concerned"),
        queryset=ecosystem_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked for an update that concerns industry as a whole."),
    )
    source_url = forms.URLField(
        label=_("Source link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("The official text, on ec.europa.eu or EUR-Lex for example."),
    )

    def clean_source_url(self) -> str:
        # Said here too so the form shows every problem at once; the service decides.
        url: str = self.cleaned_data["source_url"]
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Give a web address starting with http:// or https://."))
        return url

    @staticmethod
    def initial_for(update: Update) -> dict[str, Any]:
        return {
            "title": update.title,
            "summary": update.summary,
            "body": update.body,
            "category": update.category,
            "ecosystems": list(update.ecosystems.all()),
            "source_url": update.source_url,
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["ecosystems"] = list(data["ecosystems"])
        return data


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ScheduleForm(forms.Form):
    """When to publish an update. The time is read in the portal's time zone (Brussels)."""

    published_at = forms.DateTimeField(
        label=_("Publish on"),
        widget=DateTimeLocalInput(),
        help_text=_("Brussels time. The update appears on its own at that time."),
    )


class PinForm(forms.Form):
    pinned = forms.BooleanField(required=False)
