"""The hooks: bad answers are refused with one clear message and nothing left on disk;
answers are data, never code; names with quotes and accents survive the bake."""

import tomllib
from pathlib import Path

import pandas as pd
import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter

from tests.matrix import combo_id, unsupported_combinations
from tests.sample_data import DATA_DIR, sample_frame
from tests.template import COOKIECUTTER, TEMPLATE, load_hook

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")


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
        ({"dataset_source": "csv", "dataset_uri": "ftp://host/train.csv"}, "dataset_uri"),
        ({"dataset_source": "parquet", "dataset_uri": "hdfs://nn/train.parquet"}, "dataset_uri"),
        ({"dataset_source": "sql", "dataset_uri": "/srv/data/train.sqlite"}, "dataset_uri"),
        ({"dataset_source": "sql", "dataset_uri": "oracle://ml@db/ml"}, "dataset_uri"),
        ({"dataset_source": "csv", "target_column": " "}, "target_column"),
        ({"dataset_source": "sql", "dataset_table": ""}, "dataset_table"),
    ],
    ids=lambda v: v if isinstance(v, str) else "-".join(map(str, v.values()))[:40],
)
def test_pre_gen_refuses_bad_answer(tmp_path, capfd, answers, field):
    """A bad answer stops the bake with one message naming the field and its value."""
    message = refuse(tmp_path, capfd, **answers)
    assert message.count("ERROR:") == 1
    assert field in message
    if answers[field].strip():
        assert repr(answers[field]) in message


@pytest.mark.parametrize(
    "uri",
    ["postgresql+psycopg://ml:hunter2@db/ml", "https://user:token@data.example.invalid/t.csv"],
)
def test_pre_gen_refuses_password_in_dataset_uri(tmp_path, capfd, uri):
    """A password in dataset_uri is refused, and the message does not repeat it."""
    source = "sql" if uri.startswith("postgresql") else "csv"
    message = refuse(tmp_path, capfd, dataset_source=source, dataset_uri=uri)
    assert "dataset_uri holds a password" in message
    assert "hunter2" not in message and "token" not in message


@pytest.mark.parametrize(
    ("uri", "parameter"),
    [
        ("https://bucket.s3.amazonaws.com/t.csv?X-Amz-Signature=abc123&X-Amz-Expires=60", "X-Amz"),
        ("az://container/t.csv?sv=2024-01-01&sig=c2VjcmV0", "sig"),
        ("https://data.example.invalid/t.csv?access_token=ya29.abc", "access_token"),
        ("postgresql://ml@db/ml?password=hunter2", "password"),
    ],
)
def test_pre_gen_refuses_credential_in_dataset_uri_query(tmp_path, capfd, uri, parameter):
    """A signed URL or a token in the query is refused, naming the parameter, not its value."""
    source = "sql" if uri.startswith("postgresql") else "csv"
    message = refuse(tmp_path, capfd, dataset_source=source, dataset_uri=uri)
    assert message.count("ERROR:") == 1
    assert "dataset_uri carries a credential" in message and parameter in message
    assert all(secret not in message for secret in ("abc123", "c2VjcmV0", "ya29", "hunter2"))


def test_pre_gen_accepts_plain_query_parameters(tmp_path):
    """Query parameters that are not credentials (a version, a format) are kept."""
    uri = "https://data.example.invalid/t.csv?version=3&format=csv"
    cookiecutter(
        str(TEMPLATE),
        no_input=True,
        extra_context={"dataset_source": "csv", "dataset_uri": uri, "target_column": "label"},
        output_dir=tmp_path,
    )
    source = tmp_path / "iris-classifier" / "src" / "iris_classifier" / "source.py"
    assert uri in source.read_text()


@pytest.mark.parametrize("answers", unsupported_combinations(), ids=combo_id)
def test_pre_gen_refuses_unsupported_combination(tmp_path, capfd, answers):
    """A dataset that does not fit the task type is refused, naming the allowed datasets."""
    message = refuse(tmp_path, capfd, **answers)
    assert "dataset_name" in message and answers["task_type"] in message


def test_pre_gen_accepts_default_answers():
    """The template's default answers pass every check."""
    answers = {
        **{k: v[0] if isinstance(v, list) else v for k, v in COOKIECUTTER.items()},
        "project_slug": "iris-classifier",
        "package_name": "iris_classifier",
        "dataset_name": "iris",
        "target_column": "churned",
        "dataset_table": "customers",
    }
    assert pre_gen.first_error(answers) is None


def test_shipped_parquet_samples_are_current():
    """The Parquet samples in the template hold exactly the rows the post-gen hook generates."""
    for name in post_gen.SAMPLES:
        shipped = pd.read_parquet(DATA_DIR / f"{name}.parquet")
        pd.testing.assert_frame_equal(shipped, sample_frame(name))


@pytest.mark.parametrize(("source", "suffix"), [("csv", ".csv"), ("sql", ".sqlite")])
def test_post_gen_writes_the_same_sample_every_time(tmp_path, source, suffix):
    """The sample dataset is written by the hook from a fixed seed: two bakes, same bytes."""
    answers = {"dataset_source": source, "dataset_uri": "", "__sample_name": "houses"}
    first, second = tmp_path / "a", tmp_path / "b"
    for root in (first, second):
        root.mkdir()
        written = post_gen.write_sample_data(answers, root)
        assert written == root / "data" / f"houses{suffix}"
    frames = [
        pd.read_csv(root / "data" / "houses.csv")
        if source == "csv"
        else pd.read_sql("houses", f"sqlite:///{root / 'data' / 'houses.sqlite'}")
        for root in (first, second)
    ]
    pd.testing.assert_frame_equal(*frames)
    assert len(frames[0]) == post_gen.SAMPLE_ROWS
    assert frames[0].isna().any().any(), "the sample should show missing values"


def test_post_gen_writes_nothing_for_a_given_address(tmp_path):
    """With a dataset_uri answered, no sample data is written."""
    answers = {"dataset_source": "csv", "dataset_uri": "/srv/x.csv", "__sample_name": "houses"}
    assert post_gen.write_sample_data(answers, tmp_path) is None
    assert list(tmp_path.iterdir()) == []


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
