"""Fast checks on every supported combination of answers: what is baked, and that it parses."""

import ast
import re
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.matrix import combo_id, supported_combinations

TEMPLATE = Path(__file__).resolve().parents[1]
LEFTOVER = re.compile(r"{{(\s?cookiecutter)[.](.*?)}}|{%-?\s")
SCHEMA = yaml.safe_load((TEMPLATE / "tests" / "data" / "prefect.yaml.schema.json").read_text())
COMBINATIONS = supported_combinations()

PROJECT_FILES = {
    ".gitignore",
    "Makefile",
    "README.md",
    "prefect.toml",
    "prefect.yaml",
    "pyproject.toml",
    "tests/conftest.py",
    "tests/test_cli.py",
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
    "source.py",
    "flows/__init__.py",
    "flows/preprocessing.py",
    "flows/training.py",
    "tasks/__init__.py",
    "tasks/data.py",
    "tasks/model.py",
    "tasks/registry.py",
}


def expected_files(package: str) -> set[str]:
    """The exact file set of a bake."""
    return PROJECT_FILES | {f"src/{package}/{name}" for name in PACKAGE_FILES}


def baked_files(project: Path) -> set[str]:
    return {str(path.relative_to(project)) for path in project.rglob("*") if path.is_file()}


@pytest.fixture(scope="module")
def bakes(cookies_session) -> dict[str, Path]:
    """Every supported combination, baked once for this module."""
    projects = {}
    for answers in COMBINATIONS:
        result = cookies_session.bake(extra_context=answers, template=str(TEMPLATE))
        assert result.exception is None, f"{combo_id(answers)}: {result.exception}"
        projects[combo_id(answers)] = result.project_path
    return projects


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_bake_has_exact_file_set(bakes, answers):
    """A bake holds exactly the project's files: the chosen variants moved in, the rest gone."""
    project = bakes[combo_id(answers)]
    assert baked_files(project) == expected_files(project.name.replace("-", "_"))


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_bake_leaves_no_template_markup(bakes, answers):
    """No file keeps an unrendered cookiecutter variable or Jinja tag."""
    project = bakes[combo_id(answers)]
    leftovers = [
        f"{path.relative_to(project)}: {match.group(0)}"
        for path in project.rglob("*")
        if path.is_file()
        for match in LEFTOVER.finditer(path.read_text())
    ]
    assert leftovers == []


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_bake_pyproject_matches_answers(bakes, answers):
    """pyproject.toml parses and carries the slug and the chosen minimum Python."""
    project = bakes[combo_id(answers)]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == project.name
    assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
    target = "py" + answers["python_version"].replace(".", "")
    assert pyproject["tool"]["ruff"]["target-version"] == target


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_bake_prefect_yaml_is_valid_and_points_at_flows(bakes, answers):
    """prefect.yaml validates against Prefect's schema and each entrypoint names a real flow."""
    project = bakes[combo_id(answers)]
    config = yaml.safe_load((project / "prefect.yaml").read_text())
    jsonschema.validate(config, SCHEMA)
    assert config["deployments"]
    for deployment in config["deployments"]:
        path, function = deployment["entrypoint"].split(":")
        tree = ast.parse((project / path).read_text())
        flows = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef)
            and any("flow" in ast.unparse(d) for d in node.decorator_list)
        }
        assert function in flows


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combo_id)
def test_bake_python_files_parse(bakes, answers):
    """Every baked Python file is valid Python."""
    project = bakes[combo_id(answers)]
    for path in project.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path))
