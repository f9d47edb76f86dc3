"""Shape the baked project to the answers: keep only the chosen variant of each module.

The template ships every variant under `_choices/<module>/`; this hook moves the chosen one
to `src/<package>/<module>.py` and deletes the rest, so the baked code has no dead branches.
It runs in the new project's folder, reads no network and asks nothing.
"""

import json
import shutil
import sys
from pathlib import Path

CHOICES_DIR = Path("_choices")


def chosen_variants(answers: dict) -> dict[str, list[str]]:
    """Map each module to its candidate variant files, most specific first."""
    task, model = answers["task_type"], answers["model_type"]
    return {
        "source": [f"{answers['dataset_source']}.py"],
        "estimator": [f"{model}_{task}.py", f"{model}.py"],
        "metrics": [f"{task}.py"],
    }


def keep_chosen(answers: dict, root: Path = Path()) -> list[Path]:
    """Move each chosen variant into the package, drop `_choices/` and return the kept files."""
    package = root / "src" / answers["package_name"]
    kept = []
    for module, candidates in chosen_variants(answers).items():
        variants = root / CHOICES_DIR / module
        chosen = next(variants / name for name in candidates if (variants / name).exists())
        target = package / f"{module}.py"
        chosen.rename(target)
        kept.append(target)
    shutil.rmtree(root / CHOICES_DIR)
    return kept


def main(answers: dict) -> int:
    """Shape the project in the current folder."""
    keep_chosen(answers)
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))
