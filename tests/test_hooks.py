"""The hooks: bad answers are refused with one clear message and nothing left on disk;
answers are data, never code; names with quotes and accents survive the bake."""

import importlib.util
import tomllib
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from tests.matrix import combo_id, unsupported_combinations

TEMPLATE = Path(__file__).resolve().parents[1]


def load_hook(name: str):
    """Import a hook as a module; its Jinja placeholder is a plain string until baked."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load_hook("pre_gen_project")


def refuse(tmp_path: Path, capfd, **answers: str) -> str:
    """Bake answers that must be refused; return the hook's message."""
    with pytest.raises(FailedHookException):
        cookiecutter(str(TEMPLATE), no_input=True, extra_context=answers, output_dir=tmp_path)
    assert list(tmp_path.iterdir()) == [], "a refused bake left files behind"
    return capfd.readouterr().err


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"project_slug": "Bad Slug"}, "project_slug"),
        ({"project_slug": "1-classifier"}, "project_slug"),
        ({"project_slug": "double--dash"}, "project_slug"),
        ({"package_name": "my-package"}, "package_name"),
        ({"package_name": "class"}, "package_name"),
        ({"package_name": "match"}, "package_name"),
        ({"package_name": "json"}, "package_name"),
        ({"package_name": "Iris"}, "package_name"),
        ({"package_name": "a" * 33}, "package_name"),
        ({"author_email": "not-an-address"}, "author_email"),
        ({"author_email": "two@at@example.com"}, "author_email"),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v.values()))[:40],
)
def test_pre_gen_refuses_bad_answer(tmp_path, capfd, answers, field):
    """A bad answer stops the bake with one message naming the field and its value."""
    message = refuse(tmp_path, capfd, **answers)
    assert message.count("ERROR:") == 1
    assert field in message
    assert repr(next(iter(answers.values()))) in message


@pytest.mark.parametrize("answers", unsupported_combinations(), ids=combo_id)
def test_pre_gen_refuses_unsupported_combination(tmp_path, capfd, answers):
    """A dataset that does not fit the task type is refused, naming the allowed datasets."""
    message = refuse(tmp_path, capfd, **answers)
    assert "dataset_name" in message and answers["task_type"] in message


def test_pre_gen_accepts_default_answers():
    """The template's default answers pass every check."""
    answers = {
        "project_slug": "iris-classifier",
        "package_name": "iris_classifier",
        "author_email": "you@example.com",
        "task_type": "classification",
        "dataset_name": "iris",
    }
    assert pre_gen.first_error(answers) is None


def test_pre_gen_allows_longest_package_name():
    """A package name of the maximum length is accepted."""
    assert pre_gen.check_package_name("a" * pre_gen.MAX_PACKAGE_NAME) is None


def test_hooks_treat_injected_code_as_text(tmp_path):
    """Quotes and code in an answer are baked as text and never run by a hook."""
    marker = tmp_path / "injected"
    payload = f"""x'''\"\"\"); open({str(marker)!r}, "w").close(); print(\"\"\"'''"""
    project = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context={"project_name": payload, "project_slug": "safe", "description": payload},
        output_dir=tmp_path,
    )
    assert not marker.exists()
    pyproject = tomllib.loads((Path(project) / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == payload


def test_names_with_quotes_and_accents_round_trip(tmp_path):
    """Quotes, apostrophes, backslashes and accents reach pyproject.toml and the README intact."""
    name = 'Zoë\'s "Quoted" C:\\Models'
    author = 'José O\'Brien \\ "Team"'
    project = Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            extra_context={"project_name": name, "author_name": author, "description": name},
            output_dir=tmp_path,
        )
    )
    assert project.name == "zoe-s-quoted-c-models"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["description"] == name
    assert pyproject["project"]["authors"][0]["name"] == author
    assert (project / "README.md").read_text().startswith(f"# {name}\n")
