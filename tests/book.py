"""Helpers for the tests of the book itself: the table of contents and the notebooks."""

from __future__ import annotations

import json
import re
import sys
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


_ADDRESS = re.compile(r"0x[0-9a-f]+")
_OBJECT_REPR = re.compile(r"^<[\w.]+ object>$")


def printed_text(cells) -> list:
    """What the code cells printed: for each pair (source, outputs) of a cell that printed anything,
    the joined stream text and the ``text/plain`` of displayed results. Used to check that two
    executions of a notebook print the same numbers, so what differs between executors without
    carrying numbers is left out: memory addresses; bare ``<… object>`` reprs (a kernel routes
    the displays inside an ipywidgets ``Output`` differently under nbclient and nbval); the
    result of a cell ending in «;» (IPython hides it, but not under nbval, which runs cells without
    storing them in the history that IPython checks for the semicolon)."""
    texts = []
    for source, outputs in cells:
        quiet = source.rstrip().endswith(";")
        # a kernel may split one print into several stream chunks: compare each cell's joined text
        stream = "".join(o["text"] for o in outputs if o.get("output_type") == "stream")
        plain = [_ADDRESS.sub("0x…", o["data"]["text/plain"]) for o in outputs
                 if "data" in o and "text/plain" in o["data"]
                 and not (quiet and o.get("output_type") == "execute_result")]
        plain = [t for t in plain if not _OBJECT_REPR.match(t)]
        if stream or plain:
            texts.append((stream, plain))
    return texts


def assert_prints_as_the_build(path: Path, cells, who: str) -> None:
    """Two executions of a notebook must print the same numbers: what ``who``'s execution printed
    (``cells``: pairs (source, outputs) of its code cells) against the book's execution stored in
    ``_build/.jupyter_cache`` by ``tools/execute_book.py`` (executed now, this notebook only, when the
    cache holds no execution of its current code)."""
    if str(ROOT / "tools") not in sys.path:
        sys.path.insert(0, str(ROOT / "tools"))
    import execute_book

    built = execute_book.built_notebook(path)
    if built is None:
        execute_book.main([str(path)])
        built = execute_book.built_notebook(path)
    if built is None:
        raise AssertionError(f"{path.name}: сборка книги не смогла исполнить блокнот "
                             "(подробности покажет jupyter-book build)")
    first = printed_text([(c.source, c.get("outputs", [])) for c in built.cells if c.cell_type == "code"])
    second = printed_text(cells)
    assert first, f"{path.name} ничего не напечатал — нечего сравнивать"
    if first != second:
        diff = next((a, b) for a, b in zip(first + [None] * len(second), second + [None] * len(first)) if a != b)
        raise AssertionError(f"{path.name}: два исполнения напечатали разное.\n"
                             f"сборка книги: {diff[0]!r}\n{who + ':':<14}{diff[1]!r}")


def notebook_calls(path: Path, function: str) -> list[str]:
    """String arguments of calls like `widgets.show("key")` or `check("key", ...)` in a notebook."""
    pattern = re.compile(rf"\b{re.escape(function)}\(\s*[\"']([^\"']+)[\"']")
    return [m for src in code_cells(path) for m in pattern.findall(src)]


_FIGURES: dict = {}


def panel_figure(key: str, slot: str = "", **values):
    """The slider panel ``key`` drawn at ``values``, on one figure per panel (and ``slot``) reused
    from call to call, as a live panel reuses its figure: the layout is computed on the first
    drawing only, which makes a test over a grid of slider values several times faster."""
    from lib import widgets

    fig = _FIGURES.get((key, slot))
    _FIGURES[(key, slot)] = fig = widgets.get(key).render(fig, **values)
    return fig
