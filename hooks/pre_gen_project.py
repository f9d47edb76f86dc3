"""Refuse answers the template cannot bake, before a single file is written.

Cookiecutter runs this file as a lone script with the answers rendered in. The answers
enter as JSON data, never as code, so a hostile project name stays an inert string.
Each check returns one message naming the field, the value and what is allowed.
"""

import json
import keyword
import re
import sys
from urllib.parse import parse_qsl, urlsplit

SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Longer names push the project's import lines past its 100-column line length.
MAX_PACKAGE_NAME = 32
# fsspec URL schemes whose filesystem package the baked pyproject.toml adds.
FILE_SCHEMES = ("file", "http", "https", "s3", "gs", "gcs", "az", "abfs", "abfss")
# SQLAlchemy dialects whose driver package the baked pyproject.toml adds.
SQL_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg", "postgresql+psycopg2", "mysql+pymysql")
URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?:(?P<userinfo>[^/@]*)@)?")
# Query parameters that carry a credential: signed URLs (S3, GCS, Azure SAS), tokens, keys.
CREDENTIAL_PARAMETERS = re.compile(
    r"^(password|passwd|pwd|secret|token|access_token|api_?key|key|sig|signature|"
    r"x-amz-(signature|credential|security-token)|x-goog-(signature|credential))$",
    re.IGNORECASE,
)
# Answers typed as free text, which reach files as data.
FREE_TEXT = (
    "project_name",
    "description",
    "author_name",
    "author_email",
    "dataset_name",
    "dataset_uri",
    "target_column",
    "dataset_table",
)
# The answers each dataset source reads.
REQUIRED = {
    "csv": ("target_column",),
    "parquet": ("target_column",),
    "sql": ("target_column", "dataset_table"),
}
DATASETS = {
    "classification": ("iris", "wine", "breast_cancer", "digits"),
    "regression": ("diabetes",),
}


def check_one_line(answers: dict) -> str | None:
    """Reject a free-text answer with a line break, a control character or invalid Unicode,
    which would break the one-line fields of pyproject.toml, the README and the code."""
    for field in FREE_TEXT:
        value = answers[field]
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return f"{field} is not valid Unicode text: retype it."
        if not value.isprintable():
            return (
                f"{field} {value!r} contains a line break or control character: answers are one "
                "line of printable text."
            )
    return None


def check_slug(slug: str) -> str | None:
    """Reject a project slug that is not a valid folder and distribution name."""
    if not SLUG.match(slug):
        return (
            f"project_slug {slug!r} is not allowed: use lowercase letters, digits and single "
            "dashes, starting with a letter (for example 'iris-classifier')."
        )
    return None


def check_package_name(name: str) -> str | None:
    """Reject an import name that is not an identifier, is a keyword or shadows the stdlib."""
    if not name.isidentifier() or not name.isascii() or name != name.lower():
        return (
            f"package_name {name!r} is not allowed: use lowercase ASCII letters, digits and "
            "underscores, starting with a letter (for example 'iris_classifier')."
        )
    if len(name) > MAX_PACKAGE_NAME:
        return (
            f"package_name {name!r} is {len(name)} characters long: use at most {MAX_PACKAGE_NAME}."
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"package_name {name!r} is a Python keyword: choose another name."
    if name in sys.stdlib_module_names:
        return (
            f"package_name {name!r} is the name of a Python standard-library module and would "
            "shadow it: choose another name."
        )
    return None


def check_email(email: str) -> str | None:
    """Reject an author e-mail that does not look like name@domain.tld."""
    if not EMAIL.match(email):
        return f"author_email {email!r} is not an e-mail address: use the form name@example.com."
    return None


def check_dataset(answers: dict) -> str | None:
    """Reject a bundled dataset that does not fit the task type (sklearn source only)."""
    if answers["dataset_source"] != "sklearn":
        return None
    task_type, dataset_name = answers["task_type"], answers["dataset_name"]
    allowed = DATASETS.get(task_type, ())
    if dataset_name not in allowed:
        return (
            f"dataset_name {dataset_name!r} does not fit task_type {task_type!r}: "
            f"choose one of {', '.join(allowed)}."
        )
    return None


def check_dataset_uri(source: str, uri: str) -> str | None:
    """Reject a dataset address the chosen source cannot read, or one holding a password."""
    if source == "sklearn" or not uri:
        return None
    match = URL.match(uri)
    scheme = match["scheme"].lower() if match else "file"
    allowed = SQL_SCHEMES if source == "sql" else FILE_SCHEMES
    if scheme not in allowed:
        kind = "a SQLAlchemy URL" if source == "sql" else "a local path or an fsspec URL"
        return (
            f"dataset_uri {uri!r} is not {kind} the project can read: use one of the schemes "
            f"{', '.join(s + '://' for s in allowed)} (or leave it empty for a sample dataset)."
        )
    if match and ":" in (match["userinfo"] or ""):
        return (
            "dataset_uri holds a password, which would be written into the project: leave it "
            "out and give it at run time (environment variable or Prefect Secret block)."
        )
    query = urlsplit(uri).query if match else ""
    secrets = [name for name, _ in parse_qsl(query) if CREDENTIAL_PARAMETERS.match(name)]
    if secrets:
        return (
            f"dataset_uri carries a credential in its query ({', '.join(secrets)}), which "
            "would be written into the project: give the address without it and the "
            "credential at run time (environment variable or Prefect Secret block)."
        )
    return None


def check_required(answers: dict) -> str | None:
    """Reject an empty target column or table for the sources that read them."""
    source = answers["dataset_source"]
    for field in REQUIRED.get(source, ()):
        if not answers[field].strip():
            return f"{field} is empty: dataset_source {source!r} needs it."
    return None


def first_error(answers: dict) -> str | None:
    """Return the first problem with the answers, or None when they can be baked."""
    one_line = check_one_line(answers)
    if one_line:
        return one_line
    checks = (
        check_slug(answers["project_slug"]),
        check_package_name(answers["package_name"]),
        check_email(answers["author_email"]),
        check_dataset(answers),
        check_dataset_uri(answers["dataset_source"], answers["dataset_uri"]),
        check_required(answers),
    )
    return next((message for message in checks if message), None)


def main(answers: dict) -> int:
    """Print the first problem to stderr and return the exit code."""
    error = first_error(answers)
    if error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))
