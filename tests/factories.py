"""Factories for the records tests need beyond the shared fixtures."""

import itertools

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.services import account_create

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


def make_user(
    role: str = Role.COMPANY,
    *,
    email: str | None = None,
    verified: bool = True,
    organisation: str | None = None,
    **extra: object,
) -> User:
    """An account made through the same service operators use, with a known password."""
    n = next(_numbers)
    user = account_create(
        email=email or f"{role.replace('_', '-')}-{n}@example.eu",
        role=role,
        password=PASSWORD,
        full_name=f"Test {role} {n}",
        organisation_name=organisation or f"Organisation {n}",
        country="BE",
        verified=verified,
        validate=False,
    )
    for field, value in extra.items():
        setattr(user, field, value)
    if extra:
        user.save()
    return user
