"""The shared test world: one account per role, an outsider of each kind, and API clients.

Tests run on PostgreSQL and Redis (``make test``). Celery tasks run eagerly unless a test
starts a real worker (see ``tests/test_celery_worker.py``).
"""

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from portal.accounts.roles import Role
from portal.celery import app as celery_app
from tests.factories import PASSWORD, make_user

settings.CELERY_TASK_ALWAYS_EAGER = True
celery_app.conf.task_always_eager = True
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def cluster_manager(db):
    return make_user(Role.CLUSTER_MANAGER, email="alice@cluster.example.eu")


@pytest.fixture
def other_cluster_manager(db):
    return make_user(Role.CLUSTER_MANAGER, email="charlie@cluster.example.eu")


@pytest.fixture
def company_user(db):
    return make_user(Role.COMPANY, email="bob@company.example.eu")


@pytest.fixture
def authority(db):
    return make_user(Role.AUTHORITY, email="dora@authority.example.eu", verified=True)


@pytest.fixture
def unverified_authority(db):
    return make_user(Role.AUTHORITY, email="erik@authority.example.eu", verified=False)


@pytest.fixture
def commission_staff(db):
    return make_user(Role.COMMISSION, email="claire@ec.example.eu")


@pytest.fixture
def superuser(db):
    from portal.accounts.models import User

    return User.objects.create_superuser("root@example.eu", PASSWORD)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def test_database_url() -> str:
    """The URL of the database this test run uses, for a subprocess that must share it."""
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


test_database_url.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests make many accounts; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def reference_data(request) -> None:
    """Reload the reference data (ecosystems, categories) for transactional tests.

    Migrations load it, and a transactional test's flush removes it for the tests after it.
    serialized_rollback cannot bring it back reliably under Playwright's event loop, so it is
    loaded again with the migration's own (idempotent) function.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    from importlib import import_module

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    import_module("portal.core.migrations.0002_reference_data").load(apps, None)
    # The funding programmes are reference data too (after the ecosystems they name).
    import_module("funding.migrations.0002_programmes").load(apps, None)
