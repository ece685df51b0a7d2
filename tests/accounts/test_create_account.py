import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import User
from portal.accounts.roles import Role


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_create_account_makes_each_role(role):
    call_command(
        "create_account", email=f"{role}@example.eu", role=role, password="pw-for-scripts",
        organisation=f"{role} organisation",
    )  # fmt: skip

    user = User.objects.get(email=f"{role}@example.eu")
    assert user.role == role
    assert user.check_password("pw-for-scripts")
    assert user.organisation.name == f"{role} organisation"
    assert user.is_verified == (role != Role.AUTHORITY)


@pytest.mark.django_db
def test_verified_flag_verifies_an_authority_at_once():
    call_command(
        "create_account", email="a@example.eu", role="authority", password="pw", verified=True
    )

    assert User.objects.get(email="a@example.eu").is_verified


@pytest.mark.django_db
def test_a_bad_role_is_a_clear_error():
    with pytest.raises(CommandError, match="not a role"):
        call_command("create_account", email="x@example.eu", role="boss", password="pw")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_duplicate_email_is_a_clear_error(company_user):
    with pytest.raises(CommandError, match="already exists"):
        call_command(
            "create_account", email=company_user.email.upper(), role="company", password="pw"
        )
    assert User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_command_exits_non_zero_from_the_shell():
    import os
    import subprocess
    import sys

    from tests.conftest import test_database_url

    env = {**os.environ, "DATABASE_URL": test_database_url()}
    result = subprocess.run(
        [sys.executable, "manage.py", "create_account", "--email", "x@example.eu",
         "--role", "boss", "--password", "pw"],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip

    assert result.returncode != 0
    assert "not a role" in result.stderr
    assert "Traceback" not in result.stderr
