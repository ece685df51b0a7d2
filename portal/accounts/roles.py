"""The four kinds of people the portal serves, and the organisation each belongs to.

One place for the rules that follow from a role alone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLUSTER_MANAGER = "cluster_manager", _("Cluster manager")
    COMPANY = "company", _("Company (SME) representative")
    AUTHORITY = "authority", _("Public authority")
    COMMISSION = "commission", _("Commission staff")


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    CLUSTER_ORGANISATION = "cluster_organisation", _("Cluster organisation")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    COMMISSION_SERVICE = "commission_service", _("Commission service")


ORGANISATION_KIND_FOR_ROLE = {
    Role.CLUSTER_MANAGER: OrganisationKind.CLUSTER_ORGANISATION,
    Role.COMPANY: OrganisationKind.COMPANY,
    Role.AUTHORITY: OrganisationKind.PUBLIC_AUTHORITY,
    Role.COMMISSION: OrganisationKind.COMMISSION_SERVICE,
}

# Roles anyone may choose when registering in the browser. Commission staff accounts are
# made only by administrators (admin or the create_account command).
SELF_REGISTRATION_ROLES = (Role.COMPANY, Role.CLUSTER_MANAGER, Role.AUTHORITY)

# Roles whose accounts must be verified by Commission staff before they can publish.
ROLES_NEEDING_VERIFICATION = (Role.AUTHORITY,)
