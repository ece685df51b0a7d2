"""Demo accounts: one per role, with the passwords the README documents."""

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.services import account_create

DEMO_PASSWORD = "demo-portal-2020"  # noqa: S105  # documented in the README, demo only

DEMO_ACCOUNTS = [
    # email, role, full name, organisation, country, verified
    (
        "manager@demo.eu",
        Role.CLUSTER_MANAGER,
        "Marta Kowalska",
        "Lodz Medical Textiles Cluster",
        "PL",
        True,
    ),
    ("company@demo.eu", Role.COMPANY, "Jonas Berger", "Berger Filtration GmbH", "DE", True),
    (
        "authority@demo.eu",
        Role.AUTHORITY,
        "Lucía Ortega",
        "Servicio Madrileño de Salud",
        "ES",
        True,
    ),
    (
        "pending-authority@demo.eu",
        Role.AUTHORITY,
        "Pieter de Vries",
        "GGD Utrecht Region",
        "NL",
        False,
    ),
    ("staff@demo.eu", Role.COMMISSION, "Claire Dubois", "DG GROW", "BE", True),
]
DEMO_ADMIN_EMAIL = "admin@demo.eu"


def seed_accounts() -> list[User]:
    """Make the demo accounts that do not exist yet; returns those it made."""
    made = []
    for email, role, full_name, organisation, country, verified in DEMO_ACCOUNTS:
        if User.objects.filter(email__iexact=email).exists():
            continue
        made.append(
            account_create(
                email=email,
                role=role,
                password=DEMO_PASSWORD,
                full_name=full_name,
                organisation_name=organisation,
                country=country,
                verified=verified,
                validate=False,
            )
        )
    if not User.objects.filter(email__iexact=DEMO_ADMIN_EMAIL).exists():
        made.append(
            User.objects.create_superuser(
                DEMO_ADMIN_EMAIL, DEMO_PASSWORD, full_name="Portal administrator"
            )
        )
    return made
