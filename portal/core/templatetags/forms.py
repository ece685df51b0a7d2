"""Render form fields with the Europa Component Library's accessible markup."""

from typing import Any

from django import forms, template

register = template.Library()

_WIDGET_CLASSES = {
    forms.Textarea: "ecl-text-area",
    forms.Select: "ecl-select",
    forms.SelectMultiple: "ecl-select",
    forms.CheckboxInput: "ecl-checkbox__input",
}


@register.inclusion_tag("includes/field.html")
def form_field(field: forms.BoundField) -> dict[str, Any]:
    """One field: label, help, error (tied to the input by aria-describedby), input."""
    widget = field.field.widget
    css = next(
        (css for kind, css in _WIDGET_CLASSES.items() if isinstance(widget, kind)),
        "ecl-text-input",
    )
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-help")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
        css += f" {css.split()[0]}--invalid"
    attrs: dict[str, Any] = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required:
        attrs["required"] = True
    choice_kind = None
    # CheckboxSelectMultiple subclasses RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        choice_kind = "checkbox"
    elif isinstance(widget, forms.RadioSelect):
        choice_kind = "radio"
    else:
        attrs["class"] = css
    return {
        "field": field,
        "widget_html": None if choice_kind else field.as_widget(attrs=attrs),
        "choice_kind": choice_kind,
        "attrs": attrs,
        "described_by": " ".join(described_by),
        "is_select": isinstance(widget, forms.Select) and not choice_kind,
    }
