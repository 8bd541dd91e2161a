"""Helpers for the tests of the book itself: the table of contents and the notebooks."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def toc_files() -> list[str]:
    """Every file of `_toc.yml` in reading order, without extension (e.g. 'chapters/01_neuron')."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def toc_notebooks() -> list[Path]:
    return [ROOT / f"{f}.ipynb" for f in toc_files() if (ROOT / f"{f}.ipynb").exists()]


def code_cells(path: Path) -> list[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def notebook_calls(path: Path, function: str) -> list[str]:
    """String arguments of calls like `widgets.show("key")` or `check("key", ...)` in a notebook."""
    pattern = re.compile(rf"\b{re.escape(function)}\(\s*[\"']([^\"']+)[\"']")
    return [m for src in code_cells(path) for m in pattern.findall(src)]
