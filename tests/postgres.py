"""A throwaway PostgreSQL server for the tests that need a real SQL database.

SQLite would hide the dialect differences the baked projects meet in production, so the SQL tests
run against a fresh cluster on 127.0.0.1 that lives for one test session (one per xdist worker)
and is stopped and deleted afterwards. Load it with `pytest_plugins = ["tests.postgres"]`.
"""

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = DATABASE = "template_tests"
INSTALL_HINT = "install the server with `apt-get install postgresql`"


def unavailable(reason: str) -> None:
    """Skip the SQL tests on a machine without PostgreSQL; in CI, which installs it, fail."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
    pytest.skip(reason)


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: from PATH, else the newest /usr/lib/postgresql/*."""
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        # Resolve symlinks so createdb is found next to initdb even if only initdb is linked.
        return Path(on_path).resolve().parent
    found = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    found = [p for p in found if (p / "initdb").exists()]
    # Compare versions as numbers, so that 15 beats 9.6.
    return max(
        found, key=lambda p: [int(n) for n in p.parent.name.split(".") if n.isdigit()], default=None
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL of an empty database on a fresh PostgreSQL cluster, stopped afterwards."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        unavailable(f"PostgreSQL server binaries (initdb, pg_ctl) not found; {INSTALL_HINT}")
    as_server: list[str] = []
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root, so the cluster belongs to the postgres system user.
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            unavailable(f"running as root and there is no `postgres` user; {INSTALL_HINT}")
        as_server = ["runuser", "-u", "postgres", "--"]
    tmp = Path(tempfile.mkdtemp(prefix="pg-tests-"))
    if as_server:
        os.chown(tmp, server_user.pw_uid, server_user.pw_gid)
    data, log, port = tmp / "data", tmp / "server.log", free_port()
    # PG* variables from the caller's shell could point the client tools at another server.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}

    def run(tool: str, *args: object, as_user: list[str] = as_server, check: bool = True) -> int:
        """Run a PostgreSQL tool; if `check`, skip the tests with its output when it fails."""
        result = subprocess.run(
            [*as_user, str(bin_dir / tool), *map(str, args)],
            cwd=tmp,  # the postgres user may not be allowed into the caller's directory
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            server_log = log.read_text() if log.exists() else ""
            output = (result.stdout + result.stderr + server_log)[-3000:]
            unavailable(f"could not start PostgreSQL ({tool} failed):\n{output}")
        return result.returncode

    initdb = ["--auth=trust", f"--username={USER}", "--no-locale", "--encoding=UTF8", "--no-sync"]
    options = ["-p", port, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    options += ["-c", f"unix_socket_directories={tmp}"]
    try:
        run("initdb", "-D", data, *initdb)
        run("pg_ctl", "start", "-w", "-D", data, "-l", log, "-o", shlex.join(map(str, options)))
        run("createdb", "-h", "127.0.0.1", "-p", port, "-U", USER, DATABASE, as_user=[])
        yield f"postgresql+psycopg://{USER}@127.0.0.1:{port}/{DATABASE}"
    finally:
        # Also after a failed start: pg_ctl may have given up while the server kept starting.
        if (data / "postmaster.pid").exists():
            stop = ["pg_ctl", "stop", "-w", "-D", data, "-m"]
            if run(*stop, "fast", check=False) != 0:
                run(*stop, "immediate", check=False)
        shutil.rmtree(tmp, ignore_errors=True)
