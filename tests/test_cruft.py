"""A baked project follows the template as it improves: `cruft update` brings a template change
into a project baked with `cruft create`, or baked with cookiecutter and then `cruft link`ed,
without losing the project's own edits. The template's changes include a file that the post-gen
hook moves out of `_choices/`, so the update is computed between two real bakes."""

import json
from pathlib import Path

from tests.conftest import BIN, commit, run

ESTIMATOR = Path("_choices") / "estimator" / "random_forest.py"
OLD_DOCSTRING = '"""Estimator: a random forest, strong on tabular data with little tuning."""'
NEW_DOCSTRING = '"""Estimator: a random forest, strong on tabular data; tuned by the search."""'
OUR_DEFAULT = 'n_estimators: int = Field(default=500, ge=1, description="Number of trees.")'


def improve_template(repo: Path, env: dict[str, str]) -> str:
    """A new template version: a variant the hook moves into place changes, a file is added."""
    variant = repo / "{{cookiecutter.project_slug}}" / ESTIMATOR
    text = variant.read_text()
    assert OLD_DOCSTRING in text
    variant.write_text(text.replace(OLD_DOCSTRING, NEW_DOCSTRING))
    changelog = repo / "{{cookiecutter.project_slug}}" / "CHANGELOG.md"
    changelog.write_text("# {{ cookiecutter.project_name }}: changes\n")
    return commit(repo, env, "A better template")


def edit_project(project: Path, env: dict[str, str]) -> None:
    """The team's own work: a default of its own, in the file the template also changes, and a
    new module; committed, as cruft updates only a clean work tree."""
    estimator = project / "src" / "iris_classifier" / "estimator.py"
    text = estimator.read_text()
    ours = text.replace(OUR_DEFAULT.replace("500", "200"), OUR_DEFAULT)
    assert ours != text
    estimator.write_text(ours)
    (project / "src" / "iris_classifier" / "features.py").write_text('"""Our features."""\n')
    commit(project, env, "Our own grid and features")


def assert_updated(project: Path, env: dict[str, str], new_commit: str) -> None:
    """`cruft update -y` applied the template's change and kept the project's edits."""
    output = run([BIN / "cruft", "update", "--skip-apply-ask"], project, env)
    assert "Good work!" in output

    estimator = (project / "src" / "iris_classifier" / "estimator.py").read_text()
    assert NEW_DOCSTRING in estimator and OUR_DEFAULT in estimator
    assert (project / "CHANGELOG.md").read_text() == "# Iris Classifier: changes\n"
    assert (project / "src" / "iris_classifier" / "features.py").is_file()
    assert not (project / "_choices").exists()
    assert not list(project.rglob("*.rej"))
    assert json.loads((project / ".cruft.json").read_text())["commit"] == new_commit
    run([BIN / "cruft", "check"], project, env)


def test_cruft_update_brings_template_changes_and_keeps_project_edits(
    template_repo, git_env, tmp_path
):
    """A `cruft create` bake records its answers and commit; `cruft update` merges a new
    template version into it."""
    out = tmp_path / "projects"
    create = [BIN / "cruft", "create", "--no-input", "--output-dir", out, template_repo]
    run(create, tmp_path, git_env)
    project = out / "iris-classifier"
    state = json.loads((project / ".cruft.json").read_text())
    first = run(["git", "rev-parse", "HEAD"], template_repo, git_env).strip()
    assert (state["template"], state["commit"]) == (str(template_repo), first)
    assert state["context"]["cookiecutter"]["model_type"] == "random_forest"

    run(["git", "init", "--quiet"], project, git_env)
    commit(project, git_env, "Baked")
    edit_project(project, git_env)
    new_commit = improve_template(template_repo, git_env)
    run([BIN / "cruft", "check"], project, git_env, expect_failure=True)
    assert_updated(project, git_env, new_commit)


def test_cruft_link_lets_a_cookiecutter_bake_update(template_repo, git_env, tmp_path):
    """A plain cookiecutter bake, linked to the commit it was baked from, updates the same way."""
    out = tmp_path / "projects"
    run([BIN / "cookiecutter", "--no-input", "--output-dir", out, template_repo], tmp_path, git_env)
    project = out / "iris-classifier"
    run(["git", "init", "--quiet"], project, git_env)
    commit(project, git_env, "Baked")

    baked_from = run(["git", "rev-parse", "HEAD"], template_repo, git_env).strip()
    new_commit = improve_template(template_repo, git_env)
    link = [BIN / "cruft", "link", "--no-input", "--checkout", baked_from, template_repo]
    run(link, project, git_env)
    assert json.loads((project / ".cruft.json").read_text())["commit"] == baked_from
    commit(project, git_env, "Linked to the template")
    edit_project(project, git_env)
    assert_updated(project, git_env, new_commit)
