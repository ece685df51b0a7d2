"""A service's refusal on the triage desk in the words of the page: an illegal transition
named by its statuses' labels, a missing right, a field's error. The queue's bulk changes and
one offer's forms share these, so both say the same thing.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from offers.models import Offer, OfferStatus
from offers.services import TransitionError

S = OfferStatus


def _refused_transition(offer: Offer, to_status: str) -> str:
    """The lifecycle table's refusal in the words of the page (status names, not codes)."""
    # The service read the offer under a lock: read its status again, it may have moved.
    current = Offer.objects.filter(pk=offer.pk).values_list("status", flat=True).first()
    current = current or offer.status
    if current == to_status:
        return _("It is already “%(status)s”.") % {"status": S(current).label}
    return _("An offer that is “%(from)s” cannot become “%(to)s”.") % {
        "from": S(current).label,
        "to": S(to_status).label if to_status in S.values else to_status,
    }


def service_errors_to_form(
    form: forms.Form,
    error: ValidationError | PermissionDenied,
    *,
    offer: Offer,
    to_status: str = S.DUPLICATE,
) -> None:
    """A service's refusal, on the field it names (or on the whole form)."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You cannot make this change."))
    elif isinstance(error, TransitionError):
        form.add_error("to" if "to" in form.fields else None, _refused_transition(offer, to_status))
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def refusal_reason(
    error: ValidationError | PermissionDenied, *, offer: Offer, to_status: str | None = None
) -> str:
    if isinstance(error, PermissionDenied):
        return str(error) or _("You cannot make this change.")
    if isinstance(error, TransitionError) and to_status:
        return _refused_transition(offer, to_status)
    return " ".join(error.messages)
