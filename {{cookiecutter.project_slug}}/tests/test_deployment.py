"""The deployments in prefect.yaml point at real flows with valid schedules and parameters."""

from pathlib import Path

import pytest
import yaml
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint

from {{ cookiecutter.package_name }}.config import PROJECT_SLUG

ROOT = Path(__file__).resolve().parents[1]
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_deployment_entrypoint_loads_a_project_flow(deployment, monkeypatch):
    """Each entrypoint resolves, from the project root, to a flow named after the project."""
    monkeypatch.chdir(ROOT)
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    assert flow.name.startswith(f"{PROJECT_SLUG}-")
    flow.validate_parameters(deployment.get("parameters") or {})


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_deployment_schedules_are_valid_crons(deployment):
    """Every schedule is a cron expression Prefect accepts."""
    for schedule in deployment.get("schedules", []):
        CronSchedule(cron=schedule["cron"], timezone=schedule.get("timezone"))
