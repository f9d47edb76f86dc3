"""No credential is ever written into a baked project: not by the bake (every covering set of
answers, remote addresses included), and not by a run that reads its data with a credential
from a Prefect Secret block. The scanner is detect-secrets, with its default plugins."""

import base64
import functools
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings
from sklearn.datasets import load_iris

from tests.conftest import QuietHandler, run
from tests.matrix import combo_id, covering_set
from tests.test_baked_project import project_env

REMOTE = [
    {"dataset_source": "csv", "dataset_uri": "s3://ml-data/train.csv", "target_column": "label"},
    {"dataset_source": "parquet", "dataset_uri": "gs://ml-data/t.parquet", "target_column": "y"},
    {"dataset_source": "csv", "dataset_uri": "az://data/train.csv", "target_column": "label"},
    {"dataset_source": "sql", "dataset_uri": "postgresql+psycopg://ml@db.internal/ml"},
]
# A made-up bearer token, shaped like a real one so that a leak would be recognisable.
TOKEN = "tok_8f3Kq2xV9mLr7TzW4bYc1NpQ6sHd0JeA"


def scan(folder: Path) -> dict:
    """detect-secrets' findings for every file under `folder`, by file. Prefect's result store
    is left out: its pickled, base64-encoded frames look random to the entropy detectors (the
    run-time test searches it for the token itself)."""
    files = [
        str(path)
        for path in folder.rglob("*")
        if path.is_file() and ".prefect" not in path.relative_to(folder).parts
    ]
    with default_settings():
        secrets = SecretsCollection(root=str(folder))
        secrets.scan_files(*files, num_processors=1)
    return secrets.json()


def encodings(secret: bytes) -> list[bytes]:
    """The secret as is and as it shows inside any base64 text (Prefect stores results in
    base64): one core per alignment of the secret in the encoded bytes."""
    forms = [secret]
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + secret)
        # Leave out the characters that mix in the bytes around the secret.
        forms.append(encoded[4:-4])
    return forms


def test_scanner_finds_a_planted_credential(bake):
    """The scan can fail: a key planted in a bake is found."""
    project = bake()
    (project / "settings.env").write_text(
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
        "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
    )
    assert "settings.env" in scan(project)


@pytest.mark.parametrize(
    "answers", [{}, *covering_set(), *REMOTE], ids=lambda a: combo_id(a) or "defaults"
)
def test_bake_holds_no_credentials(bake, answers):
    """Every file of a fresh bake is free of keys, tokens, passwords and private keys."""
    assert scan(bake(**answers)) == {}


class BearerHandler(QuietHandler):
    """Serves files only to requests that bear TOKEN."""

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.send_error(401, "missing or wrong token")
            return
        super().do_GET()

    do_HEAD = do_GET


@pytest.fixture
def private_server(tmp_path) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 that serves iris.csv to bearers of TOKEN only."""
    folder = tmp_path / "served"
    folder.mkdir()
    frame = load_iris(as_frame=True).frame.rename(columns={"target": "label"})
    frame.to_csv(folder / "iris.csv", index=False)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(BearerHandler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/iris.csv"
    server.shutdown()
    server.server_close()


def test_run_time_credential_stays_out_of_the_project(bake, prefect_api_url, private_server):
    """A token held in a Prefect Secret block reads a private URL, and is found nowhere after
    the run: not in the project's files (models, reports, cached results), not in the flow
    run's parameters on the server."""
    project = bake(dataset_source="csv", dataset_uri=private_server, target_column="label")
    env = project_env(prefect_api_url)
    block = f"dataset-options-{project.parent.name}".lower().replace("_", "-")
    save = (
        "import json, sys; from prefect.blocks.system import Secret; "
        "Secret(value=json.loads(sys.argv[2])).save(sys.argv[1], overwrite=True)"
    )
    options = json.dumps({"headers": {"Authorization": f"Bearer {TOKEN}"}})
    run([sys.executable, "-c", save, block, options], project, env)

    train = [sys.executable, "-m", "iris_classifier", "train", "--tune", "false"]
    refused = run(train, project, env, expect_failure=True)
    assert f"error: {private_server!r} refused access (HTTP 401): give credentials" in refused
    output = run([*train, "--storage-options-secret", block], project, env)
    assert "Registered model v1" in output

    forms = encodings(TOKEN.encode())
    leaks = [
        path
        for path in project.rglob("*")
        if path.is_file() and any(form in path.read_bytes() for form in forms)
    ]
    assert leaks == []
    flow_runs = subprocess.run(
        [sys.executable, "-c", READ_PARAMETERS],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert block in flow_runs and TOKEN not in flow_runs


# Every flow run's parameters as the server recorded them, as one JSON text.
READ_PARAMETERS = """
import json
from prefect import get_client
with get_client(sync_client=True) as client:
    print(json.dumps([run.parameters for run in client.read_flow_runs()], default=str))
"""
