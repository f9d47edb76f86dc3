"""The deployments in prefect.yaml point at real flows with valid schedules and parameters."""

from pathlib import Path
from typing import Any

import pytest
import yaml
from prefect import Flow
from prefect.client.schemas.schedules import CronSchedule
from prefect.flows import load_flow_from_entrypoint

from {{ cookiecutter.package_name }}.config import (
    PROJECT_SLUG,
    TRAINING_SCHEDULE,
)

ROOT = Path(__file__).resolve().parents[1]
DEPLOYMENTS = yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_deployment_entrypoint_loads_a_project_flow(deployment, monkeypatch):
    """Each entrypoint resolves, from the project root, to a flow named after the project."""
    monkeypatch.chdir(ROOT)
    flow: Flow[..., Any] = load_flow_from_entrypoint(deployment["entrypoint"])
    assert flow.name.startswith(f"{PROJECT_SLUG}-")
    parameters = deployment.get("parameters") or {}
    assert set(parameters) <= set(flow.parameters.properties)
    # Parameters without a default (the batch to score) are given when a run is started.
    if set(flow.parameters.required or []) <= set(parameters):
        flow.validate_parameters(parameters)


@pytest.mark.parametrize("deployment", DEPLOYMENTS, ids=lambda d: d["name"])
def test_deployment_schedules_are_valid_crons(deployment):
    """Every schedule is a cron expression Prefect accepts."""
    for schedule in deployment.get("schedules", []):
        CronSchedule(cron=schedule["cron"], timezone=schedule.get("timezone"))


def test_deployment_training_schedule_matches_serve():
    """prefect.yaml schedules training when `serve` does."""
    (training,) = [d for d in DEPLOYMENTS if d["name"] == "scheduled-training"]
    assert [s["cron"] for s in training["schedules"]] == [TRAINING_SCHEDULE]
