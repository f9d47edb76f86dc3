"""Where the template is, and its hooks as importable modules."""

import importlib.util
import json
from pathlib import Path
from types import ModuleType

TEMPLATE = Path(__file__).resolve().parents[1]
COOKIECUTTER = json.loads((TEMPLATE / "cookiecutter.json").read_text())


def load_hook(name: str) -> ModuleType:
    """Import a hook as a module; its Jinja placeholder is a plain string until baked."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
