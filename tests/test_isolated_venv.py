"""A bake installs from its own pyproject.toml alone, trains on the embedded server and passes
its tests in a fresh virtual environment: the proof that its dependency list is complete."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import BIN, run


def uv() -> str:
    """The uv that installed this environment, else the one on PATH."""
    found = shutil.which("uv", path=str(BIN)) or shutil.which("uv")
    if not found:
        pytest.fail("uv is needed to build the isolated environment: `pip install uv`")
    return found


@pytest.mark.slow
def test_default_bake_works_in_its_own_venv(bake, tmp_path):
    """In a venv holding only the bake and its dev group, `train` and `pytest` both succeed."""
    project = bake()
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "VIRTUAL_ENV"))}
    env.update(DO_NOT_TRACK="1", UV_COMPILE_BYTECODE="1")
    run([uv(), "venv", "--quiet", "--python", "3.11", venv], project, env)
    run([uv(), "pip", "install", "--python", python, "-e", ".", "--group", "dev"], project, env)

    # A fresh Prefect home, as on a new machine: the embedded server must start in time.
    output = run([python, "-m", Path(project).name.replace("-", "_"), "train"], project, env)
    assert "Registered model v1" in output and "accuracy" in output
    assert (project / "models" / "v1" / "metadata.json").is_file()

    output = run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert " passed" in output and "failed" not in output
