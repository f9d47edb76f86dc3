"""Refresh the pictures in docs/: the Prefect UI showing the runs of a freshly baked project.

Bakes the default project, starts a Prefect server with its UI on 127.0.0.1, creates the
project's process work pool, deploys, starts a process worker, runs training and then batch
inference through the deployments, and photographs the UI's pages in headless Chromium,
driven through the DevTools protocol. Chromium is Debian's `chromium` package, installed with
apt-get when it is missing: no browser is ever downloaded. Every process started here (server,
worker, browser) is stopped on the way out, whatever happens.

    make screenshots                 # or: .venv/bin/python -m scripts.screenshots [--out DIR]

The template's tests import `Browser` to prove, in the same browser, that the UI renders a run.
"""

import argparse
import base64
import contextlib
import dataclasses
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DOCS = TEMPLATE / "docs"
# The default bake: flow, deployment and pool names carry its slug.
SLUG = "iris-classifier"
POOL = f"{SLUG}-process"
TRAINING = f"{SLUG}-training/scheduled-training"
INFERENCE = f"{SLUG}-batch-inference/batch-inference"
# Offline, quiet, sandbox-free (root in a container) and without a GPU. SwiftShader draws the
# flow run graph, which the UI renders with WebGL.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--lang=en-US",
    "--force-device-scale-factor=1",
    "--no-proxy-server",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
MAX_PNG_BYTES = 300_000
# Every request goes to 127.0.0.1 directly, whatever proxy the environment names.
LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))
SERVER_START_SECONDS = 180
RUN_SECONDS = 600
PAGE_SECONDS = 60
# What the UI needs after its content appears: the graph's layout and fonts settle.
SETTLE_SECONDS = 3.0


class ScreenshotError(RuntimeError):
    """A step of the refresh failed; the message says which and shows its output."""


def stop_process_group(pid: int, grace_seconds: float = 10) -> None:
    """SIGTERM a process group, then SIGKILL it if it is still alive after the grace period."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace_seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reap our child, or it lingers as a zombie
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)


@contextlib.contextmanager
def process_group(command: list[str], log: Path, **popen: Any) -> Iterator[subprocess.Popen]:
    """Start a command in its own process group, output to `log`; always stop the whole group."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(part) for part in command],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **popen,
        )
    try:
        yield process
    finally:
        stop_process_group(process.pid)


def run(command: list, cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    """Run a command to completion; its output, or ScreenshotError with the output."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise ScreenshotError(f"{' '.join(map(str, command))} failed:\n{output[-4000:]}")
    return output


def ensure_chromium() -> str:
    """The path of Debian's chromium, installed with apt-get first when it is missing."""
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ScreenshotError(
            "Chromium is missing: install Debian's package, `apt-get install chromium`."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        subprocess.run(command, env=env, stdin=subprocess.DEVNULL, check=True)
    found = shutil.which("chromium")
    if not found:
        raise ScreenshotError("apt-get installed chromium, yet it is not on PATH.")
    return found


class Browser:
    """One page of a headless Chromium, driven through the DevTools protocol over a websocket."""

    def __init__(self, websocket: Any, width: int, height: int) -> None:
        self.websocket = websocket
        self.calls = 0
        self.width, self.height = width, height

    @classmethod
    @contextlib.contextmanager
    def start(cls, width: int = 1440, height: int = 900) -> Iterator["Browser"]:
        """A fresh Chromium with its own profile; stopped, profile deleted, on the way out."""
        from websockets.sync.client import connect

        executable = ensure_chromium()
        profile = Path(tempfile.mkdtemp(prefix="screenshots-chromium-"))
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            "about:blank",
        ]
        try:
            with process_group(command, profile.with_suffix(".log")) as process:
                port = cls._devtools_port(profile, process)
                with LOCAL.open(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
                    targets = json.load(response)
                page = next(target for target in targets if target["type"] == "page")
                with connect(page["webSocketDebuggerUrl"], max_size=None) as websocket:
                    browser = cls(websocket, width, height)
                    browser.resize(width, height)
                    yield browser
        finally:
            shutil.rmtree(profile, ignore_errors=True)
            profile.with_suffix(".log").unlink(missing_ok=True)

    @staticmethod
    def _devtools_port(profile: Path, process: subprocess.Popen) -> int:
        """The port Chromium chose, read from the file it writes into its profile."""
        deadline = time.monotonic() + 60
        active = profile / "DevToolsActivePort"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log = profile.with_suffix(".log").read_text()
                raise ScreenshotError(f"chromium exited at start:\n{log[-3000:]}")
            if active.exists() and active.read_text().strip():
                return int(active.read_text().split()[0])
            time.sleep(0.2)
        raise ScreenshotError("chromium did not open its DevTools port in 60 s")

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one DevTools command and return its result; events in between are skipped."""
        self.calls += 1
        self.websocket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.websocket.recv(timeout=PAGE_SECONDS))
            if message.get("id") == self.calls:
                if "error" in message:
                    raise ScreenshotError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def resize(self, width: int, height: int) -> None:
        """Set the viewport, in CSS pixels, as a window of that size would have it."""
        self.width, self.height = width, height
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def open(self, url: str, *texts: str, selector: str = "body") -> str:
        """Load a page and wait until its text shows every one of `texts` and `selector`
        matches an element; the page's HTML as rendered then."""
        self.call("Page.navigate", url=url)
        expected = json.dumps(list(texts))
        ready = (
            f"document.querySelector({json.dumps(selector)}) !== null && "
            f"{expected}.every(text => document.body.innerText.includes(text))"
        )
        deadline = time.monotonic() + PAGE_SECONDS
        while not self.evaluate(ready):
            if time.monotonic() > deadline:
                shown = self.evaluate("document.body ? document.body.innerText : ''") or ""
                raise ScreenshotError(
                    f"{url} did not show {list(texts)} and {selector!r} in {PAGE_SECONDS} s; "
                    f"it shows:\n{shown[:2000]}"
                )
            time.sleep(0.5)
        return self.evaluate("document.documentElement.outerHTML")

    def screenshot(self) -> bytes:
        """The viewport as PNG."""
        data = self.call("Page.captureScreenshot", format="png")["data"]
        return base64.b64decode(data)


def small_png(png: bytes, limit: int = MAX_PNG_BYTES) -> bytes:
    """The picture as is when it fits in `limit` bytes, else reduced to 256 colours."""
    if len(png) <= limit:
        return png
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    if buffer.tell() > limit:
        raise ScreenshotError(f"a picture takes {buffer.tell()} bytes, more than {limit}")
    return buffer.getvalue()


@dataclasses.dataclass(frozen=True)
class Picture:
    """One page of the UI to photograph, and what it must show first."""

    file: str
    path: str
    texts: tuple[str, ...]
    caption: str
    selector: str = "body"
    height: int = 900


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prefect_env(home: Path, api_url: str | None = None) -> dict[str, str]:
    """Environment of a Prefect process that stays offline and keeps its files in `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    return env


def api(api_url: str, path: str, body: dict | None = None) -> Any:
    """GET (or POST `body` to) the Prefect server's REST API."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{api_url}/{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with LOCAL.open(request, timeout=30) as response:
        return json.load(response)


@contextlib.contextmanager
def prefect_server(workdir: Path) -> Iterator[str]:
    """A Prefect server with its UI on a free port of 127.0.0.1; its API URL."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = prefect_env(workdir / "server-home")
    env["PREFECT_UI_API_URL"] = api_url
    command = [BIN / "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    log = workdir / "server.log"
    with process_group([*command, "--analytics-off"], log, env=env) as process:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                raise ScreenshotError(f"prefect server exited:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if api(api_url, "health") is True:
                    break
            if time.monotonic() > deadline:
                raise ScreenshotError(f"prefect server did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield api_url


def bake(workdir: Path) -> Path:
    """The default project, baked from this template."""
    run(
        [BIN / "cookiecutter", "--no-input", "--output-dir", workdir, TEMPLATE],
        workdir,
        dict(os.environ),
    )
    return workdir / SLUG


def start_run(
    project: Path, env: dict[str, str], deployment: str, params: dict | None = None
) -> str:
    """`prefect deployment run`, as a user types it; the id of the new flow run."""
    command = [BIN / "prefect", "deployment", "run", deployment]
    if params is not None:
        command += ["--params", json.dumps(params)]
    output = run(command, project, env)
    found = re.search(r"UUID: ([0-9a-f-]{36})", output)
    if not found:
        raise ScreenshotError(f"no flow run id in:\n{output}")
    return found.group(1)


def wait_completed(api_url: str, flow_run_id: str, worker_log: Path) -> dict[str, Any]:
    """The flow run once it has COMPLETED; ScreenshotError if it ends otherwise."""
    deadline = time.monotonic() + RUN_SECONDS
    while True:
        flow_run = api(api_url, f"flow_runs/{flow_run_id}")
        state = flow_run.get("state") or {}
        if state.get("type") == "COMPLETED":
            return flow_run
        if state.get("type") in {"FAILED", "CRASHED", "CANCELLED"} or time.monotonic() > deadline:
            raise ScreenshotError(
                f"flow run {flow_run['name']} is {state.get('name')}: {state.get('message')}\n"
                f"worker log:\n{worker_log.read_text()[-4000:]}"
            )
        time.sleep(1)


def run_project(workdir: Path, api_url: str) -> dict[str, Any]:
    """Bake, deploy, and run training then batch inference through a process worker; what the
    pictures show: the runs, their subflows and artifacts, the deployments."""
    project = bake(workdir)
    deploy_env = prefect_env(workdir / "deploy-home", api_url)
    deploy_env["PYTHONPATH"] = str(project / "src")
    run(["make", "deploy", f"BIN={BIN}", f"PREFECT_API_URL={api_url}"], project, deploy_env)

    worker_env = {
        **prefect_env(workdir / "worker-home", api_url),
        "PYTHONPATH": str(project / "src"),
    }
    worker_env["PREFECT_WORKER_QUERY_SECONDS"] = "1"
    elsewhere = workdir / "worker"
    elsewhere.mkdir()
    log = workdir / "worker.log"
    command = [BIN / "prefect", "worker", "start", "--pool", POOL]
    with process_group(command, log, cwd=elsewhere, env=worker_env):
        training_id = start_run(project, worker_env, TRAINING)
        training = wait_completed(api_url, training_id, log)

        from sklearn.datasets import load_iris

        batch = workdir / "batch.csv"
        load_iris(as_frame=True).data.to_csv(batch, index=False)
        config = {"input_uri": str(batch), "output_uri": str(workdir / "predictions.csv")}
        inference_id = start_run(project, worker_env, INFERENCE, {"config": config})
        inference = wait_completed(api_url, inference_id, log)

    subflows = api(
        api_url,
        "flow_runs/filter",
        {"flow_runs": {"parent_flow_run_id": {"any_": [training_id]}}},
    )
    artifacts = api(
        api_url, "artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [training_id]}}}
    )
    deployments = api(api_url, "deployments/filter", {})
    return {
        "training": training,
        "inference": inference,
        "subflows": {run["name"]: run for run in subflows},
        "artifacts": {artifact["type"]: artifact for artifact in artifacts},
        "deployments": {deployment["name"]: deployment for deployment in deployments},
    }


# The pictures: the page (its path, filled in with the runs' ids and names) and what it must
# show before it is taken.
PICTURES = (
    Picture(
        "flow-run-graph.png",
        "/runs/flow-run/{training_id}",
        ("{training_name}", "Completed"),
        "A training run: the graph of its two subflows and its tasks",
        selector="canvas",
    ),
    Picture(
        "search-subflow.png",
        "/runs/flow-run/{search_id}",
        ("search-grid", "Completed"),
        "The search subflow: one mapped task per candidate of the grid",
        selector="canvas",
    ),
    Picture(
        "metrics-artifact.png",
        "/artifacts/artifact/{metrics_id}",
        ("f1_macro", "accuracy"),
        "The metrics table artifact of a training run",
    ),
    Picture(
        "training-report.png",
        "/artifacts/artifact/{report_id}",
        ("Champion vs challenger",),
        "The training report artifact: data, champion vs challenger, search, metrics",
        height=1300,
    ),
    Picture(
        "deployments.png",
        "/deployments",
        ("scheduled-training", "batch-inference"),
        "The deployments of a baked project on its process work pool",
    ),
)


def pictures(runs: dict[str, Any]) -> list[Picture]:
    """The pictures with their pages filled in from the runs made by `run_project`."""
    names = {
        "training_id": runs["training"]["id"],
        "training_name": runs["training"]["name"],
        "search_id": runs["subflows"]["search-grid"]["id"],
        "metrics_id": runs["artifacts"]["table"]["id"],
        "report_id": runs["artifacts"]["markdown"]["id"],
    }
    return [
        dataclasses.replace(
            picture,
            path=picture.path.format(**names),
            texts=tuple(text.format(**names) for text in picture.texts),
        )
        for picture in PICTURES
    ]


def take_pictures(ui_url: str, shots: list[Picture], out: Path) -> list[Path]:
    """Photograph each page, once it shows what it must, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with Browser.start() as browser:
        for shot in shots:
            browser.resize(1440, shot.height)
            browser.open(f"{ui_url}{shot.path}", *shot.texts, selector=shot.selector)
            time.sleep(SETTLE_SECONDS)
            path = out / shot.file
            path.write_bytes(small_png(browser.screenshot()))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Refresh the pictures; print what was written."""
    parser = argparse.ArgumentParser(prog="python -m scripts.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=DOCS, help="folder of the pictures (docs/)")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the server, the worker and the browser are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    ensure_chromium()
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        workdir = Path(tmp)
        with prefect_server(workdir) as api_url:
            runs = run_project(workdir, api_url)
            shots = pictures(runs)
            written = take_pictures(api_url.removesuffix("/api"), shots, args.out)
    for shot, path in zip(shots, written, strict=True):
        print(
            f"{path.relative_to(TEMPLATE) if path.is_relative_to(TEMPLATE) else path}"
            f"  {path.stat().st_size // 1024} KB  {shot.caption}"
        )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ScreenshotError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
