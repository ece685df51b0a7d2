"""The filter panel of the alert lists: which filters each user is offered (more for those who
report, most for Commission staff) and the widgets that fit an ``AlertFilter``'s form into a
side panel. The public list and "My alerts" (``alerts.views.lists``) and the staff queue
(``alerts.views.staff``) all prepare their filter form here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _

from clusters.forms import DateInput, prepare_filter_form
from portal.accounts.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.accounts.models import User

    AnyUser = User | AnonymousUser

# The list's filters, by who sees them (each tuple adds to the one before).
PUBLIC_FILTERS = (
    "q", "ecosystem", "country", "type", "severity", "value_chain_stage", "started_after",
    "started_before",
)  # fmt: skip
DETAIL_FILTERS = ("critical_companies_at_risk",)  # the flag is a detail, not the summary
STATUS_FILTERS = ("status",)
# Escalation is shown to staff only, so it is filtered by staff only.
STAFF_FILTERS = ("escalated", "reported_after", "reported_before")


def _is_staff(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_commission_staff)


def sees_unconfirmed_alerts(user: AnyUser) -> bool:
    """Staff, and those who report (their own alerts are listed before confirmation)."""
    if not user.is_authenticated:
        return False
    return _is_staff(user) or user.role in (Role.CLUSTER_MANAGER, Role.AUTHORITY)


def list_filter_names(user: AnyUser) -> tuple[str, ...]:
    names: tuple[str, ...] = PUBLIC_FILTERS
    if user.is_authenticated:
        names += DETAIL_FILTERS
    if sees_unconfirmed_alerts(user):
        names += STATUS_FILTERS
    if _is_staff(user):
        names += STAFF_FILTERS
    return names


def prepare_alert_filter_form(
    form: forms.Form, names: tuple[str, ...], *, statuses: tuple[str, ...] | None = None
) -> forms.Form:
    """Keep only ``names`` on an ``AlertFilter``'s form, with widgets for a side panel."""
    for name in list(form.fields):
        if name not in names:
            del form.fields[name]
    prepare_filter_form(form)  # ecosystems as checkboxes
    country: Any = form.fields.get("country")
    if country is not None:
        country.widget.attrs.pop("size", None)  # one country: a drop-down, not a list box
        country.help_text = ""
        country.empty_label = _("Any country")
        country.widget.choices = country.choices
    for name in ("type", "severity", "status", "value_chain_stage"):
        field: Any = form.fields.get(name)
        if field is not None:
            choices = field.choices
            if name == "status" and statuses is not None:
                choices = [(value, label) for value, label in choices if value in statuses]
                field.choices = choices
            field.widget = forms.CheckboxSelectMultiple(choices=choices)
    for name in ("started_after", "started_before", "reported_after", "reported_before"):
        if name in form.fields:
            form.fields[name].widget = DateInput()
    for name in ("escalated", "critical_companies_at_risk"):
        if name in form.fields:
            form.fields[name].widget = forms.Select(
                # NullBooleanSelect matches values by substring: "" would match "true" too.
                choices=[("unknown", _("Either")), ("true", _("Yes")), ("false", _("No"))]
            )
    return form
