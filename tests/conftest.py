"""Fixtures shared by the template's tests: baking, running baked projects, one Prefect server.

The Prefect server is started once per test session, by whichever xdist worker needs it first,
and stopped by the controlling process when the session ends.
"""

import dataclasses
import fcntl
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts.screenshots import free_port, stop_process_group
from tests.template import TEMPLATE

BIN = Path(sys.executable).parent
SHARED_ENV = "PREFECT_ML_TEMPLATE_TEST_SHARED"
SERVER_START_SECONDS = 120
pytest_plugins = ["tests.postgres"]


def pytest_configure(config: pytest.Config) -> None:
    """In the controlling process, make a folder the xdist workers share."""
    if not hasattr(config, "workerinput"):
        os.environ[SHARED_ENV] = tempfile.mkdtemp(prefix="prefect-ml-template-tests-")


def pytest_unconfigure(config: pytest.Config) -> None:
    """In the controlling process, stop the shared Prefect server if a worker started one."""
    if hasattr(config, "workerinput"):
        return
    state = Path(os.environ[SHARED_ENV]) / "server.json"
    if state.exists():
        pid = json.loads(state.read_text())["pid"]
        stop_process_group(pid)


def quiet_prefect_env(home: Path) -> dict[str, str]:
    """Environment for a Prefect process that stays offline and keeps its files in `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
    )
    return env


def wait_healthy(api_url: str, process: subprocess.Popen | None, log: Path) -> None:
    """Block until the server answers its health check, or fail with its log."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"prefect server exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"prefect server did not answer in {SERVER_START_SECONDS} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def prefect_api_url() -> str:
    """URL of the session's Prefect server on 127.0.0.1, started on first use."""
    shared = Path(os.environ[SHARED_ENV])
    state, log = shared / "server.json", shared / "server.log"
    with open(shared / "server.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if state.exists():
            api_url, process = json.loads(state.read_text())["api_url"], None
        else:
            port = free_port()
            api_url = f"http://127.0.0.1:{port}/api"
            command = [BIN / "prefect", "server", "start", "--host", "127.0.0.1"]
            command += ["--port", str(port), "--analytics-off"]
            # With its UI, which tests/test_end_to_end.py opens in a browser.
            env = {**quiet_prefect_env(shared / "prefect-home"), "PREFECT_UI_API_URL": api_url}
            process = subprocess.Popen(
                command,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            state.write_text(json.dumps({"api_url": api_url, "pid": process.pid}))
        wait_healthy(api_url, process, log)
    return api_url


def run(
    command: list, cwd: Path, env: dict[str, str], timeout: int = 600, expect_failure: bool = False
) -> str:
    """Run a command; fail the test if it fails (or, with expect_failure, if it succeeds)."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    if (result.returncode != 0) != expect_failure:
        outcome = "succeeded" if expect_failure else "failed"
        pytest.fail(f"{' '.join(map(str, command))} {outcome} in {cwd}:\n{output[-6000:]}")
    return output


@pytest.fixture
def bake(cookies) -> Iterator:
    """Bake the template with some answers; fail the test with the reason if baking fails."""

    def _bake(**answers: str) -> Path:
        result = cookies.bake(extra_context=answers, template=str(TEMPLATE))
        assert result.exception is None, result.exception
        assert result.exit_code == 0
        return result.project_path

    yield _bake


@dataclasses.dataclass(frozen=True)
class ServedFolder:
    """A folder served over HTTP at `url`."""

    folder: Path
    url: str


@pytest.fixture(scope="session")
def http_server(tmp_path_factory) -> Iterator[ServedFolder]:
    """A static HTTP server on 127.0.0.1 for remote-dataset tests, stopped at the end."""
    folder = tmp_path_factory.mktemp("served")
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield ServedFolder(folder, f"http://127.0.0.1:{server.server_address[1]}")
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args) -> None:
        pass


# Local state of a checkout that a template repository does not hold.
NOT_TEMPLATE = (".git", ".venv", ".demo", "docs", "__pycache__", "*_cache")


@pytest.fixture
def git_env(tmp_path) -> dict[str, str]:
    """git with a fixed identity and no user configuration; cookiecutter's default settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PREFECT_"))}
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(f"cookiecutters_dir: {tmp_path / 'cc'}\nreplay_dir: {tmp_path / 'replay'}\n")
    env.update(
        GIT_AUTHOR_NAME="Template Tests",
        GIT_AUTHOR_EMAIL="tests@example.com",
        GIT_COMMITTER_NAME="Template Tests",
        GIT_COMMITTER_EMAIL="tests@example.com",
        GIT_CONFIG_GLOBAL=os.devnull,
        COOKIECUTTER_CONFIG=str(config),
    )
    return env


def commit(folder: Path, env: dict[str, str], message: str) -> str:
    """Commit everything in a repository; the new commit's hash."""
    run(["git", "add", "--all"], folder, env)
    run(["git", "commit", "--quiet", "--message", message], folder, env)
    return run(["git", "rev-parse", "HEAD"], folder, env).strip()


@pytest.fixture
def template_repo(tmp_path, git_env) -> Path:
    """A git repository named like the template's, holding this checkout's template as it is
    now, in one commit: what `cruft` and `git clone` take from GitHub."""
    repo = tmp_path / "prefect-ml-template"
    shutil.copytree(TEMPLATE, repo, ignore=shutil.ignore_patterns(*NOT_TEMPLATE))
    run(["git", "init", "--quiet", "--initial-branch", "main"], repo, git_env)
    commit(repo, git_env, "The template")
    return repo
