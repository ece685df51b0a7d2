"""The forms of the rapid alert pages.

Forms check the shape of the input (types, ranges, the uploads); the rules between fields and
who may do what stay in ``alerts.services``, whose ``ValidationError`` the views put back on
these forms' fields. Lists typed as text (materials, regions, evidence links) are handed to
the services as typed: they split, trim and check them, and name the field when one is wrong.

- ``alert``: the alert form, to report an alert or correct it;
- ``assessment``: the Commission's assessment: a step, merging, escalation;
- ``solutions``: linking an offer or a cluster to an alert;
- ``subscription``: the e-mail subscription to confirmed alerts;
- ``fields``: the ecosystems field the alert and subscription forms share.
"""

from alerts.forms.alert import AlertForm
from alerts.forms.assessment import EscalateForm, MergeForm, TransitionForm
from alerts.forms.solutions import LinkClusterForm, LinkOfferForm
from alerts.forms.subscription import SubscriptionForm

__all__ = [
    "AlertForm",
    "EscalateForm",
    "LinkClusterForm",
    "LinkOfferForm",
    "MergeForm",
    "SubscriptionForm",
    "TransitionForm",
]
