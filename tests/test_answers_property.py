"""Property tests over the free-text answers: whatever a person types either bakes a project
whose files all parse and lint, or is refused by the pre-gen hook with one message and nothing
left behind. No answer is ever executed by a hook."""

import ast
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import BIN
from tests.template import TEMPLATE

MARKER = Path("/tmp/prefect-ml-template-payload-ran")
# Text built to break templates, TOML, YAML, Markdown, Python and shells if it were ever
# pasted in as code rather than carried as data.
PAYLOADS = [
    '"""',
    "'''",
    '\\"; import os; os.system("touch {m}") #',
    "$(touch {m})",
    "`touch {m}`",
    "{{% raw %}}{{{{ 7 * 7 }}}}{{% endraw %}}",
    "{{% if true %}}x{{% endif %}}",
    '__import__("os").system("touch {m}")',
    "x\\",
    "é ü ß 中文 🚀",
    "class",
    "None",
    "a" * 300,
    "key = value\n[table]",
    "- item: {{a: b}}",
]
# Where each free-text prompt matters: the source that reads it.
FIELDS = {
    "project_name": {},
    "description": {},
    "author_name": {},
    "author_email": {},
    "target_column": {"dataset_source": "csv"},
    "dataset_table": {"dataset_source": "sql"},
    "dataset_uri": {"dataset_source": "csv"},
}
answers_text = st.one_of(
    st.sampled_from(PAYLOADS).map(lambda text: text.format(m=MARKER)),
    st.text(min_size=1, max_size=40),
)


def assert_bake_is_valid(project: Path) -> None:
    """Every file a person or a tool reads parses, and the Python lints."""
    tomllib.loads((project / "pyproject.toml").read_text())
    yaml.safe_load((project / "prefect.yaml").read_text())
    for path in project.rglob("*.py"):
        ast.parse(path.read_text(), filename=str(path))
    lint = subprocess.run(
        [BIN / "ruff", "check", "--quiet", "."], cwd=project, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(field=st.sampled_from(sorted(FIELDS)), text=answers_text)
def test_free_text_answer_bakes_a_valid_project_or_is_refused(tmp_path_factory, field, text):
    """A free-text answer bakes parseable, lint-clean files or is refused with one message."""
    output = tmp_path_factory.mktemp("bake")
    answers = {**FIELDS[field], field: text, "project_slug": "property-check"}
    try:
        project = Path(
            cookiecutter(str(TEMPLATE), no_input=True, extra_context=answers, output_dir=output)
        )
    except FailedHookException:
        assert list(output.iterdir()) == [], "a refused bake left files behind"
    else:
        assert_bake_is_valid(project)
    assert not MARKER.exists(), f"the answer {text!r} was executed"
