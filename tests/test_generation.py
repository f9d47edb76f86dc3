"""Fast checks on every supported combination of answers: what is baked, and that it parses."""

import ast
import json
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from packaging.requirements import Requirement

from tests.matrix import combo_id, supported_combinations
from tests.template import TEMPLATE

LEFTOVER = re.compile(r"{{(\s?cookiecutter)[.](.*?)}}|{%-?\s")
SCHEMA = json.loads((TEMPLATE / "tests" / "data" / "prefect.yaml.schema.json").read_text())

PROJECT_FILES = {
    ".editorconfig",
    ".github/workflows/ci.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "Makefile",
    "README.md",
    "prefect.toml",
    "prefect.yaml",
    "pyproject.toml",
    "tests/conftest.py",
    "tests/test_cli.py",
    "tests/test_data_checks.py",
    "tests/test_deployment.py",
    "tests/test_flows.py",
    "tests/test_tasks.py",
}
PACKAGE_FILES = {
    "__init__.py",
    "__main__.py",
    "config.py",
    "estimator.py",
    "metrics.py",
    "runner.py",
    "source.py",
    "flows/__init__.py",
    "flows/inference.py",
    "flows/preprocessing.py",
    "flows/training.py",
    "flows/tuning.py",
    "tasks/__init__.py",
    "tasks/data.py",
    "tasks/inference.py",
    "tasks/model.py",
    "tasks/registry.py",
    "tasks/report.py",
}
SAMPLE_FILES = {"csv": "{}.csv", "parquet": "{}.parquet", "sql": "{}.sqlite"}
BASE_REQUIREMENTS = {
    "fsspec",
    "matplotlib",
    "pandas",
    "prefect",
    "pydantic",
    "scikit-learn",
    "skops",
    "threadpoolctl",
}
# The packages a bake adds for each answer, by model, source and address scheme.
EXTRA_REQUIREMENTS = {
    "dask": {"prefect-dask"},
    "ray": {"prefect-ray"},
    "xgboost": {"xgboost", "xgboost-cpu"},
    "lightgbm": {"lightgbm"},
    "parquet": {"pyarrow"},
    "sql": {"sqlalchemy"},
    "https": {"aiohttp"},
    "s3": {"s3fs"},
    "gs": {"gcsfs"},
    "az": {"adlfs"},
    "postgresql": {"psycopg2-binary"},
    "postgresql+psycopg": {"psycopg"},
    "mysql+pymysql": {"pymysql"},
}


def expected_files(answers: dict[str, str], package: str) -> set[str]:
    """The exact file set of a bake: project, package, work pool files and any sample data."""
    files = PROJECT_FILES | {f"src/{package}/{name}" for name in PACKAGE_FILES}
    image = {"Dockerfile", ".dockerignore"}
    files |= {
        "process": set(),
        "docker": image,
        "kubernetes": image | {"deploy/worker.yaml", "deploy/base-job-template.json"},
    }[answers["work_pool_type"]]
    source = answers["dataset_source"]
    if source != "sklearn" and not answers["dataset_uri"]:
        sample = "customers" if answers["task_type"] == "classification" else "houses"
        files.add("data/" + SAMPLE_FILES[source].format(sample))
    return files


def expected_requirements(answers: dict[str, str]) -> set[str]:
    """The names of the distributions a bake depends on."""
    uri = answers.get("dataset_uri", "")
    scheme = uri.split("://")[0] if "://" in uri else "file"
    keys = (answers["task_runner"], answers["model_type"], answers["dataset_source"], scheme)
    return BASE_REQUIREMENTS.union(*(EXTRA_REQUIREMENTS.get(key, set()) for key in keys))


def flows_in(path: Path) -> set[str]:
    """Names of the functions decorated with @flow in a module."""
    return {
        node.name
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(d).startswith("flow") for d in node.decorator_list)
    }


@pytest.mark.parametrize("answers", supported_combinations(), ids=combo_id)
def test_bake_generates_a_valid_project(cookies, answers):
    """Exact file set, no markup left, pyproject and prefect.yaml valid, entrypoints real."""
    result = cookies.bake(extra_context=answers, template=str(TEMPLATE))
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    project = result.project_path
    answers = {**result.context, **answers}

    files = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    assert files == expected_files(answers, answers["package_name"])

    for path in project.rglob("*"):
        if path.is_file() and path.suffix not in {".parquet", ".sqlite"}:
            text = path.read_text()
            assert not LEFTOVER.search(text), f"template markup left in {path.name}"
            if path.suffix == ".py":
                ast.parse(text, filename=str(path))

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == answers["project_slug"]
    assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
    target = "py" + answers["python_version"].replace(".", "")
    assert pyproject["tool"]["ruff"]["target-version"] == target
    requirements = [Requirement(r) for r in pyproject["project"]["dependencies"]]
    assert {r.name for r in requirements} == expected_requirements(answers)
    groups = pyproject["dependency-groups"]["dev"] + pyproject["build-system"]["requires"]
    for requirement in [*requirements, *map(Requirement, groups)]:
        # Bounded on both sides: a new major release never breaks a fresh install unseen.
        operators = {spec.operator for spec in requirement.specifier}
        assert ">=" in operators and "<" in operators, f"unbounded: {requirement}"

    source = ast.parse((project / "src" / answers["package_name"] / "source.py").read_text())
    strings = {node.value for node in ast.walk(source) if isinstance(node, ast.Constant)}
    if answers["dataset_source"] != "sklearn":
        assert answers["target_column"] in strings
        assert answers["dataset_uri"] in strings or not answers["dataset_uri"]

    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    setup_python = next(s for s in workflow["jobs"]["test"]["steps"] if "setup-python" in str(s))
    assert setup_python["with"]["python-version"] == answers["python_version"]

    prefect_yaml = yaml.safe_load((project / "prefect.yaml").read_text())
    jsonschema.validate(prefect_yaml, SCHEMA)
    assert prefect_yaml["deployments"]
    for deployment in prefect_yaml["deployments"]:
        path, function = deployment["entrypoint"].split(":")
        assert function in flows_in(project / path)
