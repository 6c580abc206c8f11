"""The production shape: deploy checks and the compose file.

There is no Docker engine here, so the compose file is checked by reading it.
"""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "p7Jq2vX9rL4mN8sT1wY6zB3cF5hK0dG-aE!uI@oP#xR$vQ%nM^jW&",
    "ALLOWED_HOSTS": "shelfmark.example.com",
    "HTTPS": "true",
    "BEHIND_PROXY": "true",
    "SITE_URL": "https://shelfmark.example.com",
    "FIELD_ENCRYPTION_KEY": "0hvKxP1S3kG2V-5m9k3oV9CFc6yQmCwq0g6q3QY6Rk8=",
    "AMAZON_USE_SIMULATOR": "false",
}


def production_env() -> dict[str, str]:
    env = {**os.environ, **PRODUCTION_ENV}
    # Set by the browser tests' Playwright fixture; never in a deployment.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_check_deploy_is_clean_under_production_settings():
    env = production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_an_unsafe_default_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr + result.stdout


def test_compose_runs_the_production_services():
    services = compose()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_web_worker_and_beat_share_one_image_and_environment():
    services = compose()["services"]
    shared = [services[name] for name in ("web", "worker", "beat")]
    assert {service["image"] for service in shared} == {"shelfmark:latest"}
    assert all(service["build"] == "." for service in shared)
    urls = {service["environment"]["DATABASE_URL"] for service in shared}
    assert len(urls) == 1
    assert urls.pop().startswith("postgres://")
    assert {service["environment"]["REDIS_URL"] for service in shared} == {
        "redis://redis:6379/0"
    }


def test_each_process_runs_the_right_command():
    services = compose()["services"]
    assert services["web"]["command"][:2] == ["gunicorn", "config.wsgi:application"]
    assert services["worker"]["command"][:3] == ["celery", "--app=config", "worker"]
    beat = services["beat"]["command"]
    assert beat[:3] == ["celery", "--app=config", "beat"]
    assert any("DatabaseScheduler" in part for part in beat)
    assert services["migrate"]["command"][-2:] == ["migrate", "--no-input"]


def test_processes_wait_for_healthy_databases_and_migrations():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    migrate = services["migrate"]["depends_on"]
    assert migrate["postgres"]["condition"] == "service_healthy"
    assert migrate["redis"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]
    assert "healthcheck" in services["redis"]


def test_the_example_environment_names_every_production_setting():
    example = (ROOT / ".env.example").read_text()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "HTTPS", "POSTGRES_PASSWORD"):
        assert f"{name}=" in example
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11" in dockerfile
