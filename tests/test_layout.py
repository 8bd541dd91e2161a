"""The folder layout shows the architecture (issue: lib laid out as what it is).

* ``lib/`` top level: the course's library (PyTorch-like API) and the shared engines, nothing else;
* ``lib/chapters/<topic>.py``: each chapter's mathematics and experiments, readable beside the chapter;
* ``lib/figures/<topic>.py``: that chapter's figures and slider panels;
* ``lib/homework/<topic>.py``: its auto-checked tasks; ``lib/quizzes/<topic>.py``: its self-check questions.
Chapter material stays short, and no notebook reaches into a private name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from book import code_cells, toc_notebooks

LIB = Path(__file__).resolve().parent.parent / "lib"
LIBRARY = {"__init__", "_validate", "activations", "autograd", "data", "dropout", "gradcheck", "layers",
           "losses", "module", "nn", "optim", "quiz", "training", "widgets", "glyph_text"}
MAX_LINES = 320          # "≲ 300 lines": a module a reader holds in their head
CHAPTER_MODULES = sorted(p for d in ("chapters", "figures") for p in (LIB / d).glob("*.py") if p.name != "__init__.py")


def test_the_top_level_of_lib_is_the_library_only():
    assert {p.stem for p in LIB.glob("*.py")} == LIBRARY


TOPICS = ["neuron", "approximation", "descent", "backprop", "activation_study", "loss_study", "overfitting",
          "digits"]


@pytest.mark.parametrize("topic", TOPICS)
def test_every_chapter_has_its_mathematics_figures_and_homework(topic):
    for folder in ("chapters", "figures", "homework", "quizzes"):
        assert (LIB / folder / f"{topic}.py").exists(), f"нет lib/{folder}/{topic}.py"


@pytest.mark.parametrize("path", CHAPTER_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_chapter_material_is_short_and_documented_in_russian(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name}: {len(text.splitlines())} строк > {MAX_LINES}"
    tree = ast.parse(text)
    doc = ast.get_docstring(tree) or ""
    assert re.search("[а-яА-Я]", doc), f"{path.name}: нет русского docstring модуля"
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            d = ast.get_docstring(node) or ""
            assert re.search("[а-яА-Я]", d), f"{path.name}: у {node.name} нет русского docstring"


def test_chapter_mathematics_does_not_draw():
    for path in (LIB / "chapters").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "widgets.register" not in text, f"{path.name}: панели живут в lib/figures"


_PRIVATE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\.(_[A-Za-z]\w*)")


@pytest.mark.parametrize("path", toc_notebooks(), ids=lambda p: p.stem)
def test_notebooks_use_no_private_names(path):
    found = [m.group(0) for cell in code_cells(path) for m in _PRIVATE.finditer(cell)
             if not m.group(2).startswith("__")]
    assert not found, f"{path.name} обращается к закрытым именам: {found}"


ROOT = LIB.parent


@pytest.mark.parametrize("page", ["README.md", "intro.md"])
def test_chapter_module_tables_follow_the_layout(page):
    """The chapter ↔ module tables name existing files only, and every chapter module appears in them."""
    text = (ROOT / page).read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:chapters|figures)/\w+)(?:\.py)?`", text))
    for name in named:
        assert (LIB / f"{name}.py").exists(), f"{page} называет lib/{name}.py, а такого файла нет"
    for path in (LIB / "chapters").glob("*.py"):
        if path.name != "__init__.py":
            assert f"chapters/{path.stem}" in named, f"{page}: в таблице глав нет lib/chapters/{path.stem}.py"
