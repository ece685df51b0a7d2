"""The staff forms for programmes and calls, and the calls' filter panel.

Forms check the shape of the input; ``funding.services`` check the rules (a deadline after
the opening, a valid time zone, who may do it), whose ``ValidationError`` the views put
back on these forms' fields.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from funding.models import DEFAULT_TIMEZONE, Call, CallStatus, Programme, timezone_names
from funding.selectors import programme_choices
from portal.core.selectors import ecosystem_list


def timezone_choices() -> list[tuple[str, str]]:
    """Europe's zones first (the portal's countries), then UTC and the rest of the world."""
    names = timezone_names()
    europe = sorted(n for n in names if n.startswith(("Europe/", "Atlantic/")))
    rest = sorted(n for n in names if n not in europe and n != "UTC")
    return [(n, n) for n in [*europe, "UTC", *rest]]


class WallClockInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class WallClockField(forms.DateTimeField):
    """A date and time as a wall clock shows them, without a time zone: the form attaches
    the call's own zone, not the portal's."""

    widget = WallClockInput

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is not None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


def _wall_clock(value: datetime.datetime, zone_name: str) -> datetime.datetime:
    """What a wall clock in ``zone_name`` shows at the instant ``value``."""
    zone = zoneinfo.ZoneInfo(zone_name)
    return value.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None)


class ProgrammeForm(forms.Form):
    """A programme. ``cleaned_data`` is the ``data`` of ``programme_create``/``_update``."""

    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Slug"),
        max_length=80,
        help_text=_("Its address: /funding/programmes/<slug>/. It does not change later."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One sentence, shown in lists."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown: paragraphs, lists and links."),
    )
    objectives = forms.CharField(
        label=_("Objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One objective per line."),
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Industrial ecosystems"),
        queryset=ecosystem_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: the programme serves every ecosystem."),
    )
    link = forms.URLField(
        label=_("Official page"),
        max_length=300,
        assume_scheme="https",
        help_text=_("On ec.europa.eu or clustercollaboration.eu."),
    )
    position = forms.IntegerField(
        label=_("Position in lists"), min_value=0, max_value=32767, initial=100
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_(
            "An inactive programme and its calls are hidden from the public; projects keep it."
        ),
    )

    def __init__(self, *args: Any, programme: Programme | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if programme is not None:
            # The slug is the programme's address: shown, not changed.
            del self.fields["slug"]

    @staticmethod
    def initial_for(programme: Programme) -> dict[str, Any]:
        initial = {
            name: getattr(programme, name)
            for name in (
                "name",
                "summary",
                "description",
                "objectives",
                "link",
                "position",
                "active",
            )
        }
        initial["ecosystems"] = list(programme.ecosystems.all())
        return initial


class CallForm(forms.Form):
    """A call for proposals; the dates are typed as the call publishes them, in its zone."""

    title = forms.CharField(label=_("Title"), max_length=250)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=_("Choose a programme")
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who may apply, and for what."),
    )
    opens_at = WallClockField(
        label=_("Opens"), help_text=_("Date and time in the call’s time zone.")
    )
    deadline_at = WallClockField(
        label=_("Deadline"), help_text=_("Date and time in the call’s time zone.")
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        initial=DEFAULT_TIMEZONE,
        help_text=_(
            "The zone the call’s dates are published in (Brussels time for most EU calls)."
        ),
    )
    budget = forms.DecimalField(
        label=_("Budget (EUR)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty while the budget is not published."),
    )
    eligible_countries = forms.MultipleChoiceField(
        label=_("Eligible countries"),
        choices=countries,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: open to applicants from every country the portal serves."),
    )
    ecosystems = forms.ModelMultipleChoiceField(
        label=_("Industrial ecosystems"),
        queryset=ecosystem_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: open to every ecosystem."),
    )
    link = forms.URLField(
        label=_("Official page"),
        max_length=300,
        assume_scheme="https",
        help_text=_("Where to apply."),
    )

    def __init__(self, *args: Any, call: Call | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = call.programme if call is not None else None
        self.fields["programme"].queryset = programme_choices(include=current).order_by(  # type: ignore[attr-defined]
            "position", "name"
        )

    @staticmethod
    def initial_for(call: Call) -> dict[str, Any]:
        return {
            "title": call.title,
            "programme": call.programme,
            "summary": call.summary,
            "opens_at": _wall_clock(call.opens_at, call.timezone),
            "deadline_at": _wall_clock(call.deadline_at, call.timezone),
            "timezone": call.timezone,
            "budget": call.budget,
            "eligible_countries": [str(country) for country in call.eligible_countries],
            "ecosystems": list(call.ecosystems.all()),
            "link": call.link,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        zone_name = cleaned.get("timezone")
        if not zone_name:
            return cleaned
        zone = zoneinfo.ZoneInfo(zone_name)
        for name in ("opens_at", "deadline_at"):
            wall = cleaned.get(name)
            if wall is None:
                continue
            aware = wall.replace(tzinfo=zone)
            # A time the clocks skip (spring forward) does not exist in that zone.
            if _wall_clock(aware, zone_name) != wall:
                self.add_error(
                    name,
                    _("This time does not exist in %(zone)s: the clocks go forward then.")
                    % {"zone": zone_name},
                )
                continue
            cleaned[name] = aware
        return cleaned


def prepare_call_filter_form(form: forms.Form) -> forms.Form:
    """The calls' filter form dressed for the side panel."""
    status = form.fields.get("status")
    if isinstance(status, forms.MultipleChoiceField):
        status.widget = forms.CheckboxSelectMultiple(choices=CallStatus.choices)
    for name, label in (
        ("programme", _("Any programme")),
        ("ecosystem", _("Any ecosystem")),
        ("country", _("Any country")),
        ("sort", _("Nearest deadline first")),
    ):
        field = form.fields.get(name)
        if field is not None and hasattr(field, "empty_label"):
            field.empty_label = label
            field.widget.choices = field.choices  # type: ignore[attr-defined]
    return form
