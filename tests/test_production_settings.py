"""Production differs from development only by environment, and its settings pass Django's
deployment checks. Each test starts a fresh Python process with exactly the environment it
gives, as a server would start."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# manage.py, except that a developer's .env (which settings.py reads) cannot change the
# outcome: the subprocess sees exactly the environment the test gives it.
MANAGE_WITHOUT_DOTENV = (
    "import sys, environ\n"
    "environ.Env.read_env = lambda *args, **kwargs: None\n"
    "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['manage.py', *sys.argv[1:]])\n"
)


def local_database_url() -> str:
    return os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")


def local_redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def production_env(**overrides: str | None) -> dict[str, str]:
    """A production server's environment; ``NAME=None`` leaves ``NAME`` out."""
    secret_key = secrets.token_urlsafe(48)
    assert len(secret_key) == 64
    variables: dict[str, str | None] = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secret_key,
        "DJANGO_ALLOWED_HOSTS": "portal.example.eu",
        "DATABASE_URL": local_database_url(),
        "REDIS_URL": local_redis_url(),
        **overrides,
    }
    return {name: value for name, value in variables.items() if value is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", MANAGE_WITHOUT_DOTENV, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_in_production_fails_the_deployment_checks():
    # The check above must be able to fail: DEBUG on is the first thing it catches.
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(DJANGO_DEBUG="true")
    )

    assert result.returncode != 0
    assert "security.W018" in result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=None))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = manage("check", env=production_env(DJANGO_ALLOWED_HOSTS=None))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


def test_production_settings_are_safe_and_keep_connections():
    script = (
        "import json\n"
        "from django.conf import settings\n"
        "db = settings.DATABASES['default']\n"
        "print(json.dumps({'DEBUG': settings.DEBUG, 'ENGINE': db['ENGINE'],"
        " 'CONN_MAX_AGE': db['CONN_MAX_AGE'], 'CONN_HEALTH_CHECKS': db['CONN_HEALTH_CHECKS'],"
        " 'EAGER': settings.CELERY_TASK_ALWAYS_EAGER, 'BROKER': settings.CELERY_BROKER_URL,"
        " 'CACHE': settings.CACHES['default']['BACKEND'],"
        " 'SESSION_COOKIE_SECURE': settings.SESSION_COOKIE_SECURE}))\n"
    )
    result = manage("shell", "--no-imports", "-c", script, env=production_env())

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["DEBUG"] is False
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["CONN_MAX_AGE"] > 0
    assert loaded["CONN_HEALTH_CHECKS"] is True
    assert loaded["EAGER"] is False
    assert loaded["BROKER"] == local_redis_url()
    assert loaded["CACHE"] == "django.core.cache.backends.redis.RedisCache"
    assert loaded["SESSION_COOKIE_SECURE"] is True


def test_models_and_migrations_agree():
    # The local server's maintenance database exists before any test creates its own, so
    # the migration-history check makemigrations runs has a database to read.
    server, _, _ = local_database_url().rpartition("/")
    env = production_env(DJANGO_ENV=None, DATABASE_URL=f"{server}/postgres")

    result = manage("makemigrations", "--check", "--dry-run", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
    assert "Warning" not in result.stderr, result.stderr


def test_static_files_collect_with_the_production_storage(tmp_path):
    """The Dockerfile's collectstatic step: every file a stylesheet refers to must exist,
    or the hashing storage of production stops the image build."""
    script = (
        "import sys\n"
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        f"settings.STATIC_ROOT = {str(tmp_path)!r}\n"
        "call_command('collectstatic', '--no-input', verbosity=0)\n"
    )
    result = manage("shell", "--no-imports", "-c", script, env=production_env())

    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert manifest["paths"], "nothing was collected"
    hashed = next(iter(manifest["paths"].values()))
    assert (tmp_path / hashed).is_file()
