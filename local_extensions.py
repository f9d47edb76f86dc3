"""Jinja filters that write an answer as a string literal of the file's language.

Answers are data: these filters quote them so that any printable text (quotes, backslashes,
accents, emoji) reads back exactly, and the pre-gen hook refuses what is not printable.
Cookiecutter loads this module through `_extensions` in cookiecutter.json.
"""

from cookiecutter.utils import simple_filter


@simple_filter
def python_string(value: str) -> str:
    """A Python string literal, quoted the way ruff's formatter prefers (fewest escapes)."""
    quote = "'" if value.count('"') > value.count("'") else '"'
    return quote + value.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote


@simple_filter
def toml_string(value: str) -> str:
    """A TOML basic string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
