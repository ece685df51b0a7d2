"""The production stack in docker-compose.yml, checked without Docker.

The file must describe the stack (web, worker, beat, PostgreSQL, Redis), give every Python
service the same settings, and document each variable in .env.example; every variable
portal/settings.py reads must be documented there too, so a new setting cannot go
undocumented. The web service's command and health check are run for real against a
gunicorn started the way compose starts it.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
SETTINGS = ROOT / "portal" / "settings.py"

PYTHON_SERVICES = ("migrate", "web", "worker", "beat")
# Values that must come from the operator: compose refuses to start without them.
REQUIRED = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "POSTGRES_PASSWORD",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "PORTAL_BASE_URL",
    "COMMISSION_INTAKE_URL",
    "COMMISSION_INTAKE_SECRET",
)
SECRETS = ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "EMAIL_URL", "COMMISSION_INTAKE_SECRET")

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; $$ is a "$".
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
# env.str("NAME", ...), env.int("NAME"), env("NAME"), os.environ["NAME"], os.getenv("NAME").
SETTINGS_READ = re.compile(
    r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|\bos\.(?:environ(?:\.get)?|getenv)\s*[\[(]\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# A documented variable: "NAME=value", commented out or not.
ENV_EXAMPLE_VARIABLE = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


@pytest.fixture(scope="module")
def documented() -> list[str]:
    return [
        match.group(1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if (match := ENV_EXAMPLE_VARIABLE.match(line))
    ]


def strings(node: object) -> list[str]:
    """Every string in the parsed file: compose interpolates values, not the comments."""
    if isinstance(node, dict):
        return [text for key, value in node.items() for text in strings(key) + strings(value)]
    if isinstance(node, list):
        return [text for item in node for text in strings(item)]
    return [node] if isinstance(node, str) else []


def interpolate(value: str, variables: dict[str, str]) -> str:
    """What compose makes of ``value`` with ``variables`` (its .env and environment)."""

    def replace(match: re.Match) -> str:
        name, operator, argument = match.groups()
        given = variables.get(name)
        unset = given is None or (operator is not None and operator.startswith(":") and not given)
        if operator and operator.endswith("?") and unset:
            raise KeyError(f"{name}: {argument}")
        if operator and operator.endswith("-") and unset:
            return argument
        return given or ""

    return INTERPOLATION.sub(replace, value.replace("$$", "\0")).replace("\0", "$")


def sample_variables() -> dict[str, str]:
    """What an operator's .env for the stack holds: the required variables, nothing else."""
    return {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "portal.example.eu",
        "POSTGRES_PASSWORD": secrets.token_urlsafe(24),
        "EMAIL_URL": "smtp+tls://portal:password@smtp.example.eu:587",
        "DEFAULT_FROM_EMAIL": "Clusters Response Portal <no-reply@portal.example.eu>",
        "PORTAL_BASE_URL": "https://portal.example.eu",
        "COMMISSION_INTAKE_URL": "https://intake.commission.example.eu/api/offers",
        "COMMISSION_INTAKE_SECRET": secrets.token_urlsafe(32),
    }


def resolved_environment(compose: dict, variables: dict[str, str]) -> dict[str, str]:
    return {
        name: interpolate(str(value), variables) for name, value in compose["x-portal-env"].items()
    }


def subprocess_env(**variables: str) -> dict[str, str]:
    """Only what a test gives, so the test runner's own settings variables cannot leak in."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(Path.home()),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
        **variables,
    }


# manage.py, except that a developer's .env (which settings.py reads) cannot change the
# outcome: the subprocess sees exactly the environment the test gives it.
MANAGE_WITHOUT_DOTENV = (
    "import sys, environ\n"
    "environ.Env.read_env = lambda *args, **kwargs: None\n"
    "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['manage.py', *sys.argv[1:]])\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def local_database_url() -> str:
    """The local PostgreSQL's maintenance database: it exists before any test runs."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
    scheme_and_server, _, _ = url.rpartition("/")
    return f"{scheme_and_server}/postgres"


# --- The stack --------------------------------------------------------------------------


def test_compose_file_declares_the_production_stack(compose):
    assert {"web", "worker", "beat", "db", "redis"} <= set(compose["services"])


def test_db_is_postgres_15_with_a_healthcheck(compose):
    db = compose["services"]["db"]

    assert re.fullmatch(r"postgres:15(\.\d+)*(-[\w.]+)?", db["image"]), db["image"]
    assert "pg_isready" in db["healthcheck"]["test"]
    assert "POSTGRES_PASSWORD" in db["environment"]


def test_redis_is_redis_7_with_a_healthcheck(compose):
    redis = compose["services"]["redis"]

    assert re.fullmatch(r"redis:7(\.\d+)*(-[\w.]+)?", redis["image"]), redis["image"]
    assert redis["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


def test_worker_and_beat_run_celery_for_the_portal_app(compose):
    services = compose["services"]

    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]


def test_web_serves_the_portal_wsgi_application_with_gunicorn(compose):
    command = compose["services"]["web"]["command"]
    module, _, attribute = command[1].partition(":")

    assert command[0] == "gunicorn"
    assert (ROOT / Path(*module.split("."))).with_suffix(".py").is_file()
    assert re.search(rf"^{attribute} = ", (ROOT / "portal" / "wsgi.py").read_text(), re.M)


def test_migrations_run_once_before_web_worker_and_beat_start(compose):
    services = compose["services"]

    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_every_python_service_gets_the_same_environment(compose):
    shared = compose["x-portal-env"]

    for name in PYTHON_SERVICES:
        assert compose["services"][name]["environment"] == shared, name
    assert shared["DJANGO_ENV"] == "production"
    assert str(shared["CELERY_TASK_ALWAYS_EAGER"]).lower() == "false"
    assert "DJANGO_DEBUG" not in shared
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert name in shared
    for name in ("EMAIL_URL", "COMMISSION_INTAKE_URL", "COMMISSION_INTAKE_SECRET"):
        assert name in shared


def test_secrets_have_no_default_and_are_required(compose):
    text = "\n".join(strings(compose))

    for name in REQUIRED:
        assert re.search(rf"\$\{{{name}:\?[^}}]+\}}", text), f"{name} must be ${{{name}:?...}}"
    for name in SECRETS:
        assert not re.search(rf"\$\{{{name}:?-", text), f"{name} must have no default"
    variables = sample_variables()
    for name in REQUIRED:
        without = {key: value for key, value in variables.items() if key != name}
        with pytest.raises(KeyError, match=name):
            interpolate(text, without)


def test_every_compose_variable_is_documented_in_env_example(compose, documented):
    named = set(compose["x-portal-env"])
    interpolated = {
        match.group(1) for text in strings(compose) for match in INTERPOLATION.finditer(text)
    }

    assert interpolated >= set(REQUIRED)
    assert sorted((named | interpolated) - set(documented)) == []


def test_every_variable_settings_reads_is_documented_in_env_example(documented):
    read = {a or b for a, b in SETTINGS_READ.findall(SETTINGS.read_text())}

    # The regex must keep finding the settings' variables, or this test would pass on nothing.
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_VISIBILITY_TIMEOUT", "LOG_LEVEL"} <= read
    assert sorted(read - set(documented)) == []


def test_env_example_explains_each_variable_once(documented):
    lines = ENV_EXAMPLE.read_text().splitlines()

    assert len(documented) == len(set(documented)), "a variable is listed twice"
    for number, line in enumerate(lines):
        if ENV_EXAMPLE_VARIABLE.match(line):
            before = lines[number - 1]
            assert before.startswith("#") and not ENV_EXAMPLE_VARIABLE.match(before), line
    assert "COMMISSION_INTAKE_URL" in documented
    assert "COMMISSION_INTAKE_SECRET" in documented


def test_the_stack_environment_passes_the_deployment_checks(compose):
    """The compose settings, resolved as compose resolves them, satisfy ``check --deploy``."""
    environment = resolved_environment(compose, sample_variables())

    result = subprocess.run(
        [sys.executable, "-c", MANAGE_WITHOUT_DOTENV, "check", "--deploy", "--fail-level",
         "WARNING"],
        cwd=ROOT, env=subprocess_env(**environment), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_web_command_serves_and_its_healthcheck_passes(compose, tmp_path):
    """gunicorn started as compose starts it answers the health check compose runs."""
    web = compose["services"]["web"]
    port = free_port()
    variables = {**sample_variables(), "WEB_CONCURRENCY": "1"}
    environment = {
        **resolved_environment(compose, variables),
        # The stack's own servers are `db` and `redis`; here, the local ones.
        "DATABASE_URL": local_database_url(),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    command = [interpolate(part, variables).replace(":8000", f":{port}") for part in web["command"]]
    command[0] = str(Path(sys.executable).parent / "gunicorn")
    command = [part.replace("--bind=0.0.0.0:", "--bind=127.0.0.1:") for part in command]
    healthcheck = web["healthcheck"]["test"]
    assert healthcheck[:2] == ["CMD", "python"]
    probe = [sys.executable, *(part.replace(":8000", f":{port}") for part in healthcheck[2:])]

    server_log = tmp_path / "gunicorn.log"
    with server_log.open("w") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=subprocess_env(**environment),
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            result = subprocess.run(
                probe, env=subprocess_env(**environment), capture_output=True, text=True,
                timeout=15, check=False,
            )  # fmt: skip
            if result.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
                break
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert result.returncode == 0, result.stderr + server_log.read_text()[-3000:]


# --- The image --------------------------------------------------------------------------


def test_python_services_run_the_image_the_dockerfile_builds(compose):
    for name in PYTHON_SERVICES:
        assert compose["services"][name]["build"] == ".", name
    assert DOCKERFILE.is_file()


def test_dockerfile_builds_a_non_root_image_with_every_app():
    text = DOCKERFILE.read_text()
    copied = {
        Path(source).parts[0]
        for line in text.splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    }
    needed = {
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name != "tests"
    } | {name for name in ("templates", "static", "locale") if (ROOT / name).is_dir()}

    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert "pip install -r requirements.lock" in text
    assert "collectstatic" in text
    assert sorted(needed - copied) == [], "the image would miss these folders"
    assert "." not in copied and ".env" not in copied
    users = re.findall(r"^USER (\S+)", text, re.M)
    assert users and users[-1] not in {"root", "0"}
