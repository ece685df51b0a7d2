"""How every browser form shows a service's refusal: the one helper that puts it on the form.

Services raise Django's ``ValidationError``; the HTML views of every app catch it and call
``apply_service_errors`` so field messages land on their fields and the rest at the top of
the form (the API's counterpart is ``portal.core.api_errors``).
"""

from django.core.exceptions import ValidationError
from django.forms import Form


def apply_service_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: field messages on their fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
