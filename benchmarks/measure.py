"""Measuring whole processes: wall time, peak memory, and where a Prefect run's time went."""

import contextlib
import dataclasses
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from scripts.screenshots import free_port, stop_process_group

# Prefect's console log lines start with the local time of day: `18:23:24.186 | INFO | ...`.
LOG_LINE = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| \w+\s*\| (.*)$")
SERVER_START_SECONDS = 120
PEAK = Path(__file__).with_name("peak.py")


@dataclasses.dataclass(frozen=True)
class Run:
    """One finished process: its wall time, peak resident memory and log."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    started_at: float
    log: Path

    @property
    def ok(self) -> bool:
        """Whether the process exited with 0."""
        return self.returncode == 0


def quiet_env(api_url: str | None = None, home: Path | None = None) -> dict[str, str]:
    """The caller's environment without its Prefect settings, with telemetry off; runs use the
    server at `api_url` when given, else the embedded one, and Prefect's home `home` when given,
    else the project's own (prefect.toml)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    if home:
        env["PREFECT_HOME"] = str(home)
    return env


def timed(command: Sequence, cwd: Path, env: dict, log: Path, timeout: float = 1800) -> Run:
    """Run a command to its end in its own process group, through peak.py, which records the
    peak RSS of the command or of its largest reaped child (a server it started)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    peak = log.with_suffix(".peak")
    started_at = time.time()
    start = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-I", PEAK, peak, *map(str, command)],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        watchdog = threading.Timer(timeout, stop_process_group, args=(process.pid,))
        watchdog.start()
        try:
            _, status = os.waitpid(process.pid, 0)
        except BaseException:
            # Interrupted: leave no Prefect server or cluster of the run behind.
            stop_process_group(process.pid)
            raise
        finally:
            watchdog.cancel()
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_bytes = int(peak.read_text()) if peak.exists() else 0
    return Run(seconds, peak_bytes, process.returncode, started_at, log)


def check(run: Run, what: str) -> Run:
    """Stop the benchmark with the tail of the log when a process failed."""
    if not run.ok:
        tail = run.log.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"{what} failed (exit {run.returncode}); {run.log}:\n{tail}")
    return run


def median(values: Sequence[float]) -> float:
    """The median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")


def wait_healthy(api_url: str, process: subprocess.Popen, log: Path) -> float:
    """Block until the server answers its health check; return the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < SERVER_START_SECONDS:
        if process.poll() is not None:
            raise RuntimeError(f"prefect server exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"prefect server did not answer in {SERVER_START_SECONDS} s")


@contextlib.contextmanager
def prefect_server(prefect: Path, cwd: Path, log: Path) -> Iterator[tuple[str, float]]:
    """`make server` on a free port of 127.0.0.1, stopped on exit; yields its API URL and how
    long it took to answer."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    command = [prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*map(str, command), "--analytics-off"],
            cwd=cwd,
            env=quiet_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield api_url, wait_healthy(api_url, process, log)
    finally:
        stop_process_group(process.pid)


def log_times(run: Run) -> list[tuple[float, str]]:
    """(seconds since the process started, message) of each Prefect log line."""
    day = datetime.fromtimestamp(run.started_at).date()
    stamps = []
    for line in run.log.read_text(errors="replace").splitlines():
        match = LOG_LINE.match(line)
        if match:
            clock = datetime.strptime(match[1], "%H:%M:%S.%f").time()
            offset = datetime.combine(day, clock).timestamp() - run.started_at
            stamps.append((offset, match[2]))
    return stamps


def phases(run: Run) -> dict[str, float]:
    """Where a `train` process's time went, from its own log: start-up before the embedded
    server starts (mostly imports), the server's start until the first flow run begins, the
    flow run, and the exit after it."""
    stamps = log_times(run)
    server = next((t for t, m in stamps if "Starting temporary server" in m), None)
    begin = next((t for t, m in stamps if "Beginning flow run" in m), None)
    end = next((t for t, m in reversed(stamps) if m.startswith("Flow run 'train-")), None)
    if begin is None or end is None:
        return {}
    result = {"start-up": server if server is not None else begin}
    if server is not None:
        result["server start"] = begin - server
    result["flow"] = end - begin
    result["exit"] = run.seconds - end
    return result


def spans(run: Run, start: str, end: str) -> list[float]:
    """Seconds from each log line containing `start` to the next one containing `end`."""
    found, opened = [], None
    for offset, message in log_times(run):
        if start in message:
            opened = offset
        elif end in message and opened is not None:
            found.append(offset - opened)
            opened = None
    return found
