"""The template's README shows what the code does: the commands of its quick start run, and
the pictures it shows are the ones `make screenshots` takes."""

import re
import shlex
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest

from scripts.screenshots import MAX_PNG_BYTES, PICTURES
from tests.conftest import BIN, run
from tests.template import TEMPLATE

README = (TEMPLATE / "README.md").read_text()
# Where the README says the template is; the tests use a local git repository instead.
TEMPLATE_ADDRESS = re.compile(r"(https://github\.com/|gh:)<org>/prefect-ml-template")


def section(title: str) -> str:
    """The text of a `## ` section of the README."""
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert found, f"README has no section {title!r}"
    return found.group(1)


def bash_blocks(text: str) -> list[list[list[str]]]:
    """The fenced bash blocks of a text, each a list of commands split into words; comments are
    dropped, continued lines joined, `a && b` split in two."""
    blocks = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M):
        commands = []
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while words:
                end = words.index("&&") if "&&" in words else len(words)
                commands.append(words[:end])
                words = words[end + 1 :]
        blocks.append(commands)
    return blocks


def run_block(commands: list[list[str]], home: Path, template: Path, env: dict[str, str]) -> None:
    """Run a quick start block as a newcomer would, from an empty folder: bakes and clones for
    real from the local template repository, `make` dry (its targets install and train for
    minutes), `pip install` checked against this environment."""
    cwd = home
    for program, *args in commands:
        args = [str(template) if TEMPLATE_ADDRESS.fullmatch(word) else word for word in args]
        if program == "cd":
            cwd = cwd / args[0]
            assert cwd.is_dir(), f"`cd {args[0]}`: no such folder after the commands before it"
        elif program == "pip":
            assert args[0] == "install"
            for name in args[1:]:
                try:
                    distribution(name)
                except PackageNotFoundError:
                    pytest.fail(f"`pip install {name}`: {name} is not in the template's dev group")
        elif program in {"cruft", "cookiecutter"}:
            run([BIN / program, *args], cwd, env)
        elif program == "git":
            run(["git", *args], cwd, env)
        elif program == "make":
            if "demo" in args:
                # `make -n` still runs the recursive make into the bake, which only the real
                # run creates: bake it as the demo recipe does.
                run([BIN / "cookiecutter", "--no-input", "--output-dir", ".demo", "."], cwd, env)
            output = run(["make", "--dry-run", *args], cwd, env)
            assert "No rule to make target" not in output
        else:
            pytest.fail(f"the quick start runs `{program}`: teach tests/test_readme.py to check it")


def test_readme_quick_start_commands_work(template_repo, git_env, tmp_path):
    """Each bash block of the quick start runs: its bakes and clones for real, its `make`
    targets exist and dry-run, what it installs is what the template's dev group holds."""
    blocks = bash_blocks(section("Quick start"))
    assert len(blocks) >= 2
    programs = {command[0] for block in blocks for command in block}
    assert {"cruft", "make"} <= programs
    for number, commands in enumerate(blocks):
        home = tmp_path / f"block-{number}"
        home.mkdir()
        run_block(commands, home, template_repo, git_env)


def test_readme_pictures_are_the_screenshots():
    """The README shows exactly the pictures the screenshot script takes, and each is a PNG
    under the size limit in docs/."""
    shown = set(re.findall(r"!\[[^\]]*\]\((docs/[^)\s]+)\)", README))
    assert shown == {f"docs/{picture.file}" for picture in PICTURES}
    for name in shown:
        data = (TEMPLATE / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        assert len(data) <= MAX_PNG_BYTES, name
