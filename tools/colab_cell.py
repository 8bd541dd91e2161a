"""The first cell of every chapter: installs the course in Google Colab, and only there.

The repository's address lives in one place, `_config.yml` (`repository.url`). After changing it,
run `.venv/bin/python tools/colab_cell.py` to rewrite the first cell of every notebook;
`tests/test_colab.py` fails while a notebook's first cell differs from this template.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent

TEMPLATE = '''# Настройка для Google Colab: там рядом с блокнотом нет библиотеки курса, установим её.
# Локально, в Binder и при сборке книги эта ячейка ничего не делает.
import sys

if "google.colab" in sys.modules:
    %pip install -q "nn-basics-course @ git+{url}"'''


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def colab_cell_source(url: str | None = None) -> str:
    return TEMPLATE.format(url=url or repository_url())


def sync(paths) -> list[Path]:
    """Rewrites the first code cell of each notebook; returns the notebooks that changed."""
    source = colab_cell_source()
    changed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        first = next(c for c in nb.cells if c.cell_type == "code")
        if first.source != source or "remove-cell" not in first.metadata.get("tags", []):
            first.source = source
            first.metadata["tags"] = sorted(set(first.metadata.get("tags", [])) | {"remove-cell"})
            nbformat.write(nb, path)
            changed.append(path)
    return changed


if __name__ == "__main__":
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in sync(notebooks):
        print("обновлён", path.relative_to(ROOT))
    sys.exit(0)
