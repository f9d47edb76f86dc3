"""The deployment side of each work pool type, checked without a Docker engine or a cluster:
prefect.yaml goes through Prefect's own deploy code, the job variables through the workers' own
job templates, and the Dockerfile, .dockerignore and Kubernetes manifests agree with them."""

import asyncio
import fnmatch
import io
import json
import os
import shlex
import tomllib
from importlib.metadata import version
from inspect import signature
from pathlib import Path

import jsonschema
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from packaging.requirements import Requirement
from prefect.cli.deploy._config import _load_deploy_configs_and_actions
from prefect.deployments.steps.core import RESERVED_KEYWORDS
from prefect.settings import PREFECT_API_URL, Settings, temporary_settings
from prefect.utilities.importtools import import_object
from prefect.utilities.schema_tools import validate
from prefect.utilities.templating import apply_values
from prefect_docker.deployments.steps import BuildDockerImageResult, PushDockerImageResult
from prefect_docker.worker import DockerWorker
from prefect_kubernetes.settings import KubernetesSettings
from prefect_kubernetes.worker import KubernetesWorker
from rich.console import Console

from tests.conftest import BIN, run
from tests.test_generation import SCHEMA, expected_files

POOL_TYPES = ("process", "docker", "kubernetes")
CONTAINER_POOLS = ("docker", "kubernetes")
DEPLOYMENTS = ["scheduled-training", "batch-inference"]
# A slug no other test uses: the work pools these tests create live on the shared server.
PROJECT_NAME = "Pool Config Check"
SLUG = "pool-config-check"
REGISTRY = "registry.invalid:5000"
# Prefect's dependency in the deploy steps and the dev group: {pool type: {distribution}}.
DEPLOY_PACKAGES = {
    "process": set(),
    "docker": {"prefect-docker"},
    "kubernetes": {"prefect-docker", "prefect-kubernetes"},
}
# What a build context must never carry: local state and the dev-only files.
LOCAL_STATE = [".venv/bin/python", ".prefect/prefect.db", "models/v1/model.skops", "tests/x.py"]


def load_prefect_yaml(project: Path) -> tuple[list[dict], dict]:
    """The deployments and build/push/pull actions, as `prefect deploy` reads prefect.yaml."""
    output = io.StringIO()
    deployments, actions = _load_deploy_configs_and_actions(
        project / "prefect.yaml", console=Console(file=output)
    )
    # Prefect reports an invalid file here and goes on as if it declared nothing.
    assert not output.getvalue(), output.getvalue()
    return deployments, actions


def step_calls(actions: dict) -> list[tuple[str, dict]]:
    """Every deploy step as (function path, keyword arguments)."""
    return [
        (name, {k: v for k, v in arguments.items() if k not in RESERVED_KEYWORDS})
        for section in ("build", "push", "pull")
        for step in actions[section] or []
        for name, arguments in step.items()
    ]


def build_outputs(slug: str) -> dict:
    """What prefect-docker's build step returns for this project's image, as deploy keys it."""
    image_name, tag = f"{REGISTRY}/{slug}", "2026-01-02t03-04-05-000000-00-00"
    result = {
        "image_name": image_name,
        "tag": tag,
        "image": f"{image_name}:{tag}",
        "image_id": "sha256:0123",
        "additional_tags": [],
    }
    assert set(result) == set(BuildDockerImageResult.__annotations__)
    return {"build-image": result}


def dockerfile_stages(project: Path) -> list[list[dict]]:
    """The Dockerfile's instructions, one list per build stage, comments left out."""
    stages: list[list[dict]] = []
    for instruction in DockerfileParser(path=str(project / "Dockerfile")).structure:
        if instruction["instruction"] == "FROM":
            stages.append([])
        if instruction["instruction"] != "COMMENT":
            stages[-1].append(instruction)
    return stages


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves `path` out of the build context, as its .dockerignore rules say."""
    # The last matching pattern wins; a pattern matching a parent folder matches its files.
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        included = pattern.startswith("!")
        pattern = pattern.removeprefix("!").strip("/")
        if any(fnmatch.fnmatchcase(prefix, pattern) for prefix in prefixes):
            ignored = not included
    return ignored


def deploy_env(api_url: str) -> dict[str, str]:
    """`make deploy` from a bake on the session's server, with no Docker engine to reach."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DOCKER_"))}
    # A socket that cannot exist: the build fails the same way on a machine that has Docker.
    env.update(PYTHONPATH="src", DO_NOT_TRACK="1", DOCKER_HOST="unix:///nonexistent/docker.sock")
    env.update(PREFECT_API_URL=api_url)
    return env


@pytest.fixture
def pool_bake(bake):
    """Bake the test project for a work pool type."""
    return lambda pool_type, **answers: bake(
        project_name=PROJECT_NAME, work_pool_type=pool_type, **answers
    )


@pytest.mark.parametrize("pool_type", POOL_TYPES)
def test_prefect_yaml_is_read_by_prefect_deploy_as_written(pool_bake, pool_type):
    """Prefect's deploy loader reads both deployments, on the pool named for the slug and type."""
    project = pool_bake(pool_type)
    jsonschema.validate(yaml.safe_load((project / "prefect.yaml").read_text()), SCHEMA)
    deployments, actions = load_prefect_yaml(project)

    assert [d["name"] for d in deployments] == DEPLOYMENTS
    for deployment in deployments:
        assert deployment["work_pool"]["name"] == f"{SLUG}-{pool_type}"
    training, inference = deployments
    assert [s["cron"] for s in training["schedules"]] == ["0 3 * * *"]
    assert not inference.get("schedules") and not inference.get("parameters")
    ((pull, arguments),) = step_calls({"build": [], "push": [], "pull": actions["pull"]})
    assert pull == "prefect.deployments.steps.set_working_directory"
    if pool_type != "process":
        assert arguments["directory"] == f"/opt/prefect/{SLUG}"


@pytest.mark.parametrize("pool_type", POOL_TYPES)
def test_deploy_steps_call_installed_functions_with_their_arguments(pool_bake, pool_type):
    """Each step names a function Prefect can import, with arguments its signature accepts,
    and requires the prefect-docker range that the dev group installs."""
    project = pool_bake(pool_type)
    _, actions = load_prefect_yaml(project)
    for name, arguments in step_calls(actions):
        signature(import_object(name)).bind(**arguments)

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    dev = {Requirement(r).name: Requirement(r) for r in pyproject["dependency-groups"]["dev"]}
    assert {name for name in dev if name.startswith("prefect-")} == DEPLOY_PACKAGES[pool_type]
    steps = [step for section in actions.values() for step in section or []]
    required = {
        Requirement(args["requires"]) for s in steps for args in s.values() if "requires" in args
    }
    assert {r.name for r in required} <= DEPLOY_PACKAGES[pool_type]
    for requirement in required | set(dev.values()):
        if requirement.name in DEPLOY_PACKAGES[pool_type]:
            assert requirement.specifier == dev[requirement.name].specifier
            assert requirement.specifier.contains(version(requirement.name))


@pytest.mark.parametrize("pool_type", CONTAINER_POOLS)
def test_job_variables_render_the_built_image_through_the_worker_template(
    pool_bake, pool_type, prefect_api_url
):
    """Templated as `prefect deploy` does with the build step's output, the job variables pass
    the server's validation and give flow runs the pushed image and the shared models volume."""
    project = pool_bake(pool_type)
    deployments, actions = load_prefect_yaml(project)
    outputs = build_outputs(SLUG)
    workdir = f"/opt/prefect/{SLUG}"
    if pool_type == "docker":
        worker, template = DockerWorker, DockerWorker.get_default_base_job_template()
    else:
        worker = KubernetesWorker
        template = json.loads((project / "deploy" / "base-job-template.json").read_text())

    (push,) = actions["push"]
    pushed = apply_values(push, outputs)["prefect_docker.deployments.steps.push_docker_image"]
    assert pushed["image_name"] == outputs["build-image"]["image_name"]
    assert pushed["tag"] == outputs["build-image"]["tag"]
    assert {"image_name", "tag"} <= set(PushDockerImageResult.__annotations__)

    for deployment in deployments:
        job_variables = apply_values(
            deployment["work_pool"]["job_variables"], outputs, skip_prefixes=["ctx."]
        )
        validate(job_variables, template["variables"], raise_on_error=True, ignore_required=True)
        with temporary_settings({PREFECT_API_URL: prefect_api_url}):
            config = asyncio.run(
                worker.job_configuration.from_template_and_values(template, job_variables)
            )
        if pool_type == "docker":
            assert config.image == outputs["build-image"]["image"]
            assert config.volumes == [f"{SLUG}-models:{workdir}/models"]
            continue
        pod = config.job_manifest["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["image"] == outputs["build-image"]["image"]
        assert container["volumeMounts"] == [{"name": "models", "mountPath": f"{workdir}/models"}]
        assert pod["volumes"] == [
            {"name": "models", "persistentVolumeClaim": {"claimName": f"{SLUG}-models"}}
        ]
        assert config.namespace == SLUG
        assert pod["securityContext"] == {"runAsNonRoot": True, "fsGroup": 10001}


def test_kubernetes_job_template_extends_prefects_default(pool_bake):
    """The pool's job template keeps every variable and field of prefect-kubernetes's default."""
    project = pool_bake("kubernetes")
    ours = json.loads((project / "deploy" / "base-job-template.json").read_text())
    default = KubernetesWorker.get_default_base_job_template()

    variables = ours["variables"]["properties"]
    for name, schema in default["variables"]["properties"].items():
        assert {k: v for k, v in variables[name].items() if k != "default"} == {
            k: v for k, v in schema.items() if k != "default"
        }
    assert set(variables) - set(default["variables"]["properties"]) == {"models_claim"}
    assert ours["job_configuration"].keys() == default["job_configuration"].keys()
    pod, default_pod = (
        template["job_configuration"]["job_manifest"]["spec"]["template"]["spec"]
        for template in (ours, default)
    )
    assert set(pod) - set(default_pod) == {"securityContext", "volumes"}
    assert pod["containers"][0].items() >= default_pod["containers"][0].items()


@pytest.mark.parametrize("pool_type", CONTAINER_POOLS)
def test_make_deploy_stops_only_at_the_image_build(pool_bake, pool_type, prefect_api_url):
    """`make deploy` creates the work pool, loads the flows and reaches the Docker build, which
    is all it can do without a Docker engine."""
    project = pool_bake(pool_type)
    env = deploy_env(prefect_api_url)
    make = ["make", "deploy", f"BIN={BIN}", f"PREFECT_API_URL={prefect_api_url}"]
    output = run(make, project, env, expect_failure=True)

    assert "Running deployment build steps" in output
    assert "error while running prefect_docker.deployments.steps.build_docker_image" in output
    assert "Docker is not running" in output
    pool = run([BIN / "prefect", "work-pool", "inspect", f"{SLUG}-{pool_type}"], project, env)
    assert f"type='{pool_type}'" in pool
    assert ("models_claim" in pool) == (pool_type == "kubernetes")


@pytest.mark.parametrize("pool_type", CONTAINER_POOLS)
def test_make_deploy_names_the_registry_through_prefects_setting(pool_bake, pool_type, monkeypatch):
    """IMAGE_NAMESPACE reaches `prefect deploy` as the setting that prefixes the image name."""
    project = pool_bake(pool_type)
    make = ["make", "-n", "deploy", f"BIN={BIN}", f"IMAGE_NAMESPACE={REGISTRY}"]
    commands = run(make, project, dict(os.environ)).replace("\\\n", " ").splitlines()
    (deploy,) = [c for c in commands if "deploy --all" in c]
    words = shlex.split(deploy)
    for assignment in words[: words.index(f"{BIN}/prefect")]:
        monkeypatch.setenv(*assignment.split("=", 1))
    assert Settings().deployments.default_docker_build_namespace == REGISTRY


@pytest.mark.parametrize("pool_type", CONTAINER_POOLS)
def test_dockerfile_installs_the_project_for_a_non_root_user(pool_bake, pool_type):
    """The image installs from pyproject.toml, works in the pull step's folder and ends with a
    non-root USER whose group the Kubernetes job template gives the models volume."""
    project = pool_bake(pool_type, python_version="3.12")
    build, final = dockerfile_stages(project)
    assert [s[0]["value"] for s in (build, final)] == [
        "python:3.12-slim AS build",
        "python:3.12-slim",
    ]
    runs = [i["value"] for i in build if i["instruction"] == "RUN"]
    assert any("-r pyproject.toml" in command for command in runs)
    envs = " ".join(i["value"] for i in build if i["instruction"] == "ENV").split()
    assert "UV_COMPILE_BYTECODE=1" in envs

    (workdir,) = [i["value"] for i in final if i["instruction"] == "WORKDIR"]
    _, actions = load_prefect_yaml(project)
    assert actions["pull"][0]["prefect.deployments.steps.set_working_directory"] == {
        "directory": workdir
    }
    user = final[-1]
    assert user["instruction"] == "USER", "the image must end as its non-root user"
    uid, _, gid = user["value"].partition(":")
    assert uid.isdigit() and gid.isdigit() and int(uid) and int(gid), f"USER {user['value']}"
    if pool_type == "kubernetes":
        template = json.loads((project / "deploy" / "base-job-template.json").read_text())
        pod = template["job_configuration"]["job_manifest"]["spec"]["template"]["spec"]
        assert pod["securityContext"]["fsGroup"] == int(gid)


@pytest.mark.parametrize(
    ("answers", "has_data"),
    [
        ({"dataset_source": "csv"}, True),
        ({"dataset_source": "sql"}, True),
        ({"dataset_source": "sklearn"}, False),
        ({"dataset_source": "csv", "dataset_uri": "s3://bucket/train.csv"}, False),
    ],
    ids=["csv-sample", "sql-sample", "sklearn", "remote-csv"],
)
def test_dockerfile_copies_only_files_the_bake_has(pool_bake, answers, has_data):
    """Every file the Dockerfile copies exists and survives .dockerignore; local state does not."""
    project = pool_bake("docker", **answers)
    patterns = [
        line.strip()
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copies = [
        i["value"].split()[:-1]
        for stage in dockerfile_stages(project)
        for i in stage
        if i["instruction"] == "COPY" and not i["value"].startswith("--from=")
    ]
    sources = {source.rstrip("/") for sources in copies for source in sources}
    assert ("data" in sources) == has_data
    for source in sources:
        assert (project / source).exists(), f"COPY {source}: not in the bake"
        files = (
            [project / source] if (project / source).is_file() else (project / source).rglob("*")
        )
        for path in files:
            relative = str(path.relative_to(project))
            assert not dockerignored(relative, patterns), f"{relative} is left out by .dockerignore"
    for path in LOCAL_STATE:
        assert dockerignored(path, patterns), f"{path} would be sent to the Docker build"


def test_kubernetes_manifest_runs_the_worker_in_the_pools_namespace(pool_bake):
    """deploy/worker.yaml: a worker of this pool with the permissions it needs in one namespace,
    which is the job template's, and the models volume claim that template mounts."""
    project = pool_bake("kubernetes")
    manifests = list(yaml.safe_load_all((project / "deploy" / "worker.yaml").read_text()))
    by_kind = {m["kind"]: m for m in manifests}
    assert sorted(by_kind) == sorted(
        [
            "Namespace",
            "ServiceAccount",
            "Role",
            "RoleBinding",
            "PersistentVolumeClaim",
            "Deployment",
        ]
    )
    assert len(manifests) == len(by_kind)
    template = json.loads((project / "deploy" / "base-job-template.json").read_text())
    variables = template["variables"]["properties"]
    namespace = by_kind["Namespace"]["metadata"]["name"]
    assert namespace == variables["namespace"]["default"] == SLUG
    for manifest in manifests[1:]:
        assert manifest["metadata"]["namespace"] == namespace
    assert (
        by_kind["PersistentVolumeClaim"]["metadata"]["name"] == variables["models_claim"]["default"]
    )

    account = by_kind["ServiceAccount"]["metadata"]["name"]
    binding = by_kind["RoleBinding"]
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": account, "namespace": namespace}
    ]
    assert binding["roleRef"]["name"] == by_kind["Role"]["metadata"]["name"]
    jobs = next(r for r in by_kind["Role"]["rules"] if r["apiGroups"] == ["batch"])
    assert {"create", "delete", "watch"} <= set(jobs["verbs"])

    pod = by_kind["Deployment"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == account
    (container,) = pod["containers"]
    assert container["args"] == ["prefect", "worker", "start", "--type", "kubernetes"] + [
        "--pool",
        f"{SLUG}-kubernetes",
    ]
    prefect_version = yaml.safe_load((project / "prefect.yaml").read_text())["prefect-version"]
    assert container["image"] == f"prefecthq/prefect:{prefect_version}-python3.11-kubernetes"


def test_kubernetes_worker_watches_only_its_namespace(pool_bake, monkeypatch):
    """The worker's environment sets prefect-kubernetes's observer to the namespace it may read."""
    project = pool_bake("kubernetes")
    manifests = yaml.safe_load_all((project / "deploy" / "worker.yaml").read_text())
    (deployment,) = [m for m in manifests if m["kind"] == "Deployment"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    for variable in container["env"]:
        monkeypatch.setenv(variable["name"], variable["value"])
    assert KubernetesSettings().observer.namespaces == {SLUG}


@pytest.mark.parametrize("pool_type", POOL_TYPES)
def test_bake_keeps_only_its_pools_files(pool_bake, pool_type):
    """Each work pool type bakes exactly the files test_generation expects of it."""
    project = pool_bake(pool_type)
    files = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    answers = {"work_pool_type": pool_type, "dataset_source": "sklearn", "dataset_uri": ""}
    assert files == expected_files(answers, SLUG.replace("-", "_"))
    assert ("Dockerfile" in files) == (pool_type != "process")
